"""Briefings: shape, selection, timeline, watch items, faithfulness, renderers, CLI.

The store is filled with real documents through the ingest pipeline (real sentence
splitting and offsets); the events and reports pointing into them are synthetic rows, so
the briefing logic is tested independently of what the coder finds.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import POSTGRES, postgres_schema
from dyadwatch.brief import (
    BriefError,
    FaithfulnessError,
    build_brief,
    check,
    render,
    verify,
)
from dyadwatch.brief.quotes import trim_quote
from dyadwatch.cli import main
from dyadwatch.ingest.pipeline import store_documents
from dyadwatch.model import Block, Document
from dyadwatch.store import Store
from dyadwatch.store.schema import documents, events, reports, sentences

SINCE, UNTIL = date(2025, 9, 1), date(2025, 12, 31)

# Short wire-style texts written for these tests (not taken from any gold file).
DOCS = {
    "wire-1": ("2025-10-02", "Energy sanctions", "Northern Wire", [
        "The United States imposed new sanctions on Russian energy companies on Wednesday.",
        "Washington said the measures target revenue that funds the war.",
        "Russia condemned the sanctions as illegal and promised a response in kind.",
    ]),
    "wire-2": ("2025-10-02", "Oil firms targeted", "Harbour Times", [
        "Washington announced sanctions against Russian oil firms, officials in the Treasury said on Thursday.",
        "Markets in Moscow fell sharply after the announcement.",
    ]),
    "wire-3": ("2025-11-14", "Geneva talks", "Northern Wire", [
        "Russian and American delegations held talks in Geneva on strategic stability.",
        "The two sides agreed to meet again before the end of the year.",
        "The New START treaty expires on February 5, 2026, and no replacement has been agreed.",
    ]),
    "wire-4": ("2025-11-15", "Second day in Geneva", "Lakeside Post", [
        "Talks between Russia and the United States continued in Geneva for a second day.",
    ]),
    "wire-5": ("2025-12-10", "Kremlin warning", "Harbour Times", [
        "The Kremlin accused Washington of undermining security in Europe.",
        "Moscow demanded that the United States withdraw its missiles from Europe.",
        "Russia said it would respond if the deployment goes ahead.",
    ]),
    "wire-6": ("2025-12-20", "Diplomats", "Lakeside Post", [
        "Russia threatened to expel American diplomats over the missile dispute.",
        "The United States pledged new humanitarian aid to Ukraine.",
    ]),
    "wire-7": ("2025-10-05", "Trade pact", "Harbour Times", [
        "China and Britain signed a trade agreement in London.",
    ]),
}

# (doc ref, words in the sentence, source, target, event, quad, goldstein, date, modality)
EVENTS = [
    ([("wire-1", "imposed new sanctions"), ("wire-2", "announced sanctions")],
     "USA", "RUS", "SANCTION", 4, -8.0, "2025-10-01", "asserted"),
    ([("wire-1", "condemned")], "RUS", "USA", "ACCUSE", 3, -2.0, "2025-10-02", "asserted"),
    ([("wire-3", "held talks")], "RUS", "USA", "CONSULT", 1, 1.0, "2025-11-14", "asserted"),
    ([("wire-4", "continued")], "RUS", "USA", "CONSULT", 1, 1.0, "2025-11-15", "asserted"),
    ([("wire-3", "agreed to meet")], "USA", "RUS", "AGREE", 1, 4.0, "2025-11-14", "asserted"),
    ([("wire-5", "accused")], "RUS", "USA", "ACCUSE", 3, -2.0, "2025-12-10", "asserted"),
    ([("wire-5", "demanded")], "RUS", "USA", "REQUEST", 3, -5.0, "2025-12-10", "asserted"),
    ([("wire-5", "would respond")], "RUS", "USA", "THREATEN", 3, -4.0, "2025-12-10", "conditional"),
    ([("wire-6", "threatened to expel")], "RUS", "USA", "THREATEN", 3, -4.4, "2025-12-20", "asserted"),
    ([("wire-6", "pledged")], "USA", "UKR", "AID", 2, 7.0, "2025-12-20", "asserted"),
    ([("wire-7", "signed")], "CHN", "GBR", "AGREE", 1, 4.0, "2025-10-05", "asserted"),
]


def _add_documents(store: Store) -> dict[str, int]:
    docs = []
    for ref, (day, title, publisher, paragraphs) in DOCS.items():
        docs.append(Document(
            text="\n\n".join(paragraphs), ref=ref, title=title, source=publisher,
            url=f"https://news.example.org/{ref}", published=datetime.fromisoformat(day),
            blocks=[Block(p) for p in paragraphs],
        ))  # fmt: skip
    summary = store_documents(store, docs)
    assert summary.added == len(DOCS)
    with store.connect() as conn:
        return {row.ref: row.id for row in conn.execute(documents.select())}


def _add_event(conn, ids, where, src, tgt, kind, quad, goldstein, day, modality) -> int:
    report_rows = []
    for ref, words in where:
        doc_id = ids[ref]
        sentence = next(
            s for s in conn.execute(sentences.select().where(sentences.c.doc_id == doc_id))
            if words in s.text
        )
        at = sentence.start + sentence.text.index(words)
        report_rows.append({
            "doc_id": doc_id, "sentence_idx": sentence.idx, "start": at, "end": at + len(words),
            "trigger": words.split()[0], "date": date.fromisoformat(day), "date_precision": "day",
            "source": {"code": src, "name": {"USA": "United States", "RUS": "Russia"}.get(src, src)},
            "target": {"code": tgt, "name": {"USA": "United States", "RUS": "Russia"}.get(tgt, tgt)},
            "source_code": src, "target_code": tgt, "event": kind, "mode": None, "contexts": [],
            "themes": [], "cameo": None, "goldstein": goldstein, "plover_score": None,
            "quad_class": quad, "negated": False, "modality": modality, "confidence": 0.8,
            "reported_by": None, "pattern": "test", "coder_version": "test",
        })  # fmt: skip
    event_id = conn.execute(events.insert().values(
        date=date.fromisoformat(day), date_precision="day", source_code=src, target_code=tgt,
        event=kind, contexts=[], themes=[], goldstein=goldstein, quad_class=quad, negated=False,
        modality=modality, confidence=0.8, report_count=len(report_rows),
        doc_count=len({r["doc_id"] for r in report_rows}),
    )).inserted_primary_key[0]  # fmt: skip
    first = None
    for row in report_rows:
        rid = conn.execute(reports.insert().values(event_id=event_id, **row)).inserted_primary_key[0]
        first = first or rid
    conn.execute(events.update().where(events.c.id == event_id).values(primary_report_id=first))
    return event_id


def _fill(store: Store) -> Store:
    ids = _add_documents(store)
    with store.begin() as conn:
        for where, *rest in EVENTS:
            _add_event(conn, ids, where, *rest)
        # Mark as coded so `brief` does not recode (and drop) these synthetic reports.
        conn.execute(documents.update().values(coded_version="test"))
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    return _fill(Store(str(tmp_path_factory.mktemp("brief") / "brief.db")))


@pytest.fixture(scope="module")
def brief(store: Store) -> dict:
    return build_brief(store, "USA", "RUS", since=SINCE, until=UNTIL)


def _all_citations(data: dict) -> list[dict]:
    found = [c for t in data["takeaways"] for c in t["citations"]]
    found += [c for s in data["sections"] for p in s["key_points"] for c in p["citations"]]
    found += [c for t in data["timeline"] for c in t["citations"]]
    found += [c for w in data["watch"] for c in w["citations"]]
    return found


def test_json_shape_is_pinned(brief: dict) -> None:
    data = json.loads(render(brief, "json"))
    assert {"dyad", "since", "until", "assessment", "takeaways", "sections", "timeline",
            "watch", "sources"} <= set(data)  # fmt: skip
    assert "chart_svg" not in data
    assert data["since"] == "2025-09-01" and data["until"] == "2025-12-31"
    for section in data["sections"]:
        assert {"theme", "key_points"} <= set(section)
        for point in section["key_points"]:
            assert {"text", "date", "citations"} <= set(point)
            assert point["citations"], point
    for item in data["timeline"]:
        assert {"date", "text", "citations"} <= set(item)
    for item in data["watch"]:
        assert {"text", "due", "citations"} <= set(item)
        assert item["citations"]
    for c in _all_citations(data):
        assert {"doc_id", "ref", "sentence", "quote"} <= set(c)
    assert 3 <= len(data["takeaways"]) <= 7
    assessment = data["assessment"]
    assert assessment["events"] == 8  # dyad events, asserted only (the conditional one is for watch)
    assert assessment["by_quad_class"]["material_conflict"] == 1
    assert assessment["by_quad_class"]["verbal_cooperation"] == 3
    assert assessment["index"]["level"] is not None
    assert [s["n"] for s in data["sources"]] == list(range(1, len(data["sources"]) + 1))


def test_sections_follow_the_theme_mapping(brief: dict) -> None:
    by_theme = {s["theme"]: s for s in brief["sections"]}
    assert "sanctions on Russian energy" in by_theme["strains"]["key_points"][0]["text"]
    assert any("expel American diplomats" in p["text"] for p in by_theme["escalation"]["key_points"])
    assert any("agreed to meet again" in p["text"] for p in by_theme["cooperation"]["key_points"])
    assert any("Ukraine" in p["text"] for p in by_theme["third_party"]["key_points"])
    # The conditional threat is a watch item, not a development.
    texts = [p["text"] for s in brief["sections"] for p in s["key_points"]]
    assert not any("would respond" in t for t in texts)


def test_section_mapping_falls_back_on_themes_then_quad_class() -> None:
    from dyadwatch.brief.select import section_of

    assert section_of({"event": "SANCTION", "quad_class": 4}) == "strains"
    assert section_of({"event": "CONSULT", "quad_class": 1}) == "dialogue"
    # Event types outside PLOVER: themes decide, with the conflict/cooperation guard.
    assert section_of({"event": "X", "quad_class": 4, "themes_json": '["sanctions"]'}) == "strains"
    assert section_of({"event": "X", "quad_class": 1, "themes": ["arms_control"]}) == "cooperation"
    assert section_of({"event": "X", "quad_class": 3, "themes": ["arms_control"]}) == "rhetoric"
    assert section_of({"event": "AID", "quad_class": 2}, third_party=True) == "third_party"


def test_one_key_point_per_event_cites_independent_reports(brief: dict) -> None:
    strains = next(s for s in brief["sections"] if s["theme"] == "strains")
    sanction_points = [p for p in strains["key_points"] if p["event"] == "SANCTION"]
    assert len(sanction_points) == 1
    refs = {c["ref"] for c in sanction_points[0]["citations"]}
    assert refs == {"wire-1", "wire-2"}


def test_timeline_in_date_order_without_consecutive_day_runs(brief: dict) -> None:
    days = [t["date"] for t in brief["timeline"]]
    assert days == sorted(days)
    assert len(days) >= 5
    talks = [t for t in brief["timeline"] if "Geneva" in t["text"] and t["event"] == "CONSULT"]
    assert len(talks) == 1  # 14 and 15 November are one run of the same story
    assert all(SINCE <= d <= UNTIL for d in days)


def test_watch_items_are_after_the_end_date_and_cited(brief: dict) -> None:
    watch = brief["watch"]
    dated = [w for w in watch if w["due"] is not None]
    assert all(w["due"] > UNTIL for w in dated)
    start = next(w for w in watch if "New START" in w["text"])
    assert start["due"] == date(2026, 2, 5)
    kinds = {w["kind"] for w in watch}
    assert "conditional" in kinds
    demand = next(w for w in watch if w["kind"] == "open demand")
    assert "withdraw its missiles" in demand["text"]


def test_change_points_are_explained_by_their_driving_events(store: Store, brief: dict) -> None:
    import copy

    from dyadwatch.brief.build import BriefOptions, _cite_change_points, _Citer

    with store.connect() as conn:
        sanction_id = conn.execute(
            events.select().where(events.c.event == "SANCTION")
        ).first().id
        assessment = {"change_points": [{"text": "escalation from 2025-10", "event_ids": [sanction_id]}]}
        _cite_change_points(conn, _Citer(conn), assessment, BriefOptions())
        cites = assessment["change_points"][0]["citations"]
        assert len(cites) == 1 and "imposed new sanctions" in cites[0]["quote"]
        data = copy.deepcopy({k: v for k, v in brief.items() if not k.startswith("_")})
        data["assessment"]["change_points"] = assessment["change_points"]
        cites[0]["source"] = None
        assert check(data, conn) == []
        assert "Change point, escalation from 2025-10: “The United States imposed new sanctions" in render(data, "md")
        assert "What moved the index" in render(data, "html")
        cites[0]["quote"] = "The United States lifted all sanctions."
        assert any(p.startswith("assessment.change_points[0]") for p in check(data, conn))


def test_quotes_are_verbatim_and_checked(store: Store, brief: dict) -> None:
    with store.connect() as conn:
        assert check(brief, conn) == []
        count = verify(brief, conn)
    assert count == len(_all_citations(brief))


def test_faithfulness_check_catches_a_broken_citation(store: Store, brief: dict) -> None:
    data = json.loads(render(brief, "json"))
    point = data["sections"][0]["key_points"][0]
    point["citations"][0]["quote"] = point["citations"][0]["quote"].replace("the", "a", 1) + " (sic)"
    data["watch"][0]["citations"][0]["doc_id"] = 99999
    with store.connect() as conn:
        problems = check(data, conn)
        assert any("not found verbatim" in p for p in problems)
        assert any("99999 is not in the store" in p for p in problems)
        with pytest.raises(FaithfulnessError):
            verify(data, conn)


def test_quote_trimmed_only_at_clause_boundaries() -> None:
    long = ("The foreign ministers met for five hours in Vienna, and the talks covered the "
            "prisoner exchange, the future of the arms control treaty and the status of the "
            "embassies; officials said the atmosphere was businesslike, although neither side "
            "expected a breakthrough on the central questions that have divided the two "
            "governments since the start of the war, which began more than three years ago.")  # fmt: skip
    focus = long.index("businesslike")
    quote = trim_quote(long, (focus, focus + 12), limit=160)
    assert quote in long and "businesslike" in quote and len(quote) <= 160
    assert quote.startswith("officials said")


def test_quote_drops_a_wire_dateline_only() -> None:
    line = "WASHINGTON, March 3, 2022 — The United States imposed sweeping sanctions on Russian banks."
    assert trim_quote(line) == "The United States imposed sweeping sanctions on Russian banks."
    plain = "NATO - the alliance - said it would meet."
    assert trim_quote(plain) == plain
    spoken = "MS. PSAKI: We have been very clear about the consequences of an invasion."
    assert trim_quote(spoken) == "We have been very clear about the consequences of an invasion."


def test_dates_without_a_year_take_the_nearest_year() -> None:
    from dyadwatch.brief.dates import find_dates

    january = date(2022, 1, 20)
    assert [m.date for m in find_dates("Talks were held on November 9.", january)] == [date(2021, 11, 9)]
    assert [m.date for m in find_dates("The next round is set for 10 February.", january)] == [date(2022, 2, 10)]
    found = find_dates("New START expires on February 5, 2026, unless extended by next Tuesday.", january)
    assert [(m.date, m.precision) for m in found] == [(date(2026, 2, 5), "day"), (date(2022, 1, 25), "day")]


def test_unknown_code_suggests_close_ones(store: Store) -> None:
    with pytest.raises(BriefError, match="RUS"):
        build_brief(store, "USA", "RUZ")


def test_dyad_without_events_says_so(store: Store) -> None:
    data = build_brief(store, "USA", "CHN")
    assert data["sections"] == [] and data["timeline"] == []
    assert "No events" in data["assessment"]["summary"][0]
    text = render(data, "md")
    assert "No events between" in text and "No developments" in text


def test_markdown_renderer(brief: dict) -> None:
    text = render(brief, "md")
    assert text.startswith("# United States–Russia relations: briefing")
    for heading in ("## Assessment", "## Key takeaways", "## Developments by theme", "## Timeline",
                    "## What to watch", "## Sources", "### Strains"):
        assert heading in text
    assert "**2026-02-05**" in text
    # A saved JSON briefing renders to the same Markdown.
    assert render(json.loads(render(brief, "json")), "md") == text
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", text, re.MULTILINE)}
    assert cited and cited <= listed


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.hrefs.append(attrs["href"][1:])
        if tag in ("link", "script", "img") and (attrs.get("href") or attrs.get("src")):
            self.external.append(tag)


def test_html_is_self_contained_with_working_citation_links(brief: dict) -> None:
    html = render(brief, "html")
    parser = _Links()
    parser.feed(html)
    assert parser.external == []
    assert "<style>" in html and "@media print" in html and "<svg" in html
    assert parser.hrefs and set(parser.hrefs) <= parser.ids
    # The appendix shows the cited words highlighted inside their sentence.
    assert "<mark>The New START treaty expires on February 5, 2026, and no replacement has been agreed.</mark>" in html


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed")
def test_html_in_headless_chromium_is_not_blank(brief: dict, tmp_path: Path) -> None:
    import matplotlib.image
    import numpy as np

    page = tmp_path / "brief.html"
    page.write_text(render(brief, "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,1600", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[0] == 1600 and pixels.shape[1] == 1200
    flat = (pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours = np.unique(flat, axis=0)
    assert len(colours) > 50  # text, headings, chart: not a blank page
    dark = (flat.sum(axis=1) < 200).mean()
    assert 0.005 < dark < 0.5  # some ink, not a black screen


def test_cli_brief_and_verify(store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "b.json"
    result = runner.invoke(main, ["--db", store.url.removeprefix("sqlite:///"), "brief",
                                  "--dyad", "USA-RUS", "--since", "2025-09-01",
                                  "--until", "2025-12-31", "--format", "json", "-o", str(out),
                                  "--no-code"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["sections"]
    db = store.url.removeprefix("sqlite:///")
    ok = runner.invoke(main, ["--db", db, "verify-brief", str(out)])
    assert ok.exit_code == 0, ok.output
    data["timeline"][0]["citations"][0]["quote"] += " and more"
    out.write_text(json.dumps(data))
    bad = runner.invoke(main, ["--db", db, "verify-brief", str(out)])
    assert bad.exit_code != 0
    assert "not found verbatim" in bad.output
    unknown = runner.invoke(main, ["--db", db, "brief", "--dyad", "USA-RUZ", "--no-code"])
    assert unknown.exit_code != 0 and "RUS" in unknown.output


RUN_TEXTS = {
    "sanctions.txt": ("US imposes sanctions on Russian banks\n\n"
                      "The United States imposed sweeping sanctions on Russia's largest banks on Monday.\n\n"
                      "Russia condemned the sanctions and accused Washington of economic warfare.\n"),
    "talks.txt": ("Lavrov and Rubio meet in Geneva\n\n"
                  "Russian Foreign Minister Sergei Lavrov met U.S. Secretary of State Marco Rubio in Geneva on Tuesday.\n\n"
                  "The New START treaty expires on February 5, 2026, and the two sides discussed what will follow it.\n"),
    "weather.txt": "Rain expected\n\nHeavy rain is expected across the region this weekend.\n",
}  # fmt: skip


@pytest.mark.slow
def test_run_ingests_codes_and_briefs_text_files(tmp_path: Path) -> None:
    for name, text in RUN_TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    db, out = str(tmp_path / "run.db"), tmp_path / "run.json"
    runner = CliRunner()
    result = runner.invoke(main, [
        "--db", db, "run", *(str(tmp_path / n) for n in RUN_TEXTS), "--dyad", "USA-RUS",
        "--published", "2025-12-01", "--until", "2025-12-31", "--format", "json", "-o", str(out), "-q",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["assessment"]["events"] >= 2
    cited_refs = {c["ref"] for c in _all_citations(data)}
    assert any(ref.endswith("sanctions.txt") for ref in cited_refs)
    assert not any(ref.endswith("weather.txt") for ref in cited_refs)
    assert any("sanctions" in p["text"] for s in data["sections"] for p in s["key_points"])
    start = [w for w in data["watch"] if w["due"] == "2026-02-05"]
    assert start and "New START" in start[0]["text"]
    # The saved briefing passes the stand-alone check against the same store.
    check_result = runner.invoke(main, ["--db", db, "verify-brief", str(out)])
    assert check_result.exit_code == 0, check_result.output




@pytest.mark.skipif(not POSTGRES, reason="set DYADWATCH_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_same_briefing_on_postgresql(brief: dict) -> None:
    with postgres_schema() as url:
        _same_briefing_on(Store(url), brief)


def _same_briefing_on(pg: Store, brief: dict) -> None:
    try:
        _fill(pg)
        on_pg = build_brief(pg, "USA", "RUS", since=SINCE, until=UNTIL)
        with pg.connect() as conn:
            assert check(on_pg, conn) == []
        # Same selection as on SQLite (ids differ between stores, the words do not).
        assert [(s["theme"], [p["text"] for p in s["key_points"]]) for s in on_pg["sections"]] == [
            (s["theme"], [p["text"] for p in s["key_points"]]) for s in brief["sections"]
        ]
        assert [(t["date"], t["text"]) for t in on_pg["timeline"]] == [
            (t["date"], t["text"]) for t in brief["timeline"]
        ]
        assert [(w["due"], w["text"]) for w in on_pg["watch"]] == [(w["due"], w["text"]) for w in brief["watch"]]
    finally:
        pg.dispose()


def test_deadlines_stated_beside_one_side_are_watched(cli):
    # The New START example names Russia's offer and the treaty's expiry, but codes no event
    # between the two sides: its deadline must still reach the watch list.
    result = cli("run", "--examples", "--dyad", "USA-RUS", "--format", "json")
    assert result.exit_code == 0, result.output
    brief = json.loads(result.stdout)
    dated = [w for w in brief["watch"] if w["due"] == "2026-02-05"]
    assert dated and "New START" in dated[0]["citations"][0]["quote"]
    assert all(w["due"] is None or w["due"] > brief["until"] for w in brief["watch"])
