"""The assessment: where the relationship stands and where it is moving, with the figures.

Counts come straight from the events being briefed (asserted, not negated: the events
that count in indices). The index series, its trend labels and change points come from
``dyadwatch.relations.dyad_series`` when it is available, so the briefing and
``dyadwatch dyad`` show the same numbers; without it a per-period mean Goldstein value
(net cooperation per event) is computed here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

QUAD_NAMES = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}


def counts(events: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Event and report counts, by quad class and by direction."""
    by_quad = Counter(QUAD_NAMES.get(e.get("quad_class"), "unclassified") for e in events)
    directions = Counter(f"{e['source']}->{e['target']}" for e in events)
    goldstein = [float(e["goldstein"]) for e in events if e.get("goldstein") is not None]
    return {
        "events": len(events),
        "reports": sum(e.get("report_count") or 1 for e in events),
        "by_quad_class": {name: by_quad.get(name, 0) for name in [*QUAD_NAMES.values(), "unclassified"]},
        "by_direction": dict(sorted(directions.items())),
        "goldstein_total": round(sum(goldstein), 2),
        "goldstein_mean": round(sum(goldstein) / len(goldstein), 3) if goldstein else None,
    }


def _period_key(day: date, freq: str) -> str:
    if freq == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if freq == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if freq == "year":
        return str(day.year)
    return f"{day.year}-{day.month:02d}"


def local_series(events: Sequence[dict[str, Any]], freq: str) -> list[dict[str, Any]]:
    """Per-period mean Goldstein value and counts: the fallback index."""
    buckets: dict[str, list[float]] = defaultdict(list)
    sizes: Counter[str] = Counter()
    for e in events:
        key = _period_key(e["date"], freq)
        sizes[key] += 1
        if e.get("goldstein") is not None:
            buckets[key].append(float(e["goldstein"]))
    return [
        {
            "period": key,
            "events": sizes[key],
            "index": round(sum(buckets[key]) / len(buckets[key]), 3) if buckets[key] else None,
        }
        for key in sorted(sizes)
    ]


def from_relations(store: Any, a: str, b: str, *, freq: str, since: date | None,
                   until: date | None) -> dict[str, Any] | None:
    """The relations series (periods with an index value, trend labels, change points).

    Returns None when the relations room cannot give one; the briefing then uses
    :func:`local_series`.
    """
    try:
        from dyadwatch.relations.series import dyad_series
    except ImportError:
        return None
    series = dyad_series(store, a, b, freq=freq, since=since, until=until)
    return series if isinstance(series, dict) else None


def _index_points(series: dict[str, Any]) -> list[dict[str, Any]]:
    """(period, value, label) of the metric the relations trend follows (tone or index)."""
    from dyadwatch.relations.series import METRICS

    metric = (series.get("trend") or {}).get("metric", "tone")
    field = METRICS.get(metric, metric)
    points = []
    for p in series.get("periods") or []:
        # A period without events has no value: keep the gap.
        value = p.get(field)
        points.append({"period": str(p["period"]),
                       "index": float(value) if isinstance(value, int | float) else None,
                       "events": p.get("events"),
                       "label": p.get("label")})
    return points


def _change_point(raw: Any) -> dict[str, Any]:
    """A relations change point with a short template description."""
    if not isinstance(raw, dict):
        return {"period": str(raw), "text": str(raw)}
    period = raw.get("period") or raw.get("date")
    change = raw.get("change")
    text = f"{raw.get('direction') or 'shift'} from {period}"
    before, after = raw.get("level_before"), raw.get("level_after")
    if isinstance(before, int | float) and isinstance(after, int | float):
        text += f" ({before:+.2f} → {after:+.2f})"
    elif isinstance(change, int | float):
        text += f" ({change:+.2f})"
    return {"period": period, "date": raw.get("date"), "change": change,
            "direction": raw.get("direction"), "text": text,
            "event_ids": [e.get("id") for e in raw.get("events") or [] if isinstance(e, dict)]}


def direction_of(values: Sequence[float]) -> str:
    """Improving / deteriorating / steady: the latest value against the mean of up to
    three before it, with a half-point dead band on the Goldstein scale."""
    if len(values) < 2:
        return "insufficient data"
    last = values[-1]
    before = values[-4:-1]
    delta = last - sum(before) / len(before)
    if delta > 0.5:
        return "improving"
    if delta < -0.5:
        return "deteriorating"
    return "steady"


def assess(
    events: Sequence[dict[str, Any]],
    *,
    names: dict[str, str],
    start: date | None,
    end: date | None,
    freq: str = "month",
    relations_series: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Figures and short template sentences describing the state and direction."""
    figures = counts(events)
    definition = None
    latest_label = None
    if relations_series is not None:
        points = _index_points(relations_series)
        change_points = [_change_point(c) for c in relations_series.get("change_points") or []]
        trend = relations_series.get("trend") or {}
        definition = trend.get("metric_definition")
        index_name = {"tone": "tone (mean Goldstein value per event)",
                      "index": "relations index (Goldstein per story)"}.get(trend.get("metric"), "relations index")
        latest = (relations_series.get("trend") or {}).get("latest") or {}
        # label_text keeps a sizable but unconfirmed move ("escalation (thin data)") that
        # the bare label would call "stable"; older series JSON has only the label.
        latest_label = (latest.get("label_text") or latest.get("label")) if isinstance(latest, dict) else None
        source = "relations"
    else:
        points = local_series(events, freq)
        change_points = []
        index_name = "net cooperation (mean Goldstein per event)"
        source = "brief"
    valued = [p for p in points if p.get("index") is not None]
    level = valued[-1]["index"] if valued else None
    previous = valued[-2]["index"] if len(valued) > 1 else None
    change = round(level - previous, 3) if level is not None and previous is not None else None
    direction = latest_label or direction_of([p["index"] for p in valued])
    a_name, b_name = names.get("a"), names.get("b")
    summary: list[str] = []
    if not events:
        summary.append(
            f"No events between {a_name} and {b_name} are stored"
            + (f" for {start} to {end}." if start and end else ".")
        )
    else:
        conflict = figures["by_quad_class"]["verbal_conflict"] + figures["by_quad_class"]["material_conflict"]
        share = round(100 * conflict / figures["events"])
        summary.append(
            f"{figures['events']} events ({figures['reports']} reports) between {a_name} and "
            f"{b_name} from {start} to {end}; {share}% of them conflictual."
        )
        if level is not None:
            text = f"The {index_name} stood at {level:+.2f} in {valued[-1]['period']}"
            if change is not None:
                text += f" (change {change:+.2f} from {valued[-2]['period']})"
            summary.append(text + f"; direction: {direction}.")
        if change_points:
            summary.append("Change points: " + "; ".join(c["text"] for c in change_points) + ".")
    return {
        "summary": summary,
        "direction": direction,
        "index": {
            "name": index_name,
            "definition": definition,
            "freq": freq,
            "level": level,
            "previous": previous,
            "change": change,
            "period": valued[-1]["period"] if valued else None,
            "series": points,
            "source": source,
        },
        "change_points": change_points,
        **figures,
    }


def fallback_svg(points: Sequence[dict[str, Any]], *, width: int = 640, height: int = 180) -> str:
    """A plain SVG line of the index, used only when the relations chart is unavailable."""
    values = [(i, p["index"]) for i, p in enumerate(points) if p.get("index") is not None]
    if not values:
        return ""
    pad = 28
    lo = min(min(v for _, v in values), 0.0)
    hi = max(max(v for _, v in values), 0.0)
    span = (hi - lo) or 1.0
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return (pad + (width - 2 * pad) * i / n, pad + (height - 2 * pad) * (hi - v) / span)

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in values))
    zero_y = xy(0, 0.0)[1]
    first, last = points[0]["period"], points[-1]["period"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="index over time">'
        f'<line x1="{pad}" y1="{zero_y:.1f}" x2="{width - pad}" y2="{zero_y:.1f}" stroke="#999" '
        f'stroke-dasharray="4 3"/>'
        f'<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="{path}"/>'
        f'<text x="{pad}" y="{height - 6}" font-size="11">{first}</text>'
        f'<text x="{width - pad}" y="{height - 6}" font-size="11" text-anchor="end">{last}</text>'
        f'<text x="4" y="{pad - 8}" font-size="11">{hi:+.1f}</text>'
        f'<text x="4" y="{height - pad + 12}" font-size="11">{lo:+.1f}</text>'
        "</svg>"
    )
