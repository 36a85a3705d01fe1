"""Timeline summarisation evaluation (tilse / news-tls protocol) on small fixtures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rouge_score import rouge_scorer

from dyadwatch.cli import main
from dyadwatch.evaluate.timeline import (
    TimelineInputError,
    alignment_rouge,
    build_timeline,
    date_f1,
    evaluate,
    read_articles,
    read_timeline,
    write_timeline,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "timeline"


def test_reads_the_tilse_format_and_writes_it_back(tmp_path: Path) -> None:
    gold = read_timeline(FIXTURES / "gold.txt")
    assert sorted(gold) == [date(2024, 3, 4), date(2024, 5, 17), date(2024, 8, 9)]
    assert gold[date(2024, 5, 17)] == ["Borvia suspended the treaty after a drought cut the river's flow."]
    again = tmp_path / "again.txt"
    again.write_text(write_timeline(gold))
    assert read_timeline(again) == gold


def test_bad_timeline_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("a summary before any date\n2024-01-01\nx\n")
    with pytest.raises(TimelineInputError, match=r"bad\.txt:1"):
        read_timeline(bad)


def test_bad_article_line_is_reported_and_skipped() -> None:
    errors: list[str] = []
    articles = read_articles(FIXTURES / "articles.jsonl", errors=errors)
    assert len(articles) == 8
    assert len(errors) == 1 and "articles.jsonl:9" in errors[0]


def test_scores_worked_out_by_hand() -> None:
    # Gold: 03-01 "alpha beta gamma delta", 03-10 "epsilon zeta eta theta".
    # Predicted: 03-01 identical, 03-11 "epsilon zeta iota kappa" (one day off, 2/4 words).
    # AR-1: the 03-11 summary aligns to 03-10 with weight 1/2: (4 + 2 * 1/2) / 8 both ways.
    # AR-2: (3 + 1 * 1/2) / 6 both ways. Dates: one of two right.
    scores = evaluate(read_timeline(FIXTURES / "small_pred.txt"), read_timeline(FIXTURES / "small_gold.txt"))
    assert scores["date_f1"] == pytest.approx(0.5)
    assert scores["ar1"]["precision"] == pytest.approx(5 / 8)
    assert scores["ar1"]["recall"] == pytest.approx(5 / 8)
    assert scores["ar1_f"] == pytest.approx(5 / 8)
    assert scores["ar2_f"] == pytest.approx(3.5 / 6)


def test_one_date_timeline_matches_rouge_score_library() -> None:
    gold_text = "Talks on the river treaty resumed in a neutral city."
    pred_text = "Talks between the two sides on the treaty resumed on Monday."
    day = date(2024, 6, 30)
    reference = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True).score(gold_text, pred_text)
    assert alignment_rouge({day: [pred_text]}, {day: [gold_text]}, 1)["f1"] == pytest.approx(reference["rouge1"].fmeasure)
    assert alignment_rouge({day: [pred_text]}, {day: [gold_text]}, 2)["f1"] == pytest.approx(reference["rouge2"].fmeasure)


def test_date_distance_lowers_the_score() -> None:
    text = ["Borvia suspended the treaty."]
    gold = {date(2024, 5, 17): text}
    assert alignment_rouge({date(2024, 5, 17): text}, gold, 1)["f1"] == pytest.approx(1.0)
    assert alignment_rouge({date(2024, 5, 18): text}, gold, 1)["f1"] == pytest.approx(0.5)
    assert alignment_rouge({date(2024, 5, 21): text}, gold, 1)["f1"] == pytest.approx(0.2)
    assert date_f1({date(2024, 5, 18): text}, gold)["f1"] == 0.0


def test_baseline_finds_the_dates_sources_refer_back_to() -> None:
    articles = read_articles(FIXTURES / "articles.jsonl", errors=[])
    timeline = build_timeline(articles, 3, 1)
    # The three dates several articles mention, not the busiest publication days alone.
    assert sorted(timeline) == [date(2024, 3, 4), date(2024, 5, 17), date(2024, 8, 9)]
    assert all(len(v) == 1 for v in timeline.values())
    assert "suspended" in timeline[date(2024, 5, 17)][0]


def test_eval_timeline_command_on_fixtures() -> None:
    result = CliRunner().invoke(main, [
        "eval", "timeline", "--articles", str(FIXTURES / "articles.jsonl"),
        "--gold", str(FIXTURES / "gold.txt"), "--format", "json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gold_dates"] == data["predicted_dates"] == 3
    assert data["date_f1"] == pytest.approx(1.0)
    # The same dates as gold; the summaries share many but not all words with gold.
    assert 0.5 < data["ar1_f"] < 1.0
    assert 0.2 < data["ar2_f"] < data["ar1_f"]
    predicted = {date.fromisoformat(e["date"]): e["summary"] for e in data["timeline"]}
    again = evaluate(predicted, read_timeline(FIXTURES / "gold.txt"))
    assert again["ar1_f"] == pytest.approx(data["ar1_f"])
    # The broken article line is reported on stderr; the run goes on.
    assert "articles.jsonl:9" in result.stderr


def test_keywords_restrict_the_sentences() -> None:
    result = CliRunner().invoke(main, [
        "eval", "timeline", "--articles", str(FIXTURES / "articles.jsonl"),
        "--gold", str(FIXTURES / "gold.txt"), "--keywords", "ambassador", "--format", "json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert all("ambassador" in s for e in data["timeline"] for s in e["summary"])


def test_timeline_stays_within_the_gold_span() -> None:
    articles = read_articles(FIXTURES / "articles.jsonl", errors=[])
    timeline = build_timeline(articles, 3, 1, start=date(2024, 5, 1), end=date(2024, 8, 31))
    assert timeline and all(date(2024, 5, 1) <= d <= date(2024, 8, 31) for d in timeline)
    assert date(2024, 3, 4) not in timeline
