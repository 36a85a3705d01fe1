"""Gold readers, metrics and `dyadwatch eval plover-gsr | petrarch | current-style`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import GOLD, require_shared
from dyadwatch.evaluate.codes import as_gold, petrarch_full, petrarch_key
from dyadwatch.evaluate.gold import (
    CurrentStyleRecord,
    GoldActor,
    PetrarchRecord,
    PetrarchTriple,
    PloverGsrRecord,
    read_current_style,
    read_petrarch_xml,
    read_plover_gsr,
)
from dyadwatch.evaluate.metrics import (
    macro_f1,
    prf,
    score_current_style,
    score_petrarch,
    score_plover_gsr,
)
from dyadwatch.model import ActorRef, Event, Evidence

PETR2 = GOLD / "up-petr2-gsr" / "PETR2_GSR_validation.xml"
UNITTEST = GOLD / "petrarch-unittest"


def coded(
    event: str,
    source: str,
    target: str | None = None,
    *,
    confidence: float = 0.5,
    sector: str | None = None,
    **fields,
) -> Event:
    """A coded event as the coder would return it (only what the metrics read)."""
    return Event(
        source=ActorRef(source, sector=sector),
        target=ActorRef(target) if target else None,
        event=event,
        evidence=Evidence(sentence=0, start=0, end=1, trigger="x"),
        confidence=confidence,
        **fields,
    )


# --- readers -------------------------------------------------------------------------


def test_petrarch_reader_on_the_petr2_gsr_file() -> None:
    require_shared()
    records, problems = read_petrarch_xml(PETR2)
    assert problems == []
    assert len(records) == 78
    assert sum(len(r.expected) for r in records) == 80
    assert sum(r.noevents for r in records) == 12
    first = records[0]
    assert first.id == "AFP0808020625_4"
    assert first.when == date(2008, 8, 4)
    assert first.expected == [PetrarchTriple("USA", "CHN", "042")]
    assert first.text.startswith("The stopover came as the US leader")
    # A record whose <Text> is empty is rebuilt from its CoNLL-U parse.
    boko = next(r for r in records if r.id == "abc12_3")
    assert boko.text.startswith("Boko Haram has launched many similar attacks")
    # yymmdd dates are read too.
    assert next(r for r in records if r.id == "AFP0808020905_1").when == date(2012, 11, 8)


def test_petrarch_reader_on_the_unit_test_records() -> None:
    require_shared()
    records, problems = read_petrarch_xml(UNITTEST / "PETR.UnitTest.records.xml")
    assert problems == []
    assert len(records) == 284
    assert sum(len(r.expected) for r in records) == 359
    assert sum(r.noevents for r in records) == 19
    assert sum(1 for r in records if r.error) == 7
    demo = records[0]
    assert (demo.id, demo.category) == ("DEMO-00", "DEMO")
    assert demo.expected == [PetrarchTriple("ARN", "GON", "064")]
    # Comments inside a record (with tag-like text) do not leak into it.
    assert all("<!--" not in r.text and "<" not in r.text for r in records)


def test_petrarch_reader_is_lenient_and_names_bad_records(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(
        "<Validation>\n# banner with <EventCoding...> in it\n<Sentences>\n"
        '<Sentence id="A-1" date="20200105" category="X"/>\n'
        '<EventCoding sourcecode="USA" targetcode="RUS" eventcode="111" />\n'
        "<Text>\nWashington criticised Moscow.\n</Text>\n"
        '<Sentence id="A-2" date="20200105">\n<EventCoding noevents="True" />\n'
        "</Sentence>\n"
        "<Sentence id = 'A-3' date='20200106'>\n<EventCoding bogus='1'></EventCoding>\n"
        "<Text>Nothing happened.</Text>\n</Sentence>\n</Sentences>\n",
        encoding="utf-8",
    )
    records, problems = read_petrarch_xml(broken)
    assert [r.id for r in records] == ["A-1", "A-3"]
    assert records[0].expected == [PetrarchTriple("USA", "RUS", "111")]
    assert records[0].text == "Washington criticised Moscow."
    messages = [str(p) for p in problems]
    assert f"{broken}:9: record A-2 has no <Text>" in messages
    assert any(m.startswith(f"{broken}:13:") and "unreadable EventCoding" in m for m in messages)


def test_jsonl_readers_report_bad_lines_and_go_on(tmp_path: Path) -> None:
    path = tmp_path / "gsr.jsonl"
    good = {
        "id": "G1",
        "text": "Iran accused Israel.",
        "event_plover_current": "ACCUSE",
        "source": [{"code": "IRN"}],
        "target": [{"code": "ISR"}],
    }
    path.write_text(
        json.dumps(good)
        + "\n{not json\n"
        + json.dumps({"id": "G2", "text": "x"})
        + "\n"
        + json.dumps({**good, "id": "G3"})
        + "\n",
        encoding="utf-8",
    )
    records, problems = read_plover_gsr(path)
    assert [r.id for r in records] == ["G1", "G3"]
    assert [p.line for p in problems] == [2, 3]
    assert all(p.path == str(path) for p in problems)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    records, problems = read_current_style(empty)
    assert records == [] and [str(p) for p in problems] == [f"{empty}: no records (empty file)"]


def test_gold_jsonl_files_read_cleanly() -> None:
    require_shared()
    gsr, problems = read_plover_gsr(GOLD / "plover-gsr-dev.jsonl")
    assert (len(gsr), problems) == (163, [])
    assert sum(r.reciprocal for r in gsr) == 10
    current, problems = read_current_style(GOLD / "current-style-dev.jsonl")
    assert (len(current), problems) == (41, [])
    assert current[0].when == date(2021, 12, 7)
    assert current[0].either_direction and current[0].events == ["CONSULT"]


# --- code comparison rules ---------------------------------------------------------------


def test_actor_code_rules() -> None:
    assert as_gold("UN", {"IGO", "SRB"}) == "IGO"
    assert as_gold("UN", {"RUS"}) == "UN"
    assert as_gold("RUS", {"IGO"}) == "RUS"
    assert as_gold("JAP", set()) == "JPN"  # legacy gold codes read as ISO-3
    assert petrarch_key("USA", {"USA"}) == "USA"
    assert petrarch_key("IGOUNO", set()) == "IGO"
    assert petrarch_key("NATO", {"IGO", "RUS"}) == "IGO"
    assert petrarch_key("ARN", {"ARN"}) == "ARN"
    assert petrarch_full("USA", "GOV") == "USAGOV"
    assert petrarch_full("USAGOV", "GOV") == "USAGOV"
    assert petrarch_full("ARN", "NGO") == "NGOARN"
    assert petrarch_full("ARN", None) == "ARN"


# --- metrics on hand-made predictions -------------------------------------------------------


def test_prf_and_macro_f1() -> None:
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(3, 1, 2) == pytest.approx((0.75, 0.6, 2 / 3))
    score, per_label = macro_f1(["A", "A", "B"], ["A", None, "C"])
    # A: P=1 R=.5 F=2/3; B: 0; C: 0 (a false positive only)
    assert score == pytest.approx((2 / 3) / 3)
    assert per_label["A"]["support"] == 2


def test_plover_gsr_scores() -> None:
    records = [
        PloverGsrRecord(
            "r1", "t", "AGREE", [GoldActor("HUN"), GoldActor("ROU")], [], reciprocal=True
        ),
        PloverGsrRecord("r2", "t", "ACCUSE", [GoldActor("RUS")], [GoldActor("USA")]),
        PloverGsrRecord("r3", "t", "SANCTION", [GoldActor("IGO")], [GoldActor("SRB")]),
        PloverGsrRecord("r4", "t", "ASSAULT", [GoldActor("ISR")], [GoldActor("PSE")]),
    ]
    predictions = [
        [coded("AGREE", "HUN", "ROU", confidence=0.8)],
        [coded("REJECT", "RUS", "USA", confidence=0.9), coded("ACCUSE", "RUS", "GBR")],
        [coded("SANCTION", "UN", "SRB", confidence=0.7)],
        [],
    ]
    scores = score_plover_gsr(records, predictions)
    assert scores["n"] == 4
    assert scores["event_accuracy"] == 0.5
    assert scores["quad_accuracy"] == 0.75  # REJECT for ACCUSE keeps the quad class
    assert scores["event_macro_f1"] == pytest.approx(0.4)
    # sources: tp 4 (HUN, ROU, RUS, UN as IGO), fn 1 (ISR)
    assert scores["source_f1"] == pytest.approx(2 * 1 * 0.8 / 1.8)
    # targets: tp 3 (HUN, ROU reciprocal; SRB), fp 1 (GBR), fn 2 (USA, PSE)
    assert scores["target_precision"] == 0.75
    assert scores["target_recall"] == 0.6
    assert scores["target_f1"] == pytest.approx(2 / 3)
    assert scores["confusion"]["ACCUSE"] == {"REJECT": 1}
    assert scores["confusion"]["ASSAULT"] == {"(none)": 1}
    assert scores["no_event"] == 1
    details = {r["id"]: r for r in scores["per_record"]}
    assert details["r2"]["top_event"] == "REJECT" and not details["r2"]["event_correct"]
    assert details["r3"]["predicted_source"] == ["IGO"]


def test_petrarch_scores() -> None:
    records = [
        PetrarchRecord("p1", "t", None, None, [PetrarchTriple("USAGOV", "RUS", "042")]),
        PetrarchRecord("p2", "t", None, None, [PetrarchTriple("IGOUNO", "IRQ", "112")]),
        PetrarchRecord("p3", "t", None, None, [], noevents=True),
        PetrarchRecord("p4", "t", None, None, [PetrarchTriple("ARN", "GON", "064")]),
    ]
    predictions = [
        [coded("CONSULT", "USA", "RUS", sector="GOV", cameo="042")],
        [coded("ACCUSE", "UN", "IRQ", cameo="111")],
        [
            coded("CONSULT", "FRA", "DEU", cameo="036"),
            coded("ASSAULT", "FRA", "DEU", cameo="190", negated=True),  # not coded by PETRARCH
            coded("THREATEN", "FRA", None, cameo="130"),  # no target: not a dyad
        ],
        [],
    ]
    scores = score_petrarch(records, predictions)
    assert scores["records"] == 4
    assert scores["no_event_records"] == 1
    assert (scores["precision"], scores["recall"]) == pytest.approx((2 / 3, 2 / 3))
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["f1_exact"] == pytest.approx(1 / 3)
    assert scores["records_passed"] == 1
    assert scores["records_passed_root"] == 2


def test_petrarch_uses_nearest_cameo_when_the_coder_gives_none() -> None:
    records = [PetrarchRecord("p", "t", None, None, [PetrarchTriple("RUS", "UKR", "163")])]
    scores = score_petrarch(records, [[coded("SANCTION", "RUS", "UKR", mode="discontinue")]])
    assert scores["f1_exact"] == 1.0 and scores["records_passed"] == 1


def test_current_style_scores() -> None:
    def record(rid, events, source, target, **fields):
        return CurrentStyleRecord(rid, "t", None, events, source, target, **fields)

    records = [
        record("c1", ["CONSULT"], ["USA", "RUS"], ["USA", "RUS"], either_direction=True),
        record("c2", ["SANCTION"], ["RUS"], ["USA"]),
        record("c3", ["AID"], ["IRN"], ["RUS"], negated=True),
        record("c4", ["THREATEN"], ["USA"], ["TUR"], modality="conditional"),
        record("c5", ["REQUEST"], ["FIN"], ["NATO", "IGO"]),
        record("c6", ["SANCTION"], ["JPN"], ["RUS"], modality="future", mode="expel"),
    ]
    predictions = [
        [coded("CONSULT", "RUS", "USA")],
        [coded("ASSAULT", "RUS", "USA", confidence=0.9), coded("SANCTION", "RUS", "USA")],
        [coded("AID", "IRN", "RUS")],
        [coded("THREATEN", "USA", "TUR", modality="hypothetical", reported_by=ActorRef("RUS"))],
        [],
        [coded("SANCTION", "JPN", "RUS", mode="expel", modality="future")],
    ]
    scores = score_current_style(records, predictions)
    assert scores["n"] == 6
    assert scores["event_accuracy"] == pytest.approx(5 / 6)
    assert scores["dyad_accuracy"] == pytest.approx(5 / 6)
    assert scores["negated_accuracy"] == pytest.approx(4 / 6)
    assert scores["modality_accuracy"] == pytest.approx(5 / 6)
    assert scores["reported_by_accuracy"] == pytest.approx(4 / 6)
    assert scores["all_correct"] == pytest.approx(3 / 6)
    assert (scores["mode_accuracy"], scores["mode_n"]) == (1.0, 1)
    assert scores["no_event"] == 1
    by_id = {r["id"]: r for r in scores["per_record"]}
    assert by_id["c2"]["matched"]["event"] == "SANCTION"
    assert by_id["c3"]["correct"]["negated"] is False


def test_metrics_need_aligned_predictions() -> None:
    with pytest.raises(ValueError):
        score_plover_gsr([PloverGsrRecord("r", "t", "AGREE", [], [])], [])


# --- the CLI with the real coder --------------------------------------------------------------


def _require_coder() -> None:
    require_shared()
    try:
        from dyadwatch.events import Coder  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"event coder not importable yet: {exc}")


def _slice_lines(source: Path, target: Path, count: int, bad_line: bool = False) -> Path:
    lines = source.read_text(encoding="utf-8").splitlines()[:count]
    if bad_line:
        lines.insert(1, "{this line is broken")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _slice_xml(source: Path, target: Path, count: int) -> Path:
    text = source.read_text(encoding="utf-8")
    cut = -1
    for _ in range(count + 1):
        cut = text.index("<Sentence ", cut + 1)
    target.write_text(text[:cut] + "</Sentences>\n</Validation>\n", encoding="utf-8")
    return target


def test_cli_eval_plover_gsr(cli, tmp_path: Path) -> None:
    _require_coder()
    gold = _slice_lines(GOLD / "plover-gsr-dev.jsonl", tmp_path / "gsr.jsonl", 6, bad_line=True)
    result = cli("eval", "plover-gsr", str(gold), "--format", "json", "--details")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n"] == 6
    for key in ("event_accuracy", "event_macro_f1", "source_f1", "target_f1", "quad_accuracy"):
        assert 0.0 <= payload[key] <= 1.0
    assert len(payload["per_record"]) == 6
    assert payload["problems"] == [
        f"{gold}:2: not JSON (Expecting property name enclosed in double quotes)"
    ]
    assert f"{gold}:2" in result.stderr
    table = cli("eval", "plover-gsr", str(gold))
    assert table.exit_code == 0
    assert "event_accuracy" in table.stdout and "confusion" in table.stdout


def test_cli_eval_petrarch_with_dictionaries(cli, tmp_path: Path) -> None:
    _require_coder()
    gold = _slice_xml(UNITTEST / "PETR.UnitTest.records.xml", tmp_path / "unit.xml", 8)
    result = cli(
        "eval",
        "petrarch",
        str(gold),
        "--actors",
        str(UNITTEST / "PETR.Validate.actors.txt"),
        "--agents",
        str(UNITTEST / "PETR.Validate.agents.txt"),
        "--verbs",
        str(UNITTEST / "PETR.Validate.verbs.txt"),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["records"] == 8
    assert 0 <= payload["records_passed"] <= 8
    assert 0.0 <= payload["f1"] <= 1.0 and 0.0 <= payload["f1_exact"] <= payload["f1"] + 1e-9
    assert "per_record" not in payload


def test_cli_eval_petrarch_gsr_table_reports_bad_dictionary_lines(cli, tmp_path: Path) -> None:
    _require_coder()
    gold = _slice_xml(PETR2, tmp_path / "petr2.xml", 5)
    actors = tmp_path / "mine.actors.txt"
    actors.write_text("FREEDONIA [FRD]\nTHIS LINE IS BROKEN [[[\n", encoding="utf-8")
    result = cli("eval", "petrarch", str(gold), "--actors", str(actors))
    assert result.exit_code == 0, result.output
    assert "records_passed" in result.stdout and "f1_exact" in result.stdout
    assert f"{actors}:2" in result.stderr
    as_json = cli("eval", "petrarch", str(gold), "--actors", str(actors), "--format", "json")
    payload = json.loads(as_json.stdout)
    assert payload["records"] == 5
    assert [p.split(": ")[0] for p in payload["dictionary_problems"]] == [f"{actors}:2"]


def test_cli_eval_current_style(cli, tmp_path: Path) -> None:
    _require_coder()
    gold = _slice_lines(GOLD / "current-style-dev.jsonl", tmp_path / "cs.jsonl", 5)
    result = cli("eval", "current-style", str(gold), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["n"] == 5
    for key in (
        "event_accuracy",
        "dyad_accuracy",
        "negated_accuracy",
        "modality_accuracy",
        "reported_by_accuracy",
        "all_correct",
    ):
        assert 0.0 <= payload[key] <= 1.0


def test_cli_eval_missing_file_is_one_clear_error(cli, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dyadwatch.cli import main

    result = CliRunner().invoke(main, ["eval", "plover-gsr", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output
