"""Relations analytics: dyad series, trend labels, change points, bands, themes, commands.

Synthetic events are inserted straight into the real schema (SQLite through SQLAlchemy),
with series whose breaks and labels are known by construction.
"""

from __future__ import annotations

import gzip
import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import POSTGRES, postgres_schema
from dyadwatch.cli import main
from dyadwatch.relations import (
    RelationsError,
    UnknownActorError,
    assign_themes,
    dyad_series,
    suggest_codes,
    themes_summary,
    trend,
)
from dyadwatch.relations.plot import save_chart, svg_chart
from dyadwatch.store import Store
from dyadwatch.store.schema import documents, events, mentions

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# (event, quad class, Goldstein) used to build series.
CONSULT = ("CONSULT", 1, 1.0)
AGREE = ("AGREE", 1, 3.0)
ACCUSE = ("ACCUSE", 3, -2.0)
SANCTION = ("SANCTION", 4, -8.0)
ASSAULT = ("ASSAULT", 4, -10.0)
AID = ("AID", 2, 7.0)


def event_row(day: date, kind: tuple[str, int, float], source: str = "USA", target: str = "RUS", **extra) -> dict:
    name, quad, goldstein = kind
    row = {
        "date": day,
        "date_precision": "day",
        "source_code": source,
        "target_code": target,
        "event": name,
        "mode": None,
        "contexts": [],
        "themes": [],
        "cameo": None,
        "goldstein": goldstein,
        "plover_score": goldstein / 2,
        "quad_class": quad,
        "negated": False,
        "modality": "asserted",
        "confidence": 0.9,
        "report_count": 1,
        "doc_count": 1,
    }
    row.update(extra)
    return row


def add(store: Store, rows: list[dict]) -> list[int]:
    with store.begin() as conn:
        ids = []
        for row in rows:
            ids.append(conn.execute(events.insert().values(**row)).inserted_primary_key[0])
    return ids


def month_start(first: date, offset: int) -> date:
    month = first.month - 1 + offset
    return date(first.year + month // 12, month % 12 + 1, 1)


def regime(store: Store, first: date, months: int, mix: list[tuple[tuple, int]], offset: int = 0) -> None:
    """Each month gets the mix; the count of ACCUSE cycles so periods differ a little."""
    wobble = [1, 2, 1, 0, 2, 1]
    rows = []
    for m in range(months):
        start = month_start(first, m)
        day = 1
        for kind, n in [*mix, (ACCUSE, wobble[(m + offset) % len(wobble)])]:
            for i in range(n):
                source, target = ("USA", "RUS") if i % 2 == 0 else ("RUS", "USA")
                rows.append(event_row(start + timedelta(days=day % 27), kind, source, target))
                day += 1
    add(store, rows)


COOPERATIVE = [(CONSULT, 8), (AGREE, 2)]
HOSTILE = [(ASSAULT, 6), (SANCTION, 3), (CONSULT, 2)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(str(tmp_path / "relations.db"))
    yield db
    db.dispose()


def periods_by_key(result: dict) -> dict[str, dict]:
    return {p["period"]: p for p in result["periods"]}


# --- counting ---------------------------------------------------------------------------


def test_each_direction_counted_negated_dropped_future_apart(store: Store) -> None:
    day = date(2022, 3, 10)
    add(
        store,
        [
            event_row(day, CONSULT, "USA", "RUS", report_count=3, mode="phone"),
            event_row(day, SANCTION, "USA", "RUS", report_count=5),
            event_row(day, ACCUSE, "RUS", "USA", report_count=2),
            event_row(day, ASSAULT, "USA", "RUS", negated=True),
            event_row(day, ASSAULT, "RUS", "USA", negated=True, modality="future"),
            event_row(day, ("THREATEN", 3, -4.0), "RUS", "USA", modality="future", report_count=4),
            event_row(day, AGREE, "USA", "RUS", modality="hypothetical"),
            event_row(day, AID, "USA", "UKR"),  # another dyad
            event_row(date(2022, 4, 2), AID, "RUS", "USA", modality="reported"),
            event_row(date(2030, 1, 1), AGREE, "USA", "RUS", modality="future"),  # outside the counted range
        ],
    )
    result = dyad_series(store, "usa", "RUS", freq="month")
    assert result["dyad"] == "USA-RUS"
    march, april = result["periods"]
    assert (march["period"], april["period"]) == ("2022-03", "2022-04")
    assert march["events"] == 3 and march["reports"] == 10
    ab, ba = march["a_to_b"], march["b_to_a"]
    assert (ab["events"], ab["reports"], ba["events"], ba["reports"]) == (2, 8, 1, 2)
    assert ab["by_event"] == {"CONSULT": 1, "SANCTION": 1} and ba["by_event"] == {"ACCUSE": 1}
    assert ab["goldstein_sum"] == -7.0 and ab["goldstein_mean"] == -3.5
    assert ab["quad"]["material_conflict"] == 1 and ab["quad"]["verbal_cooperation"] == 1
    assert ab["net_cooperation"] == 0 and ba["net_cooperation"] == -1
    assert march["by_event"] == {"ACCUSE": 1, "CONSULT": 1, "SANCTION": 1}
    assert march["quad"] == {
        "verbal_cooperation": 1, "material_cooperation": 0, "verbal_conflict": 1, "material_conflict": 1,
    }
    assert march["goldstein_sum"] == -9.0
    assert march["plover_score_sum"] == -4.5
    assert march["net_cooperation"] == -1
    # Announced, not yet done: apart, never in the index.
    assert march["announced"]["events"] == 2
    assert march["announced"]["by_event"] == {"AGREE": 1, "THREATEN": 1}
    assert (march["announced"]["a_to_b"], march["announced"]["b_to_a"]) == (1, 1)
    assert march["index"] == pytest.approx(-3.0)  # no documents: mean Goldstein of counted events
    assert result["index"]["basis"] == "events"
    # "reported" modality counts as done.
    assert april["b_to_a"]["by_event"] == {"AID": 1}
    assert result["totals"] == {"events": 4, "reports": 11, "announced": 2, "negated_excluded": 2}


def test_coverage_normalised_index_counts_stories_once(store: Store) -> None:
    add(store, [event_row(date(2022, 2, 3), ASSAULT), event_row(date(2022, 2, 4), CONSULT)])
    with store.begin() as conn:
        story_first = None
        for i in range(5):
            doc_id = conn.execute(
                documents.insert().values(
                    ref=f"doc{i}", content_hash=f"h{i}", kind="text", text="x", blocks=[], footnotes=[],
                    extra={}, ingested_at=datetime(2022, 3, 1), published=datetime(2022, 2, 10 + i, 9, 0),
                    story_id=story_first if i in (3, 4) else None,
                )
            ).inserted_primary_key[0]
            story_first = story_first or doc_id
            code = "CHN" if i == 2 else ("RUS" if i % 2 else "USA")
            conn.execute(
                mentions.insert().values(doc_id=doc_id, sentence_idx=0, start=0, end=1, text="x", code=code)
            )
    result = dyad_series(store, "USA", "RUS")
    (feb,) = result["periods"]
    # docs 0, 1, 3, 4 mention a side; 3 and 4 are near-duplicates of 0: two stories.
    assert feb["stories"] == 2
    assert result["index"]["basis"] == "documents"
    assert feb["index"] == pytest.approx((-10.0 + 1.0) / 2)


# --- trend, labels, change points -------------------------------------------------------


def test_known_break_found_with_levels_labels_and_drivers(store: Store) -> None:
    regime(store, date(2021, 1, 1), 14, COOPERATIVE)
    regime(store, date(2022, 3, 1), 10, HOSTILE, offset=2)
    (driver,) = add(store, [event_row(date(2022, 3, 5), ASSAULT, "RUS", "USA", report_count=40)])
    result = dyad_series(store, "USA", "RUS", freq="month")
    assert len(result["periods"]) == 24
    (cp,) = result["change_points"]
    assert cp["date"] == "2022-03-01" and cp["period"] == "2022-03"
    assert cp["direction"] == "escalation"
    assert cp["level_before"] > 0.8 and cp["level_after"] < -6.0
    assert cp["events"][0]["id"] == driver  # most conflictual, most reported first
    assert cp["events"][0]["date"] >= "2022-03-01"
    assert cp["event_types"][0]["event"] in {"ASSAULT", "CONSULT"}
    labels = {p["period"]: p["label"] for p in result["periods"]}
    assert labels["2022-03"] == "escalation" and labels["2022-04"] == "escalation"
    calm = [k for k in labels if k not in ("2022-03", "2022-04")]
    assert all(labels[k] == "stable" for k in calm), labels
    assert result["trend"]["latest"]["label"] == "stable"
    assert result["trend"]["slope_per_period"] < 0
    assert [w["label"] for w in result["trend"]["windows"]] == ["stable", "escalation", "stable"]
    # Rolling level: trailing mean of the window.
    p = periods_by_key(result)
    window = [p[k]["index"] for k in ("2022-02", "2022-03", "2022-04")]
    assert p["2022-04"]["level"] == pytest.approx(sum(window) / 3, abs=1e-3)


def test_thaw_series(store: Store) -> None:
    regime(store, date(2020, 1, 1), 8, HOSTILE)
    regime(store, date(2020, 9, 1), 8, COOPERATIVE)
    result = dyad_series(store, "RUS", "USA", freq="month")
    (cp,) = result["change_points"]
    assert cp["period"] == "2020-09" and cp["direction"] == "thaw"
    assert cp["events"] and all(e["goldstein"] > 0 for e in cp["events"])
    assert periods_by_key(result)["2020-09"]["label"] == "thaw"


def test_noise_without_break_is_stable(store: Store) -> None:
    regime(store, date(2021, 1, 1), 24, COOPERATIVE)
    result = dyad_series(store, "USA", "RUS")
    assert result["change_points"] == []
    assert {p["label"] for p in result["periods"]} == {"stable"}


def test_volatile_series(store: Store) -> None:
    rows = []
    for m in range(12):
        kind = CONSULT if m % 2 == 0 else ASSAULT
        rows += [event_row(month_start(date(2021, 1, 1), m) + timedelta(days=d), kind) for d in range(6)]
    add(store, rows)
    result = dyad_series(store, "USA", "RUS")
    labels = [p["label"] for p in result["periods"]]
    assert labels[2:] == ["volatile"] * 10


# Monthly tone and bootstrap standard errors of the real corpus (USA–RUS, months with events
# from 2021-06 to 2022-06, as coded at e3433cb): thin, erratic months, then a sharp fall in
# 2022-03 (index 8) carried by busy months. With one noise level for all months the thin
# ones set it and no break is found.
REAL_TONE = [-2.17, 1.0, -3.0, -1.42, 1.0, 1.67, 2.28, 1.43, -2.66, -0.85, -1.01, -2.19]
REAL_SE = [1.79, 1.87, 2.61, 1.73, 2.51, 1.02, 1.35, 0.78, 0.87, 1.52, 1.23, 1.33]


def test_break_carried_by_busy_periods_is_not_hidden_by_thin_ones() -> None:
    assert trend.change_points(REAL_TONE, REAL_SE) == [8]
    # Without standard errors (one σ for all) the same rules still run.
    assert trend.change_points([1.0, 1.1, 0.9, 1.0, -3.0, -3.1, -2.9, -3.0]) == [4]


def test_noise_with_uneven_precision_rarely_breaks() -> None:
    # Pure noise with the real months' precision, plus month-to-month wobble beyond it.
    rng = np.random.default_rng(7)
    se = np.array(REAL_SE)
    for tau in (0.0, 1.0):
        found = sum(
            bool(trend.change_points(list(rng.normal(0.0, np.sqrt(se**2 + tau**2))), REAL_SE)) for _ in range(200)
        )
        assert found <= 20, (tau, found)


def test_extra_variance_is_robust_to_a_break() -> None:
    rng = np.random.default_rng(3)
    se = rng.uniform(0.3, 2.0, 400)
    values = rng.normal(0.0, np.sqrt(se**2 + 1.0))
    values[200:] -= 5.0  # a break the estimate must not count as noise
    assert 0.6 < trend.extra_variance(values, se**2) < 1.6
    assert trend.extra_variance(rng.normal(0.0, se), se**2) < 0.2


def test_clear_step_after_a_thin_first_period_labels_the_window() -> None:
    # The real 2022-01..03 window: the thin January's wide band overlaps March's, but the
    # step from the busy February to the busy March is clear and the net fall is large.
    values = [2.28, 1.43, -2.66]
    bands = [(-0.96, 3.49), (-0.05, 2.51), (-3.81, -0.96)]
    assert trend.labels(values, bands)[-1] == "escalation"


def test_sharp_fall_on_thin_data_is_told_with_a_caveat(store: Store) -> None:
    regime(store, date(2021, 1, 1), 6, COOPERATIVE)
    add(store, [event_row(date(2021, 7, 5), SANCTION), event_row(date(2021, 7, 9), ACCUSE, "RUS", "USA")])
    result = dyad_series(store, "USA", "RUS")
    p = periods_by_key(result)
    # Two events: the band is too wide for a clear move, but "stable" would claim nothing moved.
    assert p["2021-07"]["label"] == "stable"
    assert p["2021-07"]["tendency"] == "escalation"
    assert p["2021-07"]["label_text"] == "escalation (thin data)"
    assert all(p[k]["label_text"] == "stable" for k in p if k < "2021-07")
    assert result["trend"]["latest"]["label"] == "stable"
    assert result["trend"]["latest"]["label_text"] == "escalation (thin data)"
    from dyadwatch.brief.assess import assess

    names = {"a": "United States", "b": "Russia"}
    assessment = assess([], names=names, start=None, end=None, relations_series=result)
    assert assessment["direction"] == "escalation (thin data)"


def test_bootstrap_band_is_seeded_and_wider_for_thin_periods(store: Store) -> None:
    rows = [event_row(date(2021, 1, 5), CONSULT), event_row(date(2021, 1, 6), ACCUSE)]
    for i in range(60):
        rows += [event_row(date(2021, 2, 1 + i % 27), CONSULT), event_row(date(2021, 2, 1 + i % 27), ACCUSE)]
    add(store, rows)
    first = dyad_series(store, "USA", "RUS")
    again = dyad_series(store, "USA", "RUS")
    assert first == again
    jan, feb = first["periods"]
    assert jan["index"] == feb["index"] == pytest.approx(-0.5)
    assert jan["band_low"] <= jan["index"] <= jan["band_high"]
    assert feb["band_low"] < feb["index"] < feb["band_high"]
    assert (jan["band_high"] - jan["band_low"]) > 2 * (feb["band_high"] - feb["band_low"])
    # A period's band does not depend on the range asked.
    only_feb = dyad_series(store, "USA", "RUS", since=date(2021, 2, 1))
    assert only_feb["periods"][0]["band_low"] == feb["band_low"]


def test_thin_periods_and_empty_periods_are_not_over_read(store: Store) -> None:
    # Busy cooperative months, one month with a single hostile event, an empty month,
    # then busy cooperative months again: neither the lone event nor the gap is a trend.
    rows = []
    for m in (0, 1, 2, 5, 6, 7):
        start = month_start(date(2021, 1, 1), m)
        rows += [event_row(start + timedelta(days=d), CONSULT if d % 3 else AGREE) for d in range(12)]
    rows.append(event_row(date(2021, 4, 10), ACCUSE))
    add(store, rows)
    result = dyad_series(store, "USA", "RUS")
    p = periods_by_key(result)
    assert p["2021-05"]["events"] == 0 and p["2021-05"]["band_low"] is None
    lone = p["2021-04"]
    assert lone["goldstein_mean"] == -2.0
    # The one-event month's band is wide (the series-wide prior), not a falsely exact point.
    assert lone["band_high"] - lone["band_low"] > 2.0
    assert {p[k]["label"] for k in p} <= {"stable", None}
    assert p["2021-05"]["label"] is None


def test_metric_index_drives_the_trend(store: Store) -> None:
    regime(store, date(2021, 1, 1), 8, COOPERATIVE)
    regime(store, date(2021, 9, 1), 8, HOSTILE)
    with store.begin() as conn:
        for i in range(16 * 4):
            month = month_start(date(2021, 1, 1), i // 4)
            doc_id = conn.execute(
                documents.insert().values(
                    ref=f"d{i}", content_hash=f"h{i}", kind="text", text="x", blocks=[], footnotes=[],
                    extra={}, ingested_at=datetime(2023, 1, 1), published=datetime.combine(month, datetime.min.time()),
                )
            ).inserted_primary_key[0]
            conn.execute(mentions.insert().values(doc_id=doc_id, sentence_idx=0, start=0, end=1, text="x", code="RUS"))
    result = dyad_series(store, "USA", "RUS", metric="index")
    assert result["trend"]["metric"] == "index" and result["index"]["basis"] == "documents"
    (cp,) = result["change_points"]
    assert cp["period"] == "2021-09" and cp["direction"] == "escalation"
    first = result["periods"][0]
    # Fewer stories (4) than events (10 or so): the denominator is the event count.
    assert first["index"] == pytest.approx(first["goldstein_sum"] / max(first["events"], first["stories"]), abs=1e-3)
    assert result["trend"]["latest"]["value"] == result["periods"][-1]["index"]
    with pytest.raises(RelationsError, match="unknown metric"):
        dyad_series(store, "USA", "RUS", metric="volume")


def test_frequencies_and_range_fill(store: Store) -> None:
    add(store, [event_row(date(2022, 1, 3), CONSULT), event_row(date(2022, 8, 30), ACCUSE)])
    keys = {
        freq: [p["period"] for p in dyad_series(store, "USA", "RUS", freq=freq)["periods"]]
        for freq in ("week", "quarter", "year")
    }
    assert keys["year"] == ["2022"]
    assert keys["quarter"] == ["2022-Q1", "2022-Q2", "2022-Q3"]
    assert keys["week"][0] == "2022-W01" and keys["week"][-1] == "2022-W35" and len(keys["week"]) == 35
    days = dyad_series(store, "USA", "RUS", freq="day", since=date(2022, 1, 1), until=date(2022, 1, 5))
    assert [p["period"] for p in days["periods"]] == [f"2022-01-0{d}" for d in range(1, 6)]
    empty_day = days["periods"][0]
    assert empty_day["events"] == 0 and empty_day["index"] is None


def test_groups_and_theme_cut(store: Store) -> None:
    day = date(2022, 5, 1)
    add(
        store,
        [
            event_row(day, SANCTION, "DEU", "RUS", themes=["sanctions"]),
            event_row(day, SANCTION, "FRA", "RUS", themes=["sanctions", "energy"]),
            event_row(day, CONSULT, "RUS", "FRA", themes=["diplomacy"]),
            event_row(day, CONSULT, "RUS", "USA", themes=["diplomacy"]),
        ],
    )
    result = dyad_series(store, "eu-members", "RUS")
    assert result["dyad"] == "EU-members-RUS" and "DEU" in result["a"]["members"]
    (may,) = result["periods"]
    assert (may["a_to_b"]["events"], may["b_to_a"]["events"]) == (2, 1)
    cut = dyad_series(store, "EU-members", "RUS", theme="sanctions")
    assert cut["theme"] == "sanctions"
    assert cut["periods"][0]["by_event"] == {"SANCTION": 2} and cut["periods"][0]["b_to_a"]["events"] == 0
    summary = themes_summary(store, "EU-members", "RUS")
    by_theme = {t["theme"]: t for t in summary["themes"]}
    assert summary["events"] == 3
    assert by_theme["sanctions"]["events"] == 2 and by_theme["sanctions"]["a_to_b"] == 2
    assert by_theme["sanctions"]["share"] == pytest.approx(2 / 3, abs=1e-4)
    assert by_theme["diplomacy"]["b_to_a"] == 1 and by_theme["energy"]["events"] == 1
    assert by_theme["sanctions"]["top_events"][0]["event"] == "SANCTION"


def test_month_grouping_reads_the_covering_index_without_sorting(store: Store) -> None:
    # The 1M-event benchmark rests on this plan: SQLite walks ix_events_dyad_month in order.
    from sqlalchemy import event as sa_event

    from dyadwatch.store import series as queries

    add(store, [event_row(date(2022, 1, 1), CONSULT)])
    plans: list[str] = []

    def explain(conn, cursor, statement, params, context, executemany):
        if "GROUP BY" in statement and "FROM events" in statement:
            plans.append(str(cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()))

    sa_event.listen(store.engine, "before_cursor_execute", explain)
    try:
        with store.connect() as conn:
            rows = queries.dyad_counts(conn, {"USA"}, {"RUS"}, grain="month", since=date(2021, 1, 1))
    finally:
        sa_event.remove(store.engine, "before_cursor_execute", explain)
    assert rows and rows[0]["key"] == "2022-01"
    (plan,) = plans
    assert "COVERING INDEX ix_events_dyad_month" in plan and "TEMP B-TREE" not in plan


# --- bad input --------------------------------------------------------------------------


def test_unknown_code_suggests_close_codes(store: Store) -> None:
    add(store, [event_row(date(2022, 1, 1), CONSULT)])
    with pytest.raises(UnknownActorError) as info:
        dyad_series(store, "USA", "RUSS")
    assert "RUS" in info.value.suggestions and "did you mean" in str(info.value)
    assert suggest_codes("RUSS", ["RUS", "USA", "BLR", "UKR"])[0] == "RUS"
    assert suggest_codes("nato-member", ["NATO-members", "EU-members", "USA"])[0] == "NATO-members"
    assert suggest_codes("QQQQ", ["RUS", "USA"]) == []


def test_names_typed_as_codes_suggest_the_registry_code(store: Store) -> None:
    pytest.importorskip("dyadwatch.actors")
    from dyadwatch.relations.codes import registry_codes, registry_names

    if not registry_names() or "DEU" not in (registry_codes() or set()):
        pytest.skip("the actor registry offers no names")
    assert dyad_series(store, "deu", "RUS")["periods"] == []  # a registry code without events
    with pytest.raises(UnknownActorError) as info:
        dyad_series(store, "Germany", "RUS")
    assert info.value.suggestions[0] == "DEU"


def test_empty_range_and_no_events(store: Store) -> None:
    with pytest.raises(RelationsError, match="two distinct sides"):
        dyad_series(store, "USA", "NATO-members")
    with pytest.raises(RelationsError, match="empty period range"):
        dyad_series(store, "USA", "RUS", since=date(2023, 1, 1), until=date(2022, 1, 1))
    add(store, [event_row(date(2022, 1, 1), CONSULT, "USA", "CHN")])
    result = dyad_series(store, "USA", "CHN", theme="energy")
    assert result["periods"] == [] and result["change_points"] == []
    assert dyad_series(store, "CHN", "USA", since=date(2023, 1, 1))["periods"] == []


# --- themes -----------------------------------------------------------------------------


def test_assign_themes_from_contexts_modes_actors_and_lexicon() -> None:
    assert assign_themes({"event": "SANCTION", "contexts": []}, "") == ["sanctions"]
    # Economic context is pressure only when the event is a conflict event.
    assert assign_themes({"event": "AGREE", "contexts": ["economic"]}, "They agreed.") == []
    assert "sanctions" in assign_themes({"event": "THREATEN", "contexts": ["economic"]}, "It warned.")
    assert assign_themes({"event": "COERCE", "mode": "cyber"}, "") == ["cyber_information"]
    assert assign_themes({"event": "COERCE", "mode": "COERCE:cyber"}, "") == ["cyber_information"]
    # A third party is one that is neither side of the event.
    sentence = "Moscow and Beijing pledged closer ties."
    assert "third_party" in assign_themes({"event": "CONSULT", "source": {"code": "USA"}, "target": "RUS"}, sentence)
    assert "third_party" not in assign_themes(
        {"event": "CONSULT", "source": {"code": "RUS"}, "target": {"code": "CHN"}}, sentence
    )
    themes = assign_themes(
        {"event": "CONSULT", "contexts": [], "source_code": "USA", "target_code": "RUS"},
        "The presidents discussed the extension of New START, a possible prisoner swap and "
        "gas deliveries to Europe during a phone call.",
    )
    assert themes == ["diplomacy", "arms_control", "energy", "third_party", "humanitarian"]
    assert assign_themes({"event": "ACCUSE"}, "They accused it of a cease fire breach.") == ["military"]
    # Word boundaries: "gassed" is not gas, "oily" is not oil.
    assert "energy" not in assign_themes({"event": "ACCUSE"}, "An oily statement, he gassed on.")


def test_taxonomy_names_real_plover_types_modes_and_contexts() -> None:
    ontology = pytest.importorskip("dyadwatch.ontology")
    from dyadwatch.relations.themes import taxonomy

    types = ontology.plover_types()
    known_contexts = set(ontology.contexts())
    tax = taxonomy()
    assert tax.ids == [
        "sanctions", "military", "diplomacy", "arms_control", "cyber_information", "energy",
        "third_party", "humanitarian", "domestic",
    ]
    assert tax.conflict_events == {name for name, t in types.items() if t.quad_class in (3, 4)}
    for theme in tax.themes:
        assert theme.events <= set(types), theme.id
        assert (theme.contexts | theme.conflict_contexts) <= known_contexts, theme.id
        for pair in theme.modes:
            event, mode = pair.split(":")
            assert mode in {m.name for m in types[event.upper()].modes}, (theme.id, pair)


# --- commands and plots -----------------------------------------------------------------


@pytest.fixture
def break_db(tmp_path: Path) -> str:
    path = str(tmp_path / "cli.db")
    db = Store(path)
    regime(db, date(2021, 1, 1), 10, COOPERATIVE)
    regime(db, date(2021, 11, 1), 8, HOSTILE)
    db.dispose()
    return path


def test_cli_json_csv_table(break_db: str) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert set(data) >= {"dyad", "freq", "periods", "trend", "change_points"}
    assert set(data["periods"][0]) >= {"period", "events", "reports", "a_to_b", "b_to_a", "by_event", "quad"}
    assert data["change_points"][0]["period"] == "2021-11"

    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--format", "csv", "--freq", "quarter",
                               "--since", "2021", "--until", "2021-12"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["period", "start", "end"] and "event_ASSAULT" in header and "index" in header
    assert [line.split(",")[0] for line in lines[1:]] == ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
    q4 = dict(zip(header, lines[-1].split(","), strict=True))
    assert int(q4["event_ASSAULT"]) == 12 and q4["end"] == "2021-12-31"

    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS"])
    assert out.exit_code == 0, out.output
    assert "escalation" in out.output and "Change point 2021-11" in out.output
    assert "USA→RUS" in out.output
    assert max(len(line.rstrip()) for line in out.output.splitlines() if "│" not in line) < 200

    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--metric", "index", "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.output)["trend"]["metric"] == "index"

    out = runner.invoke(main, ["--db", break_db, "themes", "USA", "RUS", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("theme,label,events")


def test_cli_bad_input(break_db: str) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUSS"])
    assert out.exit_code != 0 and "did you mean RUS" in out.output
    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--since", "2023", "--until", "2022"])
    assert out.exit_code != 0 and "empty period range" in out.output
    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--since", "2030-01"])
    assert out.exit_code == 0 and "no events" in out.output
    out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--since", "March"])
    assert out.exit_code != 0 and "not a date" in out.output


def test_plots_png_svg(break_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    for path in (png, svg):
        out = runner.invoke(main, ["--db", break_db, "dyad", "USA", "RUS", "--plot", str(path), "--format", "json"])
        assert out.exit_code == 0, out.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    text = svg.read_text()
    assert "<svg" in text and text.rstrip().endswith("</svg>")
    series = dyad_series(Store(break_db), "USA", "RUS")
    inline = svg_chart(series)
    assert inline.lstrip().startswith("<?xml") and "</svg>" in inline
    assert inline == svg_chart(series)  # deterministic, embeddable
    empty = save_chart({"dyad": "USA-CHN", "freq": "month", "periods": []}, tmp_path / "empty.svg")
    assert "no events" in empty.read_text()


# --- PostgreSQL ---------------------------------------------------------------------------


def _fill_for_portability(db: Store) -> None:
    regime(db, date(2021, 1, 1), 8, COOPERATIVE)
    regime(db, date(2021, 9, 1), 6, HOSTILE)
    add(db, [
        event_row(date(2021, 3, 3), SANCTION, "USA", "RUS", themes=["sanctions"], report_count=4),
        event_row(date(2021, 3, 4), ASSAULT, "RUS", "USA", negated=True),
        event_row(date(2021, 3, 5), AGREE, "RUS", "USA", modality="future"),
    ])
    with db.begin() as conn:
        for i in range(30):
            doc_id = conn.execute(
                documents.insert().values(
                    ref=f"d{i}", content_hash=f"h{i}", kind="text", text="x", blocks=[], footnotes=[],
                    extra={}, ingested_at=datetime(2023, 1, 1),
                    published=datetime(2021, 1 + i % 12, 28, 23, 30),
                )
            ).inserted_primary_key[0]
            conn.execute(mentions.insert().values(doc_id=doc_id, sentence_idx=0, start=0, end=1, text="x", code="USA"))


@pytest.mark.skipif(not POSTGRES, reason="set DYADWATCH_TEST_POSTGRES to a PostgreSQL URL (.ci/run does)")
def test_postgresql_gives_the_same_series_as_sqlite(tmp_path: Path) -> None:
    with postgres_schema() as url:
        _same_series_on(Store(url), Store(str(tmp_path / "same.db")))


def _same_series_on(pg: Store, lite: Store) -> None:
    try:
        for db in (pg, lite):
            _fill_for_portability(db)
        for kwargs in (
            {"freq": "month"},
            {"freq": "week", "since": date(2021, 2, 1), "until": date(2021, 4, 30)},
            {"freq": "quarter", "theme": "sanctions"},
            {"freq": "month", "metric": "index", "until": date(2021, 6, 30)},
        ):
            on_pg, on_sqlite = dyad_series(pg, "USA", "RUS", **kwargs), dyad_series(lite, "USA", "RUS", **kwargs)
            assert on_pg == on_sqlite, kwargs
        assert on_pg["index"]["basis"] == "documents"
        assert themes_summary(pg, "USA", "RUS") == themes_summary(lite, "USA", "RUS")
    finally:
        pg.dispose()
        lite.dispose()


# --- the real corpus --------------------------------------------------------------------


def _corpus_subset(path: Path, out, first: str, last: str) -> int:
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if first <= (record.get("published") or "")[:7] <= last:
                out.write(json.dumps(record) + "\n")
                n += 1
    return n


@pytest.mark.slow
def test_real_corpus_shows_early_2022_break(tmp_path: Path) -> None:
    pipeline = pytest.importorskip("dyadwatch.events.pipeline")
    corpora = SHARED / "data" / "corpora"
    subset = tmp_path / "us_russia_2021_2022.jsonl"
    with subset.open("w", encoding="utf-8") as out:
        n = _corpus_subset(
            corpora / "whitehouse" / "whitehouse_statements_factsheets_actions_2021_2026_russia_ukraine.jsonl.gz",
            out, "2021-06", "2022-06",
        )
        n += _corpus_subset(
            corpora / "kremlin" / "kremlin_en_2021-10_2022-06_us_nato_sanctions.jsonl.gz", out, "2021-06", "2022-06"
        )
    assert n > 400
    db = str(tmp_path / "corpus.db")
    ingested = CliRunner().invoke(main, ["--db", db, "ingest", str(subset), "--quiet"])
    assert ingested.exit_code == 0, ingested.output
    store = Store(db)
    pipeline.code_pending(store, quiet=True)
    result = dyad_series(store, "USA", "RUS", freq="month", since=date(2021, 6, 1), until=date(2022, 6, 30))
    p = periods_by_key(result)
    # Tone (mean Goldstein per event): before the invasion vs from the first full month of war.
    before = [p[k]["goldstein_mean"] for k in p if k < "2022-02" and p[k]["goldstein_mean"] is not None]
    after = [p[k]["goldstein_mean"] for k in p if k >= "2022-03" and p[k]["goldstein_mean"] is not None]
    assert before and after
    assert sum(after) / len(after) < sum(before) / len(before) - 1.0
    conflict_after = sum(p[k]["quad"]["material_conflict"] for k in p if k >= "2022-02")
    conflict_before = sum(p[k]["quad"]["material_conflict"] for k in p if k < "2022-02")
    assert conflict_after > conflict_before
    breaks = [cp for cp in result["change_points"] if "2022-01-01" <= cp["date"] <= "2022-04-30"]
    assert breaks and breaks[0]["direction"] == "escalation", result["change_points"]
    assert breaks[0]["level_after"] < breaks[0]["level_before"] - 1.0
    assert breaks[0]["events"] and breaks[0]["events"][0]["sentence"]
    assert "escalation" in {p[k]["label"] for k in ("2022-02", "2022-03", "2022-04")}
    assert not math.isnan(result["trend"]["slope_per_period"])


def test_break_search_is_exact_against_brute_force() -> None:
    """The penalised search finds the best segmentation (min segment 2), checked against
    every segmentation of short random series with unequal weights."""
    from itertools import combinations

    from dyadwatch.relations.trend import optimal_breaks

    def cost(x: np.ndarray, w: np.ndarray, breaks: tuple[int, ...], penalty: float) -> float:
        total = 0.0
        for a, b in zip((0, *breaks), (*breaks, len(x)), strict=True):
            mean = float(np.sum(w[a:b] * x[a:b]) / np.sum(w[a:b]))
            total += float(np.sum(w[a:b] * (x[a:b] - mean) ** 2)) + penalty
        return total

    rng = np.random.default_rng(7)
    for _ in range(150):
        n = int(rng.integers(4, 11))
        x = rng.normal(size=n) + np.where(np.arange(n) >= n // 2, rng.normal(0, 3), 0.0)
        variances = rng.uniform(0.2, 3.0, size=n)
        w = 1 / variances
        penalty = float(rng.uniform(0.3, 4.0))
        options = [b for k in range(n // 2) for b in combinations(range(2, n - 1), k)
                   if all(j - i >= 2 for i, j in zip((0, *b), (*b, n), strict=True))]
        best = min(cost(x, w, b, penalty) for b in options)
        found = tuple(optimal_breaks(x, variances, penalty))
        assert cost(x, w, found, penalty) == pytest.approx(best), (x.tolist(), penalty)
