"""The coding pipeline, report→event linking, the event store and the `code`/`events` commands.

The coder is the real ``dyadwatch.events.Coder`` over the real spaCy parse and actors
registry; ``RecordingCoder`` only notes which sentences reached it (to check the cheap
pass) and ``CrashingCoder`` fails on one marked sentence (to check the batch goes on).
The test sentences are plain current-style reporting whose coding is not in doubt.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
from datetime import date, datetime

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from conftest import POSTGRES, postgres_schema
from dyadwatch import nlp
from dyadwatch.cli import main
from dyadwatch.cli.common import out_console
from dyadwatch.events import Coder, linking, pipeline
from dyadwatch.ingest.pipeline import store_documents
from dyadwatch.model import ActorRef, Block, Document, Event, Evidence
from dyadwatch.store import Store
from dyadwatch.store import events as event_store
from dyadwatch.store.schema import documents, events, mentions, reports
from dyadwatch.store.series import coverage_counts


class RecordingCoder(Coder):
    """The real coder, noting the sentences and context codes it is given."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.coded_texts, self.seen_contexts, self.resolved_texts = [], [], []

    def resolve_mentions(self, doc, when, *, context_codes=()):
        self.resolved_texts.append(doc.text)
        return super().resolve_mentions(doc, when, context_codes=context_codes)

    def code_doc(self, doc, when, *, context_codes=(), reported_by=None,
                 mentions=None) -> list[Event]:
        if doc.text == pipeline.WARM_UP_TEXT:
            return super().code_doc(doc, when, context_codes=context_codes)
        self.coded_texts.append(doc.text)
        self.seen_contexts.append(tuple(context_codes))
        if "CRASH" in doc.text and self.crash:
            raise RuntimeError("cannot read this sentence")
        if "DIE" in doc.text and os.getpid() != self.parent_pid:
            os._exit(3)  # a worker process dying outright, as on a segfault
        return super().code_doc(doc, when, context_codes=context_codes, reported_by=reported_by,
                                mentions=mentions)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session", autouse=True)
def spacy_loaded():
    return nlp.load()


def make_doc(ref: str, paragraphs: list[str], published: str, source: str, title: str) -> Document:
    return Document(
        text="\n\n".join(paragraphs),
        ref=ref,
        title=title,
        published=datetime.fromisoformat(published),
        published_precision="day",
        source=source,
        blocks=[Block(p) for p in paragraphs],
    )


CORPUS = [
    make_doc("a1", ["Russia expelled two British diplomats on Tuesday.",
                    "The weather in the capital was mild."],
             "2025-03-04", "Outlet A", "Diplomats expelled"),
    make_doc("b1", ["Moscow expelled the diplomats from Britain, officials said.",
                    "Nothing else happened."],
             "2025-03-04", "Outlet B", "Expulsions in Moscow"),
    make_doc("c1", ["Russia did not expel any British diplomats, the embassy insisted."],
             "2025-03-05", "Outlet C", "Embassy denial"),
    make_doc("d1", ["The United States sanctioned China on Monday.",
                    "Beijing accused Washington of bullying."],
             "2025-04-10", "Outlet A", "Sanctions on China"),
    make_doc("e1", ["France will meet Ukraine in Paris next week.",
                    "A sentence without actors or verbs of note."],
             "2025-05-01", "Outlet D", "Talks planned"),
]  # fmt: skip


@pytest.fixture
def store(tmp_path):
    st = Store(str(tmp_path / "t.db"))
    summary = store_documents(st, CORPUS)
    assert summary.added == len(CORPUS)
    yield st
    st.dispose()


@pytest.fixture(scope="session")
def base_coder():
    return RecordingCoder()


@pytest.fixture
def coder(base_coder):
    # A shallow copy shares the loaded lexicon; each test gets its own records and version.
    fresh = copy.copy(base_coder)
    fresh.coded_texts, fresh.seen_contexts, fresh.crash = [], [], False
    fresh.resolved_texts = []
    fresh.parent_pid = os.getpid()
    return fresh


def all_reports(st: Store) -> list[dict]:
    with st.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(reports).order_by(reports.c.id))]


def all_mentions(st: Store) -> list[dict]:
    with st.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(mentions).order_by(mentions.c.id))]


# --------------------------------------------------------------------------- coding


def test_codes_only_candidates_and_second_run_codes_nothing(store, coder):
    first = pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert first.documents == 5
    assert first.sentences == 9
    # "The weather ...", "Nothing else happened." and "A sentence without actors ..." name
    # no actor: the cheap pass keeps them away from the parser.
    assert first.candidates == 6
    assert len(coder.coded_texts) == 6
    assert not any("weather" in t for t in coder.coded_texts)
    assert first.reports >= 6
    with store.connect() as conn:
        versions = set(conn.execute(sa.select(documents.c.coded_version)).scalars())
    assert versions == {pipeline.coding_version(coder)}
    assert next(iter(versions)).startswith(coder.version + "+t")

    second = pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert second.documents == 0 and second.reports == 0
    assert len(coder.coded_texts) == 6


def test_context_codes_come_from_title_and_first_sentences(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    by_text = dict(zip(coder.coded_texts, coder.seen_contexts, strict=True))
    assert by_text["The United States sanctioned China on Monday."] == ("CHN", "USA")


def test_new_documents_are_coded_incrementally(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    later = make_doc("a2", ["The Kremlin expelled British diplomats again, Moscow said."],
                     "2025-03-05", "Outlet E", "More expulsions")  # fmt: skip
    store_documents(store, [later])
    summary = pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert summary.documents == 1
    with store.connect() as conn:
        rows = event_store.query_events(conn, dyad="RUS-GBR", event="SANCTION")
    # The new report joins the event the two earlier outlets already made.
    assert len(rows) == 1
    assert rows[0]["report_count"] == 3 and rows[0]["doc_count"] == 3


def test_recode_after_version_change_replaces_reports(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    before = all_reports(store)
    with store.connect() as conn:
        events_before = event_store.counts(conn)["events"]

    coder.version = coder.version + "-changed"
    summary = pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert summary.documents == 5
    after = all_reports(store)
    assert len(after) == len(before)
    assert {r["coder_version"] for r in after} == {pipeline.coding_version(coder)}
    with store.connect() as conn:
        assert event_store.counts(conn)["events"] == events_before
        # No event is left without reports, and every report has an event.
        linked = set(conn.execute(sa.select(reports.c.event_id)).scalars())
        assert set(conn.execute(sa.select(events.c.id)).scalars()) == linked
        assert None not in linked

    # --recode codes everything again even when the version is unchanged.
    again = pipeline.code_pending(store, coder=coder, recode=True, workers=1, quiet=True)
    assert again.documents == 5
    assert len(all_reports(store)) == len(before)


def test_evidence_offsets_point_at_the_trigger_in_the_document(store, coder):
    light = make_doc("f1", ["Talks went on all week.",
                            "Washington imposed new sanctions on Moscow, the Treasury said."],
                     "2025-06-02", "Outlet F", "Sanctions")  # fmt: skip
    store_documents(store, [light])
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    with store.connect() as conn:
        texts = dict(conn.execute(sa.select(documents.c.id, documents.c.text)).all())
    rows = all_reports(store)
    assert rows
    for r in rows:
        quoted = texts[r["doc_id"]][r["start"] : r["end"]]
        words = r["trigger"].split()
        # One-word triggers exactly; light-verb triggers from first to last word.
        assert quoted.split()[0] == words[0] and quoted.split()[-1] == words[-1]
        assert len(words) > 1 or quoted == r["trigger"]
    light_row = next(r for r in rows if r["doc_id"] == 6 and r["event"] == "SANCTION")
    assert texts[6][light_row["start"] : light_row["end"]] in ("imposed new sanctions", "imposed")
    # A trigger in the second paragraph: the offset includes the first paragraph.
    accuse = next(r for r in rows if r["event"] == "ACCUSE")
    assert accuse["sentence_idx"] == 1 and accuse["start"] > len(CORPUS[3].text.split("\n\n")[0])


def test_two_outlets_make_one_event_and_negation_stays_apart(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    with store.connect() as conn:
        asserted = event_store.query_events(conn, dyad="RUS-GBR")
        everything = event_store.query_events(conn, dyad="RUS-GBR", include_negated=True)
        negated = [r for r in everything if r["negated"]]
        assert len(asserted) == 1
        event = asserted[0]
        assert event["report_count"] == 2 and event["doc_count"] == 2
        assert len(negated) == 1 and negated[0]["report_count"] == 1
        # Themes from the relations taxonomy, on the event and each of its reports.
        assert "sanctions" in event["themes"]
        assert negated[0]["id"] != event["id"]
        # The event stands on its most confident report (the one with a target phrase
        # found first: the earliest of equally confident reports).
        reps = event_store.reports_of(conn, event["id"])
    assert all("sanctions" in r["themes"] for r in reps)
    assert [r["doc_id"] for r in reps] == sorted(r["doc_id"] for r in reps)
    assert event["doc_id"] == reps[0]["doc_id"]
    assert {r["quote"] for r in reps} == {
        "Russia expelled two British diplomats on Tuesday.",
        "Moscow expelled the diplomats from Britain, officials said.",
    }


def test_trigger_span_prefers_the_coders_offsets_and_finds_words_otherwise():
    sentence = "Kyiv said Washington imposed new sanctions on Moscow, which imposed its own."
    ev = Evidence(0, 0, len(sentence), "imposed sanctions")
    event = Event(ActorRef("USA"), ActorRef("RUS"), "SANCTION", ev)
    a, b = pipeline.trigger_span(sentence, event)
    assert sentence[a:b] == "imposed new sanctions"
    exact = Evidence(0, 0, len(sentence), "imposed", trigger_start=60, trigger_end=67)
    a, b = pipeline.trigger_span(sentence, Event(ActorRef("RUS"), None, "SANCTION", exact))
    assert (a, b) == (60, 67) and sentence[a:b] == "imposed"
    missing = Evidence(0, 5, 20, "expelled")
    assert pipeline.trigger_span(sentence, Event(ActorRef("RUS"), None, "SANCTION", missing)) == (5, 20)


def test_linking_rule_is_pure_and_deterministic():
    words = linking.words("Russia expelled two British diplomats")
    key = linking.ReportKey(1, None, date(2025, 3, 4), "day", None, words)
    near = linking.Candidate(7, date(2025, 3, 5), "day", {None}, set(), [frozenset({"x"})])
    nearer = linking.Candidate(9, date(2025, 3, 4), "day", {None}, set(), [frozenset({"y"})])
    far = linking.Candidate(3, date(2025, 3, 10), "day", {None}, set(), [frozenset({"z"})])
    assert linking.choose_event(key, [near, nearer, far]) == 9
    assert linking.choose_event(key, [far]) is None
    # Near-identical wording widens the window to the story window.
    same_words = linking.Candidate(3, date(2025, 3, 10), "day", {None}, set(), [words])
    assert linking.choose_event(key, [same_words]) == 3
    # Different modes are different developments.
    phone = linking.ReportKey(1, None, date(2025, 3, 4), "day", "phone", words)
    visit = linking.Candidate(4, date(2025, 3, 4), "day", {"visit"}, set(), [words])
    assert linking.choose_event(phone, [visit]) is None
    assert linking.same_stance_modalities("future") == ("future",)
    assert "reported" in linking.same_stance_modalities("asserted")


def test_a_crashing_document_does_not_stop_the_batch(tmp_path, coder):
    st = Store(str(tmp_path / "crash.db"))
    bad = make_doc("bad", ["Ukraine accused Russia of CRASH shelling.",
                           "Russia attacked Ukraine overnight."],
                   "2025-06-01", "Outlet X", "Bad one")  # fmt: skip
    store_documents(st, [CORPUS[0], bad, CORPUS[3]])
    coder.crash = True
    messages: list[str] = []
    summary = pipeline.code_pending(st, coder=coder, workers=1, quiet=True, warn=messages.append)
    assert summary.documents == 3
    assert len(messages) == 1
    assert "'Bad one'" in messages[0] and "RuntimeError" in messages[0]
    assert [doc_id for doc_id, _ in summary.failed] == [2]
    rows = all_reports(st)
    assert {r["doc_id"] for r in rows} == {1, 2, 3}
    # The document's other sentence was still coded.
    assert [r["event"] for r in rows if r["doc_id"] == 2] == ["ASSAULT"]
    st.dispose()


def test_worker_processes_give_the_same_result(tmp_path, store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    other = Store(str(tmp_path / "pool.db"))
    store_documents(other, CORPUS)
    old = pipeline.CHUNK_DOCS, pipeline.RECYCLE_CHUNKS
    # Several chunks, so two workers really share the work, and fresh workers after two.
    pipeline.CHUNK_DOCS, pipeline.RECYCLE_CHUNKS = 2, 2
    try:
        summary = pipeline.code_pending(other, coder=copy.copy(coder), workers=2, quiet=True)
    finally:
        pipeline.CHUNK_DOCS, pipeline.RECYCLE_CHUNKS = old
    assert summary.workers == 2 and summary.documents == 5
    with store.connect() as a, other.connect() as b:
        assert event_store.query_events(a, include_negated=True) == event_store.query_events(
            b, include_negated=True
        )
    other.dispose()


def test_a_worker_process_dying_loses_only_its_document(tmp_path, coder, monkeypatch):
    st = Store(str(tmp_path / "die.db"))
    fatal = make_doc("die", ["Ukraine accused Russia of DIE shelling."],
                     "2025-06-01", "Outlet Y", "Fatal one")  # fmt: skip
    store_documents(st, [CORPUS[0], fatal, CORPUS[3], CORPUS[1]])
    monkeypatch.setattr(pipeline, "CHUNK_DOCS", 2)
    messages: list[str] = []
    summary = pipeline.code_pending(st, coder=coder, workers=2, quiet=True, warn=messages.append)
    assert summary.documents == 4
    assert [doc_id for doc_id, _ in summary.failed] == [2]
    assert len(messages) == 1 and "'Fatal one'" in messages[0] and "died" in messages[0]
    assert {r["doc_id"] for r in all_reports(st)} == {1, 3, 4}
    with st.connect() as conn:
        coded = set(conn.execute(sa.select(documents.c.coded_version)).scalars())
    assert coded == {pipeline.coding_version(coder)}
    st.dispose()


# --------------------------------------------------------------------------- queries


def test_query_filters(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    with store.connect() as conn:
        q = lambda **kw: event_store.query_events(conn, **kw)  # noqa: E731
        assert {r["event"] for r in q(dyad="CHN-USA")} == {"SANCTION", "ACCUSE"}
        assert {(r["source"]["code"], r["target"]["code"]) for r in q(dyad="usa-chn")} == {
            ("USA", "CHN"), ("CHN", "USA"),
        }
        assert {r["event"] for r in q(actor="CHN")} == {"SANCTION", "ACCUSE"}
        assert [r["event"] for r in q(actor="USA", event="ACCUSE")] == ["ACCUSE"]
        assert len(q(event="SANCTION,CONSULT")) == 3
        # "on Monday" in a release of Thursday 2025-04-10 is 2025-04-07.
        assert [r["date"] for r in q(since=date(2025, 4, 1), until=date(2025, 4, 30))] == [
            date(2025, 4, 7), date(2025, 4, 10),
        ]
        assert [r["date"] for r in q(since=date(2025, 4, 8), until=date(2025, 4, 10))] == [
            date(2025, 4, 10),
        ]
        confidences = sorted(r["confidence"] for r in q())
        assert confidences[0] < confidences[-1]
        confident = q(min_confidence=confidences[-1])
        assert confident and all(r["confidence"] >= confidences[-1] for r in confident)
        assert len(confident) < len(q())
        future = q(modality="future")
        assert future and {r["modality"] for r in future} == {"future"}
        assert {r["source"]["code"] for r in future} == {"FRA"}
        assert not any(r["negated"] for r in q())
        assert any(r["negated"] for r in q(include_negated=True))
        assert len(q(limit=2)) == 2
        with pytest.raises(ValueError):
            event_store.parse_dyad("USA")


CONTRACT = {
    "id", "doc_id", "date", "date_precision", "source", "target", "event", "mode",
    "contexts", "cameo", "goldstein", "quad_class", "negated", "modality", "evidence",
    "confidence", "report_count", "doc_count", "themes", "reported_by", "plover_score",
    "ref", "quote",
}  # fmt: skip


@pytest.fixture
def cli_db(store, coder, monkeypatch):
    # `events` codes pending documents itself; point it at the stand-in coder.
    monkeypatch.setattr(pipeline, "default_coder", lambda: coder)
    return store.url.removeprefix("sqlite:///")


def test_events_command_codes_first_and_keeps_the_jsonl_contract(cli_db):
    result = CliRunner().invoke(main, ["events", "--db", cli_db, "--format", "jsonl",
                                       "--include-negated"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "coded 5 new document(s)" in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    with Store(cli_db).connect() as conn:
        assert len(lines) == len(event_store.query_events(conn, include_negated=True)) >= 5
    for row in lines:
        assert set(row) >= CONTRACT
        assert {"code", "name", "sector"} <= set(row["source"])
        assert {"sentence", "start", "end", "trigger"} <= set(row["evidence"])
        assert isinstance(row["contexts"], list)
        date.fromisoformat(row["date"])
    assert any(row["target"] is None or row["negated"] for row in lines)
    # Second call: nothing left to code, no message.
    again = CliRunner().invoke(main, ["events", "--db", cli_db, "--format", "jsonl"])
    assert again.exit_code == 0 and "coded" not in again.stderr


def test_events_csv_parquet_and_table(cli_db, tmp_path, monkeypatch):
    monkeypatch.setattr(out_console, "width", 80)  # as on a narrow terminal
    runner = CliRunner()
    out = runner.invoke(main, ["events", "--db", cli_db, "--format", "csv", "--dyad", "RUS-GBR"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 1 and rows[0]["source_code"] == "RUS" and rows[0]["report_count"] == "2"

    path = tmp_path / "ev.parquet"
    bad = runner.invoke(main, ["events", "--db", cli_db, "--format", "parquet"])
    assert bad.exit_code != 0 and "-o FILE" in bad.output
    ok = runner.invoke(main, ["events", "--db", cli_db, "--format", "parquet", "-o", str(path),
                              "--actor", "CHN"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    table = pq.read_table(path)
    assert table.num_rows == 2
    assert set(table.column("event").to_pylist()) == {"SANCTION", "ACCUSE"}
    assert table.column("date").to_pylist() == [date(2025, 4, 7), date(2025, 4, 10)]

    shown = runner.invoke(main, ["events", "--db", cli_db, "--event", "SANCTION"])
    assert shown.exit_code == 0
    assert "RUS" in shown.stdout and "SANCTION" in shown.stdout and "expelled" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80

    dated = runner.invoke(main, ["events", "--db", cli_db, "--format", "jsonl", "--since",
                                 "2025-04-08", "--until", "2025-12-31", "--min-confidence", "0.5",
                                 "--event", "accuse"])  # fmt: skip
    assert [json.loads(line)["event"] for line in dated.stdout.splitlines()] == ["ACCUSE"]

    bad_dyad = runner.invoke(main, ["events", "--db", cli_db, "--dyad", "USA"])
    assert bad_dyad.exit_code != 0 and "A-B" in bad_dyad.output


def test_code_command_prints_a_summary(cli_db):
    runner = CliRunner()
    first = runner.invoke(main, ["code", "--db", cli_db, "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert re.search(
        r"coded 5 documents: 9 sentences scanned, 6 candidates parsed, \d+ reports, \d+ events",
        first.stdout,
    )
    second = runner.invoke(main, ["code", "--db", cli_db, "--format", "json"])
    assert json.loads(second.stdout)["documents"] == 0
    recode = runner.invoke(main, ["code", "--db", cli_db, "--recode", "--workers", "1",
                                  "--format", "json"])  # fmt: skip
    assert json.loads(recode.stdout)["documents"] == 5


# --------------------------------------------------------------------------- actor mentions

#: A document whose only actor sentence holds no trigger word: the cheap pass keeps it
#: from the parser, it yields no event, yet it mentions Russia and its president.
QUIET = make_doc("q1", ["The weather was mild all week.",
                        "Russia's economy grew slowly last year under President Putin."],
                 "2025-07-02", "Outlet Q", "Quiet week")  # fmt: skip


def _check_mentions(st: Store) -> list[dict]:
    """Every stored mention quotes its document verbatim; returns them."""
    rows = all_mentions(st)
    with st.connect() as conn:
        texts = dict(conn.execute(sa.select(documents.c.id, documents.c.text)).all())
    assert rows
    for row in rows:
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"], row
        assert row["code"] and row["end"] > row["start"]
    return rows


def test_mentions_are_stored_with_offsets_into_the_document(store, coder):
    store_documents(store, [QUIET])
    summary = pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    rows = _check_mentions(store)
    assert summary.mentions == len(rows)
    by_doc: dict[int, list[tuple[int, str, str]]] = {}
    for row in rows:
        by_doc.setdefault(row["doc_id"], []).append((row["sentence_idx"], row["text"], row["code"]))
    assert by_doc[1] == [(0, "Russia", "RUS"), (0, "British diplomats", "GBR")]
    # The second paragraph: offsets include the first paragraph and its separator.
    assert (1, "Beijing", "CHN") in by_doc[4] and (1, "Washington", "USA") in by_doc[4]
    beijing = next(r for r in rows if r["doc_id"] == 4 and r["text"] == "Beijing")
    assert beijing["start"] == len(CORPUS[3].text.split("\n\n")[0]) + 2
    # A sentence the cheap pass kept from the parser still has its mentions, resolved as
    # of the document's date with role and person.
    assert not any("Russia's economy" in t for t in coder.coded_texts)
    quiet = [r for r in rows if r["doc_id"] == 6]
    assert [(r["sentence_idx"], r["text"], r["code"]) for r in quiet] == [
        (1, "Russia", "RUS"), (1, "President Putin", "RUS"),
    ]
    president = quiet[1]
    assert president["person"] == "Vladimir Putin" and president["sector"] == "GOV"
    assert president["role"] == "President" and president["how"] == "person"
    # The mentions of a parsed sentence are the ones the coder coded its events from.
    for report in all_reports(store):
        actor = report["source"]
        found = {(r["code"], r["text"]) for r in rows
                 if (r["doc_id"], r["sentence_idx"]) == (report["doc_id"], report["sentence_idx"])}
        assert (actor["code"], actor["text"]) in found, report


def test_mentions_are_replaced_on_recode_and_deleted_with_their_document(store, coder):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    first = all_mentions(store)

    def content(rows: list[dict]) -> list[tuple]:
        return [tuple(v for k, v in r.items() if k != "id") for r in rows]

    # A stale row (as an older coder might have left) must go, not stay beside the new ones.
    with store.begin() as conn:
        conn.execute(mentions.update().where(mentions.c.id == first[0]["id"]).values(code="OLD"))
    again = pipeline.code_pending(store, coder=coder, recode=True, workers=1, quiet=True)
    assert again.documents == 5
    assert content(all_mentions(store)) == content(first)

    coder.version = coder.version + "-changed"
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert content(all_mentions(store)) == content(first)

    # Foreign keys are on: deleting a document deletes its mentions (and reports).
    with store.begin() as conn:
        conn.execute(documents.delete().where(documents.c.id == 1))
    left = all_mentions(store)
    assert left and 1 not in {r["doc_id"] for r in left}
    assert len(left) == len(first) - sum(r["doc_id"] == 1 for r in first)


def test_coverage_counts_documents_that_mention_an_actor_without_an_event(store, coder):
    store_documents(store, [QUIET])
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    assert not [r for r in all_reports(store) if r["doc_id"] == 6]
    with store.connect() as conn:
        counts = coverage_counts(conn, {"RUS"}, grain="month")
    # March: a1 and b1 (expulsions) and c1 (the denial: a negated event still names Russia);
    # July: the quiet document, which has no event at all.
    assert counts == {"2025-03": 3, "2025-07": 1}
    with store.connect() as conn:
        assert coverage_counts(conn, {"CHN"}, grain="month") == {"2025-04": 1}


def test_a_parsed_sentence_is_resolved_once_for_mentions_and_coder(store, coder):
    tools = pipeline._Tools(coder)
    coder.resolved_texts.clear()  # the warm-up's
    with store.connect() as conn:
        jobs = event_store.coding_inputs(conn, [1, 2, 3, 4, 5])
    results = pipeline.code_jobs(jobs, tools)
    calls = coder.resolved_texts
    # The coder was handed the pipeline's resolution of each candidate.
    assert len(coder.coded_texts) == 6 and len(calls) == len(set(calls))
    assert set(coder.coded_texts) <= set(calls)
    assert sum(len(r.events) for r in results) >= 6


def test_worker_processes_give_the_same_mentions(tmp_path, store, coder, monkeypatch):
    pipeline.code_pending(store, coder=coder, workers=1, quiet=True)
    other = Store(str(tmp_path / "pool-mentions.db"))
    store_documents(other, CORPUS)
    monkeypatch.setattr(pipeline, "CHUNK_DOCS", 2)
    summary = pipeline.code_pending(other, coder=copy.copy(coder), workers=2, quiet=True)
    assert summary.workers == 2
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(all_mentions(other)) == strip(all_mentions(store))
    assert summary.mentions == len(all_mentions(other))
    other.dispose()


def test_stats_shows_the_number_of_mentions(cli_db):
    runner = CliRunner()
    coded = runner.invoke(main, ["code", "--db", cli_db, "--workers", "1", "--format", "json"])
    assert coded.exit_code == 0, coded.output
    stored = json.loads(coded.stdout)["mentions"]
    stats = runner.invoke(main, ["stats", "--db", cli_db, "--format", "json"])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["mentions"] == stored > 0
    table = runner.invoke(main, ["stats", "--db", cli_db])
    assert re.search(rf"mentions\s+{stored}\b", table.stdout)


@pytest.mark.skipif(not POSTGRES, reason="set DYADWATCH_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_postgresql_stores_and_replaces_mentions(coder):
    with postgres_schema() as url:
        _check_postgres_mentions(Store(url), coder)


def _check_postgres_mentions(pg: Store, coder) -> None:
    try:
        store_documents(pg, [*CORPUS, QUIET])
        pipeline.code_pending(pg, coder=coder, workers=1, quiet=True)
        first = _check_mentions(pg)
        with pg.begin() as conn:
            conn.execute(mentions.update().where(mentions.c.id == first[0]["id"]).values(code="OLD"))
        pipeline.code_pending(pg, coder=coder, recode=True, workers=1, quiet=True)
        second = _check_mentions(pg)
        strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
        assert strip(second) == strip(first)
        assert not {r["id"] for r in first} & {r["id"] for r in second}  # sequences never reuse
        with pg.connect() as conn:
            assert coverage_counts(conn, {"RUS"}, grain="month") == {"2025-03": 3, "2025-07": 1}
        with pg.begin() as conn:
            conn.execute(documents.delete().where(documents.c.id == 1))
        assert 1 not in {r["doc_id"] for r in all_mentions(pg)}
    finally:
        pg.dispose()


def test_coding_version_follows_the_actor_data(tmp_path, base_coder):
    """Who did what depends on the actors: a user's actor file means recoding."""
    from dyadwatch.actors import get_registry
    from dyadwatch.events import Coder

    extra = tmp_path / "mine.yaml"
    extra.write_text("- id: TSTL\n  name: Testland Liberation League\n", encoding="utf-8")
    registry = get_registry(extra_files=(str(extra),))
    assert not registry.problems and registry.scan("The Testland Liberation League met.")
    with_mine = Coder(registry=registry)
    plain = Coder(registry=get_registry())
    assert with_mine.version == plain.version  # same coder ...
    assert pipeline.coding_version(with_mine) != pipeline.coding_version(plain)  # ... other data
    assert len(pipeline.coding_version(with_mine)) <= 64
