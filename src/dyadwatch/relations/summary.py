"""What a dyad's relations are about: counted events per theme, each direction, top events."""

from __future__ import annotations

from datetime import date
from typing import Any

from dyadwatch.relations.series import QUAD_NAMES, check_request, event_dict, resolve_sides
from dyadwatch.relations.themes import taxonomy
from dyadwatch.store import Store
from dyadwatch.store import series as queries


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def _fold(rows: list[dict[str, Any]]) -> dict[str, Any]:
    quad = {name: 0 for name in QUAD_NAMES.values()}
    events = reports = goldstein_n = 0
    goldstein_sum = 0.0
    firsts, lasts = [], []
    for row in rows:
        events += int(row["n"])
        reports += int(row["reports"] or 0)
        goldstein_sum += float(row["goldstein_sum"] or 0.0)
        goldstein_n += int(row["goldstein_n"] or 0)
        if row["quad_class"] in QUAD_NAMES:
            quad[QUAD_NAMES[row["quad_class"]]] += int(row["n"])
        firsts.append(_iso(row["first"]))
        lasts.append(_iso(row["last"]))
    return {
        "events": events,
        "reports": reports,
        "goldstein_sum": round(goldstein_sum, 4),
        "goldstein_mean": round(goldstein_sum / goldstein_n, 4) if goldstein_n else None,
        "net_cooperation": quad["verbal_cooperation"] + quad["material_cooperation"]
        - quad["verbal_conflict"] - quad["material_conflict"],
        "quad": quad,
        "first": min((f for f in firsts if f), default=None),
        "last": max((v for v in lasts if v), default=None),
    }


def themes_summary(
    store: Store,
    a: str,
    b: str,
    *,
    since: date | None = None,
    until: date | None = None,
    top: int = 3,
) -> dict[str, Any]:
    """Counted events of the dyad per theme (an event may carry several), with top events.

    Shares are of the dyad's counted events, so they can add up to more than 1.
    """
    check_request("month", since, until, None)
    side_a, side_b = resolve_sides(a, b, store)
    ab, ba = (side_a.codes, side_b.codes), (side_b.codes, side_a.codes)
    window = {"since": since, "until": until}
    themes_out = []
    with store.connect() as conn:
        total = _fold(queries.theme_counts(conn, [ab, ba], theme=queries.ANY_THEME, **window))
        unthemed = _fold(queries.theme_counts(conn, [ab, ba], theme=None, **window))
        for theme in taxonomy().themes:
            both = _fold(queries.theme_counts(conn, [ab, ba], theme=theme.id, **window))
            if not both["events"]:
                continue
            a_to_b = _fold(queries.theme_counts(conn, [ab], theme=theme.id, **window))
            b_to_a = _fold(queries.theme_counts(conn, [ba], theme=theme.id, **window))
            tops = queries.top_events(conn, [ab, ba], theme=theme.id, order="reports", limit=top, **window)
            themes_out.append(
                {
                    "theme": theme.id,
                    "label": theme.label,
                    **both,
                    "a_to_b": a_to_b["events"],
                    "b_to_a": b_to_a["events"],
                    "top_events": [event_dict(row) for row in tops],
                }
            )
    for entry in themes_out:
        entry["share"] = round(entry["events"] / total["events"], 4) if total["events"] else None
    themes_out.sort(key=lambda t: (-t["events"], t["theme"]))
    return {
        "dyad": f"{side_a.name}-{side_b.name}",
        "a": side_a.as_dict(),
        "b": side_b.as_dict(),
        "since": _iso(since),
        "until": _iso(until),
        "events": total["events"],
        "unthemed": unthemed["events"],
        "themes": themes_out,
    }


#: The name in the cross-team interface list.
themes_of = themes_summary
