"""Getting documents in: every input kind, every kind of bad input, duplicates, stories."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from conftest import CORPORA, jsonl, require_shared
from dyadwatch.ingest.clean import clean_text
from dyadwatch.ingest.files import ReadOptions
from dyadwatch.ingest.pipeline import ingest_paths
from dyadwatch.store import documents as doc_store

WIRE_STORY = (
    "Russia and the United States exchanged prisoners in Abu Dhabi on Thursday, officials said. "
    "The swap freed a dual national held in Yekaterinburg since early last year on treason charges, "
    "and a Russian citizen who had been jailed in the United States for export violations. "
    "The exchange was negotiated by intelligence services of both countries with help from the "
    "United Arab Emirates, which has mediated several such swaps since the war in Ukraine began."
)


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def docs(cli) -> list[dict]:
    return jsonl(cli("docs", "--format", "jsonl").output)


def stats(cli) -> dict:
    return json.loads(cli("stats", "--format", "json").output)


# --- each input kind -----------------------------------------------------------------


def test_plain_text_first_line_is_the_title(cli, tmp_path):
    path = write(tmp_path / "note.txt", "Lavrov and Rubio meet in Riyadh\n\nThe two ministers talked for four hours.\n")
    result = cli("ingest", str(path), "--published", "2025-02-18", "--source", "Desk")
    assert result.exit_code == 0, result.output
    [doc] = docs(cli)
    assert doc["title"] == "Lavrov and Rubio meet in Riyadh"
    assert doc["ref"] == str(path)
    assert doc["published"].startswith("2025-02-18")
    assert doc["source"] == "Desk"


def test_markdown_heading_is_the_title_and_sections_stay_apart(cli, store, tmp_path):
    path = write(
        tmp_path / "brief.md",
        "# Weekly note\n\n## Sanctions\nThe Treasury named two oil firms\n\n## Talks\nEnvoys met in Istanbul.\n",
    )
    cli("ingest", str(path))
    [doc] = docs(cli)
    assert doc["title"] == "Weekly note"
    with store.connect() as conn:
        sentences = doc_store.document_sentences(conn, doc["id"])
    texts = [s.text for s in sentences]
    # The paragraph without a full stop must not run into the next heading.
    assert "The Treasury named two oil firms" in texts
    assert "Talks" in texts
    assert {s.block for s in sentences} >= {"heading", "paragraph"}


def test_html_page_gives_main_text_title_and_date(cli, tmp_path):
    html = """<!doctype html><html><head><title>Envoy visits Moscow | Daily Wire Service</title>
    <meta property="og:title" content="Envoy visits Moscow">
    <meta property="article:published_time" content="2025-04-11T09:30:00Z">
    </head><body><nav>Home | World | Subscribe</nav>
    <article><h1>Envoy visits Moscow</h1>
    <p>The U.S. special envoy met President Vladimir Putin in St. Petersburg on Friday for talks on Ukraine
    that lasted more than four hours, according to the Kremlin.</p>
    <p>Kremlin spokesman Dmitry Peskov said the meeting was useful and that the two sides had discussed
    the possibility of a ceasefire and the resumption of direct flights.</p></article>
    <footer>Copyright 2025 Daily Wire Service</footer></body></html>"""
    path = write(tmp_path / "page.html", html)
    assert cli("ingest", str(path)).exit_code == 0
    [doc] = docs(cli)
    assert doc["title"] == "Envoy visits Moscow"
    assert doc["published"].startswith("2025-04-11")


def test_json_jsonl_gzip_and_csv_records_with_common_field_names(cli, tmp_path):
    write(tmp_path / "one.json", json.dumps({"headline": "Talks in Geneva", "body": "Diplomats met in Geneva.", "pubdate": "2024-03-01"}))
    write(tmp_path / "many.json", json.dumps({"articles": [{"title": "A", "content": "First story text."}, {"title": "B", "content": "Second story text."}]}))
    lines = [{"id": "x-1", "time": "2023-05-01", "text": "Ministers spoke by phone."}, {"id": "x-2", "time": "2023-05-02", "text": "Leaders met in Paris."}]
    write(tmp_path / "recs.jsonl", "\n".join(json.dumps(r) for r in lines) + "\n")
    (tmp_path / "recs2.jsonl.gz").write_bytes(gzip.compress(json.dumps({"id": "g-1", "date": "2022-01-05", "text": "Gzip record text."}).encode()))
    write(tmp_path / "table.csv", "Title,Text,Published,Link\nCSV story,\"Officials met, and talked.\",2021-06-16,https://example.org/a\n")
    result = cli("ingest", str(tmp_path))
    assert result.exit_code == 0, result.output
    stored = {d["ref"]: d for d in docs(cli)}
    assert {"x-1", "x-2", "g-1"} <= set(stored)
    assert stored["x-1"]["published"].startswith("2023-05-01")
    titles = {d["title"] for d in stored.values()}
    assert {"Talks in Geneva", "A", "B", "CSV story"} <= titles
    csv_doc = next(d for d in stored.values() if d["title"] == "CSV story")
    assert csv_doc["url"] == "https://example.org/a"


def test_stdin_and_globs(cli, tmp_path):
    result = cli("ingest", "-", input='{"id": "s1", "text": "From standard input."}\n')
    assert result.exit_code == 0
    write(tmp_path / "a.txt", "Title A\n\nBody A.")
    write(tmp_path / "b.txt", "Title B\n\nBody B.")
    assert cli("ingest", str(tmp_path / "*.txt")).exit_code == 0
    assert {d["ref"] for d in docs(cli)} == {"s1", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")}


def test_shared_corpus_files_load_as_they_are(cli):
    require_shared()
    path = CORPORA / "state-dept-press-releases" / "russia_in_title_subset.jsonl"
    result = cli("ingest", str(path), "--format", "json")
    summary = json.loads(result.output)
    assert summary["added"] == 65 and summary["skipped"] == 0
    first = docs(cli)[0]
    assert first["url"].startswith("http") and first["published"] and first["source"]


def test_records_shaped_id_time_text_load(cli, tmp_path):
    write(tmp_path / "tls.jsonl", json.dumps({"id": "a1", "time": "2014-07-17", "text": "Plane downed over Ukraine."}) + "\n")
    cli("ingest", str(tmp_path / "tls.jsonl"))
    [doc] = docs(cli)
    assert doc["ref"] == "a1" and doc["published"].startswith("2014-07-17")


# --- cleaning -----------------------------------------------------------------------------


def test_footnote_markers_are_kept_apart_and_do_not_break_sentences():
    cleaned = clean_text("The ministers met in Geneva.[1][5] They agreed to meet again[2] next month.")
    assert cleaned.text == "The ministers met in Geneva. They agreed to meet again next month."
    assert [f["marker"] for f in cleaned.footnotes] == ["1", "5", "2"]


def test_boilerplate_is_dropped_and_copyright_names_the_publisher():
    raw = "Envoys met in Istanbul on Monday.\n\nSubscribe to our channels\n\n0 Comments\n\nShare on Facebook\n\n© 2025 Baltic Wire. All rights reserved."
    cleaned = clean_text(raw)
    assert cleaned.text == "Envoys met in Istanbul on Monday."
    assert cleaned.publisher == "Baltic Wire"


def test_bullets_and_numbered_titles_are_their_own_blocks():
    cleaned = clean_text("1. Background\nThe treaty expired in February.\n\n- first point\n- second point\n")
    kinds = [(b.kind, b.text) for b in cleaned.blocks]
    assert ("heading", "1. Background") in kinds
    assert ("bullet", "first point") in kinds and ("bullet", "second point") in kinds


def test_copyright_line_fills_source_when_none_is_known(cli, tmp_path):
    write(tmp_path / "wire.txt", "Talks resume\n\nNegotiators met again on Tuesday.\n\nCopyright 2024 Nordic Press Agency")
    cli("ingest", str(tmp_path / "wire.txt"))
    assert docs(cli)[0]["source"] == "Nordic Press Agency"


# --- duplicates ------------------------------------------------------------------------


def test_reingesting_the_same_input_adds_nothing(cli, tmp_path):
    write(tmp_path / "a.txt", "Title\n\n" + WIRE_STORY)
    first = json.loads(cli("ingest", str(tmp_path), "--format", "json").output)
    second = json.loads(cli("ingest", str(tmp_path), "--format", "json").output)
    assert first["added"] == 1
    assert second == {**second, "added": 0, "duplicates": 1}
    assert stats(cli)["documents"] == 1


def test_near_duplicates_are_grouped_into_one_story(cli, tmp_path):
    write(tmp_path / "outlet1.txt", "Prisoner swap in Abu Dhabi\n\n" + WIRE_STORY)
    rewritten = WIRE_STORY.replace("officials said", "officials told reporters") + " Copyright lines differ."
    write(tmp_path / "outlet2.txt", "Russia and U.S. swap prisoners\n\n" + rewritten)
    write(tmp_path / "other.txt", "Unrelated\n\nThe central bank kept its key rate unchanged at sixteen percent on Friday.")
    cli("ingest", str(tmp_path / "outlet1.txt"))
    # A later run must still find the story of the earlier one.
    cli("ingest", str(tmp_path / "outlet2.txt"), str(tmp_path / "other.txt"))
    stored = {Path(d["ref"]).name: d for d in docs(cli)}
    assert stored["outlet2.txt"]["story"] == stored["outlet1.txt"]["id"]
    assert stored["other.txt"]["story"] == stored["other.txt"]["id"]
    assert stats(cli)["stories"] == 2


# --- bad input ------------------------------------------------------------------------------


def test_each_bad_input_gets_one_line_and_the_batch_goes_on(cli, tmp_path):
    write(tmp_path / "good.txt", "Good\n\nA readable document about talks.")
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "binary.txt", b"\x00\x01\x02\x03PK\x00\x00" * 100)
    write(tmp_path / "latin.txt", "Caf\xe9 talks\n\nThe ministers met in a caf\xe9 in Z\xfcrich.".encode("latin-1"))
    write(tmp_path / "broken.jsonl", '{"id": "ok", "text": "Fine line."}\n{"id": broken\n{"id": "ok2", "text": "Another fine line."}\n')
    write(tmp_path / "notext.json", json.dumps({"title": "No body here"}))
    write(tmp_path / "bad.html", "<html><body><script>var x = 1;</script></body></html>")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    result = cli("ingest", str(tmp_path), str(tmp_path / "missing.txt"))
    assert result.exit_code == 0
    errors = result.stderr
    assert f"{tmp_path / 'empty.txt'}: empty file" in errors
    assert "binary.txt: binary file" in errors
    assert "broken.jsonl:2: malformed JSON line" in errors
    assert "notext.json#1: record has no text" in errors
    assert "bad.html: no article text" in errors
    assert "missing.txt: no such file or folder" in errors
    assert "dangling.txt" in errors
    refs = {d["ref"] for d in docs(cli)}
    assert {"ok", "ok2", str(tmp_path / "good.txt"), str(tmp_path / "latin.txt")} <= refs
    assert stats(cli)["skipped"] >= 7


def test_oversized_file_is_refused_with_the_limit(cli, tmp_path):
    write(tmp_path / "big.txt", "Big\n\n" + "word " * 5000)
    result = cli("ingest", str(tmp_path / "big.txt"), "--max-bytes", "1000")
    assert "over the limit of 1,000" in result.stderr
    assert result.exit_code != 0


def test_exit_code_is_nonzero_only_when_nothing_could_be_read(cli, tmp_path):
    write(tmp_path / "empty.txt", "")
    assert cli("ingest", str(tmp_path / "empty.txt")).exit_code != 0
    write(tmp_path / "good.txt", "Good\n\nFine text.")
    assert cli("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "good.txt")).exit_code == 0
    # Everything already stored still counts as read.
    assert cli("ingest", str(tmp_path / "good.txt")).exit_code == 0


def test_future_dates_are_reported_and_the_document_kept(cli, tmp_path):
    write(tmp_path / "f.jsonl", json.dumps({"id": "fut", "date": "2199-01-01", "text": "Envoys will meet."}) + "\n")
    result = cli("ingest", str(tmp_path / "f.jsonl"))
    assert "in the future" in result.stderr
    [doc] = docs(cli)
    assert doc["ref"] == "fut" and doc["published"] is None


def test_nothing_stored_is_lost_when_a_later_batch_fails(cli, tmp_path):
    write(tmp_path / "a.txt", "Kept\n\nThis one is stored first.")
    cli("ingest", str(tmp_path / "a.txt"))
    write(tmp_path / "bad.jsonl", "{not json}\n")
    cli("ingest", str(tmp_path / "bad.jsonl"))
    assert [d["title"] for d in docs(cli)] == ["Kept"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_unreadable_file(cli, tmp_path):
    path = write(tmp_path / "secret.txt", "Secret\n\nText.")
    path.chmod(0)
    assert "permission denied" in cli("ingest", str(path)).stderr


# --- looking at what is stored --------------------------------------------------------------


def test_docs_and_stats_json_shapes(cli):
    cli("ingest", "--examples")
    rows = docs(cli)
    assert len(rows) >= 5
    assert set(rows[0]) >= {"id", "ref", "title", "url", "published", "source", "story"}
    figures = stats(cli)
    assert set(figures) >= {"documents", "sentences", "events", "skipped"}
    assert figures["documents"] == len(rows) and figures["sentences"] > figures["documents"]


def test_library_ingest_counts_sentences_per_block(store, tmp_path):
    write(tmp_path / "a.md", "# T\n\n## Heading without stop\nFirst sentence. Second sentence.\n")
    summary = ingest_paths(store, [str(tmp_path / "a.md")], ReadOptions())
    assert summary.added == 1 and summary.sentences == 3


def test_html_keeps_subheadings_apart_and_the_headline_out_of_the_body(store):
    from dyadwatch.ingest.html import document_from_html

    page = """<html><head><title>Envoy visits Moscow</title>
    <meta property="og:site_name" content="Wire Desk"></head><body><article><h1>Envoy visits Moscow</h1>
    <p>The U.S. special envoy met President Vladimir Putin in St. Petersburg on Friday for talks on Ukraine
    that lasted more than four hours, the Kremlin said in a statement.</p><h2>Ceasefire</h2>
    <p>Kremlin spokesman Dmitry Peskov said the meeting was useful and that the two sides had discussed a
    ceasefire along the front line and an exchange of prisoners.</p></article></body></html>"""
    # The same page twice in one process: both extractions must keep their text.
    for attempt in range(3):
        document = document_from_html(page, ref=f"page-{attempt}")
        assert document.title == "Envoy visits Moscow"
        assert document.text.startswith("The U.S. special envoy")
        assert ("heading", "Ceasefire") in [(b.kind, b.text) for b in document.blocks]
        assert document.source == "Wire Desk"


def test_stray_html_in_text_records_is_removed_but_its_words_kept():
    raw = 'We must win the 21<sup>st</sup> Century, <u>together</u>.\n\n<figure> <img src="x.png"> caption</figure>\n\nNext.'
    assert clean_text(raw).text == "We must win the 21st Century, together.\n\nNext."
