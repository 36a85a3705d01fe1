"""The dyad series: per-period counts and indices for A→B, B→A and both, with trend figures.

Counting rules (DESIGN.md): distinct events, not reports; negated events never count;
future, hypothetical and conditional events are reported apart under ``announced``
("announced, not yet done") and stay out of every index.

Two figures per period describe the relationship:

* ``goldstein_mean`` — the *tone*: mean Goldstein value per counted event. The trend,
  labels, band and change points follow it by default (``metric="tone"``).
* ``index`` — the volume-normalised figure: the Goldstein sum of its events divided by the
  number of stories (near-duplicate groups of documents) published in the period that
mention either side — or by the number of events when that is larger (events dated from
later documents), which keeps the index within the Goldstein range −10…+10. When the
store has no such documents at all (e.g. hand-made event rows) the denominator is the
event count and the index is the mean Goldstein value; ``index.basis`` says which.
Coverage comes from the ``mentions`` table, or, when the store keeps none, from the
documents with a coded report involving either side. ``metric="index"`` makes the trend
follow it. (Tone is the default because coverage of a pair can grow for reasons that are
not about the pair — a war with a third country — and dilute the per-story figure.)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from statistics import NormalDist
from typing import Any

import numpy as np

from dyadwatch.relations import trend
from dyadwatch.relations.codes import RelationsError, Side, resolve_side
from dyadwatch.relations.periods import FREQS, Period, key_date, period_of, periods_between
from dyadwatch.relations.themes import theme_ids
from dyadwatch.store import Store
from dyadwatch.store import series as queries

QUAD_NAMES = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}

#: Figures the trend can follow, and the period field holding each.
METRICS = {"tone": "goldstein_mean", "index": "index"}

METRIC_DEFINITIONS = {
    "tone": "mean Goldstein value per counted event (both directions): how cooperative or "
    "hostile the pair's dealings are, whatever the volume of coverage",
    "index": "Goldstein sum per story mentioning either side (see index.definition): "
    "how much cooperation or conflict per unit of coverage",
}

INDEX_DEFINITIONS = {
    "documents": (
        "Goldstein sum of the period's events (both directions) divided by the stories published "
        "in the period that mention either side (or by the event count when larger)"
    ),
    "events": (
        "mean Goldstein value of the period's events (both directions); the store has no "
        "documents mentioning either side to normalise by"
    ),
}


def _empty_side() -> dict[str, Any]:
    return {
        "events": 0,
        "reports": 0,
        "quad": {name: 0 for name in QUAD_NAMES.values()},
        "by_event": {},
        "goldstein_sum": 0.0,
        "goldstein_mean": None,
        "plover_score_sum": 0.0,
        "net_cooperation": 0,
        "_goldstein_n": 0,
    }


def _add(side: dict[str, Any], row: dict[str, Any]) -> None:
    n, reports = int(row["n"]), int(row["reports"] or 0)
    side["events"] += n
    side["reports"] += reports
    quad = QUAD_NAMES.get(row["quad_class"])
    if quad:
        side["quad"][quad] += n
    side["by_event"][row["event"]] = side["by_event"].get(row["event"], 0) + n
    if row["goldstein"] is not None:
        side["goldstein_sum"] += float(row["goldstein"]) * n
        side["_goldstein_n"] += n
    if row["plover_score"] is not None:
        side["plover_score_sum"] += float(row["plover_score"]) * n


def _finish(side: dict[str, Any]) -> dict[str, Any]:
    n = side.pop("_goldstein_n")
    side["goldstein_sum"] = round(side["goldstein_sum"], 4)
    side["plover_score_sum"] = round(side["plover_score_sum"], 4)
    side["goldstein_mean"] = round(side["goldstein_sum"] / n, 4) if n else None
    q = side["quad"]
    side["net_cooperation"] = (
        q["verbal_cooperation"] + q["material_cooperation"] - q["verbal_conflict"] - q["material_conflict"]
    )
    side["by_event"] = dict(sorted(side["by_event"].items()))
    return side


def check_request(freq: str, since: date | None, until: date | None, theme: str | None) -> None:
    if freq not in FREQS:
        raise RelationsError(f"unknown frequency {freq!r}; use one of {', '.join(FREQS)}")
    if since is not None and until is not None and since > until:
        raise RelationsError(
            f"empty period range: since {since.isoformat()} is after until {until.isoformat()}"
        )
    if theme is not None and theme not in theme_ids():
        raise RelationsError(f"unknown theme {theme!r}; themes are: {', '.join(theme_ids())}")


def resolve_sides(a: str, b: str, store: Store) -> tuple[Side, Side]:
    """Both sides of a dyad; they must not share codes, or events would count in both directions."""
    side_a, side_b = resolve_side(a, store), resolve_side(b, store)
    shared = side_a.codes & side_b.codes
    if shared:
        raise RelationsError(
            f"a dyad needs two distinct sides: {side_a.name} and {side_b.name} share {', '.join(sorted(shared))}"
        )
    return side_a, side_b


def dyad_series(
    store: Store,
    a: str,
    b: str,
    *,
    freq: str = "month",
    since: date | None = None,
    until: date | None = None,
    theme: str | None = None,
    metric: str = "tone",
    window: int = trend.WINDOW,
) -> dict[str, Any]:
    """The relations series between ``a`` and ``b`` (codes or group names), JSON-ready.

    ``metric`` is the figure the trend, labels, band and change points follow: ``tone``
    (mean Goldstein value per counted event) or ``index`` (Goldstein per story).

    Raises :class:`RelationsError` (or its subclass ``UnknownActorError``, which carries
    suggestions) for a bad request; a dyad without events gives ``periods == []``.
    """
    check_request(freq, since, until, theme)
    if metric not in METRICS:
        raise RelationsError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    side_a, side_b = resolve_sides(a, b, store)
    grain = freq if freq in ("day", "week") else "month"
    with store.connect() as conn:
        rows = {
            "a_to_b": queries.dyad_counts(
                conn, side_a.codes, side_b.codes, grain=grain, since=since, until=until, theme=theme
            ),
            "b_to_a": queries.dyad_counts(
                conn, side_b.codes, side_a.codes, grain=grain, since=since, until=until, theme=theme
            ),
        }
        coverage_rows = queries.coverage_counts(
            conn, side_a.codes | side_b.codes, grain=grain, since=since, until=until
        )

    counted: dict[Period, dict[str, dict]] = defaultdict(lambda: {"a_to_b": _empty_side(), "b_to_a": _empty_side()})
    announced: dict[Period, dict[str, Any]] = {}
    values: dict[Period, Counter] = defaultdict(Counter)
    negated = 0
    keys: dict[str, Period] = {}

    def period_for(key: str) -> Period:
        # Rows repeat the same few keys: compute each period once.
        if key not in keys:
            keys[key] = period_of(key_date(key), freq)
        return keys[key]

    for direction, direction_rows in rows.items():
        for row in direction_rows:
            if row["negated"]:
                negated += int(row["n"])
                continue
            period = period_for(row["key"])
            if row["announced"]:
                entry = announced.setdefault(
                    period, {"events": 0, "reports": 0, "by_event": {}, "a_to_b": 0, "b_to_a": 0}
                )
                entry["events"] += int(row["n"])
                entry["reports"] += int(row["reports"] or 0)
                entry[direction] += int(row["n"])
                entry["by_event"][row["event"]] = entry["by_event"].get(row["event"], 0) + int(row["n"])
                continue
            _add(counted[period][direction], row)
            if row["goldstein"] is not None:
                values[period][float(row["goldstein"])] += int(row["n"])

    coverage: Counter = Counter()
    for key, n in coverage_rows.items():
        coverage[period_for(key)] += n

    result: dict[str, Any] = {
        "dyad": f"{side_a.name}-{side_b.name}",
        "a": side_a.as_dict(),
        "b": side_b.as_dict(),
        "freq": freq,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "theme": theme,
        "index": {"definition": None, "basis": None},
        "totals": {"events": 0, "reports": 0, "announced": 0, "negated_excluded": negated},
        "periods": [],
        "trend": {},
        "change_points": [],
    }
    with_events = set(counted) | set(announced)
    if not with_events:
        result["trend"] = _trend_summary([], [], metric, window)
        return result

    # Without an explicit range, counted events set it: an announced plan dated years ahead
    # ("by 2030") must not stretch the series with empty periods.
    span = set(counted) or with_events
    first = since or min(p.start for p in span)
    last = until or max(p.end for p in span)
    periods = list(periods_between(first, last, freq))
    in_range_coverage = sum(coverage[p] for p in periods)
    basis = "documents" if in_range_coverage else "events"
    result["index"] = {"definition": INDEX_DEFINITIONS[basis], "basis": basis}

    # The whole range's distribution of event values, as a weak prior for thin periods' bands.
    overall: Counter = Counter()
    for period in periods:
        overall.update(values.get(period, {}))
    prior = (
        (np.array(list(overall.keys()), dtype=float), np.array(list(overall.values()), dtype=float))
        if overall
        else None
    )

    out_periods = []
    for period in periods:
        sides = counted.get(period) or {"a_to_b": _empty_side(), "b_to_a": _empty_side()}
        both = _empty_side()
        for side in sides.values():
            for key in ("events", "reports", "goldstein_sum", "plover_score_sum", "_goldstein_n"):
                both[key] += side[key]
            for quad, n in side["quad"].items():
                both["quad"][quad] += n
            for event, n in side["by_event"].items():
                both["by_event"][event] = both["by_event"].get(event, 0) + n
        both = _finish(both)
        a_to_b, b_to_a = _finish(sides["a_to_b"]), _finish(sides["b_to_a"])
        stories = int(coverage.get(period, 0))
        with_value = sum(values[period].values()) if period in values else 0
        # Without coverage counts the index is the mean Goldstein value of the period's events.
        denominator = max(stories, both["events"]) if basis == "documents" else with_value
        index = round(both["goldstein_sum"] / denominator, 4) if denominator else None
        band = None
        if with_value:
            dist = values[period]
            band = trend.bootstrap_band(
                np.array(list(dist.keys()), dtype=float),
                np.array(list(dist.values()), dtype=float),
                key=period.key,
                stories=stories if metric == "index" and basis == "documents" else None,
                prior=prior,
            )
        value = both["goldstein_mean"] if metric == "tone" else index
        if band is not None and value is not None:
            band = (min(band[0], value), max(band[1], value))
        out_periods.append(
            {
                "period": period.key,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "events": both["events"],
                "reports": both["reports"],
                "goldstein_sum": both["goldstein_sum"],
                "goldstein_mean": both["goldstein_mean"],
                "plover_score_sum": both["plover_score_sum"],
                "net_cooperation": both["net_cooperation"],
                "stories": stories,
                "index": index,
                "band_low": round(band[0], 4) if band else None,
                "band_high": round(band[1], 4) if band else None,
                "a_to_b": a_to_b,
                "b_to_a": b_to_a,
                "by_event": both["by_event"],
                "quad": both["quad"],
                "announced": announced.get(
                    period, {"events": 0, "reports": 0, "by_event": {}, "a_to_b": 0, "b_to_a": 0}
                ),
            }
        )
        result["totals"]["events"] += both["events"]
        result["totals"]["reports"] += both["reports"]
        result["totals"]["announced"] += announced.get(period, {}).get("events", 0)

    metric_key = METRICS[metric]
    metric_values = [p[metric_key] for p in out_periods]
    # Periods without events have no band: moves into or out of them are never "clear".
    bands = [
        (p["band_low"], p["band_high"]) if p["band_low"] is not None else None for p in out_periods
    ]
    levels, slopes = trend.rolling(metric_values, window)
    period_labels = trend.labels(metric_values, bands, window)
    # The same rules with a weaker test of a move: where it sees a move the bands do not
    # confirm, the reader gets that move with a caveat instead of "stable".
    tendencies = trend.labels(metric_values, bands, window, tentative=True)
    texts = trend.label_texts(period_labels, tendencies)
    for p, level, slope, label, tendency, text in zip(
        out_periods, levels, slopes, period_labels, tendencies, texts, strict=True
    ):
        p["level"] = round(level, 4) if level is not None else None
        p["slope"] = round(slope, 4) if slope is not None else None
        p["label"] = label
        p["tendency"] = tendency
        p["label_text"] = text
    result["periods"] = out_periods
    result["trend"] = _trend_summary(out_periods, metric_values, metric, window)
    result["change_points"] = _change_points(store, out_periods, metric_key, side_a, side_b, theme)
    return result


def _trend_summary(periods: list[dict], metric_values: list, metric: str, window: int) -> dict[str, Any]:
    present = [(i, v) for i, v in enumerate(metric_values) if v is not None]
    overall = None
    if len(present) >= 2:
        xs, ys = zip(*present, strict=True)
        overall = round(float(np.polyfit(np.array(xs, float), np.array(ys, float), 1)[0]), 4)
    windows: list[dict[str, Any]] = []
    for p in periods:
        if p.get("label") is None:
            continue
        if windows and windows[-1]["label"] == p["label"]:
            windows[-1]["to"] = p["period"]
            windows[-1]["periods"] += 1
        else:
            windows.append({"from": p["period"], "to": p["period"], "label": p["label"], "periods": 1})
    latest = next((p for p in reversed(periods) if p.get("label") is not None), None)
    return {
        "metric": metric,
        "metric_definition": METRIC_DEFINITIONS[metric],
        "window": window,
        "slope_per_period": overall,
        "mean": round(float(np.mean([v for _, v in present])), 4) if present else None,
        "latest": (
            {
                "period": latest["period"],
                "value": latest[METRICS[metric]],
                **{k: latest[k] for k in ("level", "slope", "label", "tendency", "label_text")},
            }
            if latest
            else None
        ),
        "windows": windows,
        "thresholds": trend.thresholds(),
        "scale": round(trend.label_scale(metric_values), 4),
    }


def _change_points(
    store: Store, periods: list[dict], key: str, side_a: Side, side_b: Side, theme: str | None
) -> list[dict[str, Any]]:
    present = [i for i, p in enumerate(periods) if p[key] is not None]
    series = [periods[i][key] for i in present]
    z = 2 * NormalDist().inv_cdf(0.5 + trend.BAND / 2)  # band width in standard errors
    # One standard error per value, aligned with it: the change-point cost weighs each
    # period by its precision (an index period with stories but no events has no band).
    errors = [
        (periods[i]["band_high"] - periods[i]["band_low"]) / z if periods[i]["band_low"] is not None else None
        for i in present
    ]
    breaks = trend.change_points(series, errors)
    out = []
    bounds = [0, *breaks, len(series)]
    for k, brk in enumerate(breaks):
        before = series[bounds[k] : brk]
        after = series[brk : bounds[k + 2]]
        level_before, level_after = float(np.mean(before)), float(np.mean(after))
        at = periods[present[brk]]
        # The events that drive the change: the strongest of the new segment's first periods.
        last_period = periods[present[min(brk + 1, len(series) - 1)]]
        with store.connect() as conn:
            drivers = queries.top_events(
                conn,
                [(side_a.codes, side_b.codes), (side_b.codes, side_a.codes)],
                since=date.fromisoformat(at["start"]),
                until=date.fromisoformat(last_period["end"]),
                theme=theme,
                order="conflict" if level_after < level_before else "cooperation",
            )
        out.append(
            {
                "date": at["start"],
                "period": at["period"],
                "level_before": round(level_before, 4),
                "level_after": round(level_after, 4),
                "change": round(level_after - level_before, 4),
                "direction": "escalation" if level_after < level_before else "thaw",
                "event_types": _event_type_shift(
                    [periods[i] for i in present[bounds[k] : brk]],
                    [periods[i] for i in present[brk : bounds[k + 2]]],
                ),
                "events": [event_dict(d) for d in drivers],
            }
        )
    return out


def _event_type_shift(before: list[dict], after: list[dict], top: int = 5) -> list[dict[str, Any]]:
    """Event types whose events per period changed most across the break."""

    def per_period(periods: list[dict]) -> Counter:
        total: Counter = Counter()
        for p in periods:
            total.update(p["by_event"])
        return Counter({k: v / max(len(periods), 1) for k, v in total.items()})

    b, a = per_period(before), per_period(after)
    shifts = [
        {"event": e, "before_per_period": round(b[e], 3), "after_per_period": round(a[e], 3)}
        for e in set(a) | set(b)
    ]
    shifts.sort(key=lambda s: (-abs(s["after_per_period"] - s["before_per_period"]), s["event"]))
    return shifts[:top]


def event_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "date": row["date"].isoformat() if hasattr(row["date"], "isoformat") else row["date"],
        "source": row["source_code"],
        "target": row["target_code"],
        "event": row["event"],
        "mode": row["mode"],
        "goldstein": row["goldstein"],
        "reports": row["report_count"],
        "themes": row["themes"] or [],
        "doc_id": row["doc_id"],
        "sentence_idx": row["sentence_idx"],
        "sentence": row["sentence"],
        "title": row["title"],
        "url": row["url"],
    }
