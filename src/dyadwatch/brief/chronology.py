"""The briefing's timeline: one line per distinct development, in date order.

A *story* is the same pair of actors (either direction) doing the same kind of thing
(same section). Reports of a story on consecutive days (a summit over three days, a week of
strikes) form one *run*; a run gives one line, dated by the event date of its most
salient event. So no story shows up on consecutive days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any


def story_key(event: dict[str, Any]) -> tuple[Any, ...]:
    # Unordered pair: a phone call reported as A→B one day and B→A the next, or a
    # prisoner exchange released in two halves, is one story.
    pair = tuple(sorted(str(code) for code in (event.get("source"), event.get("target"))))
    return (pair, event.get("section"))


def runs(events: Sequence[dict[str, Any]], *, gap_days: int = 1) -> list[list[dict[str, Any]]]:
    """Group events of one story whose dates are at most ``gap_days`` apart."""
    by_story: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        by_story[story_key(event)].append(event)
    grouped: list[list[dict[str, Any]]] = []
    for story in by_story.values():
        story.sort(key=lambda e: (e["date"], e["id"]))
        current = [story[0]]
        for event in story[1:]:
            if (event["date"] - current[-1]["date"]).days <= gap_days:
                current.append(event)
            else:
                grouped.append(current)
                current = [event]
        grouped.append(current)
    return grouped


def representatives(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The most salient event of each run, most salient run first."""
    best = [max(run, key=lambda e: (e["salience"], -e["id"])) for run in runs(events)]
    best.sort(key=lambda e: (-e["salience"], e["date"], e["id"]))
    return best


def no_consecutive_runs(lines: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a line whose story already has a line on the day before or after, or that
    repeats a same-day line from the same document.

    Runs are built over the candidates, so the first rule only matters when lines from
    different runs end up adjacent after novelty filtering; kept as a guard.
    """
    kept: list[dict[str, Any]] = []
    for line in sorted(lines, key=lambda e: (-e["salience"], e["date"], e["id"])):
        if any(
            story_key(other) == story_key(line) and abs((other["date"] - line["date"]).days) <= 1
            for other in kept
        ):
            continue
        # Two events from one document on one day are usually one development told twice
        # ("imposed costs ... including tariffs"): one line is enough.
        if any(other["date"] == line["date"] and _docs(other) & _docs(line) for other in kept):
            continue
        kept.append(line)
    return sorted(kept, key=lambda e: (e["date"], e["id"]))


def _docs(event: dict[str, Any]) -> set[int]:
    return {c["doc_id"] for c in event.get("citations") or []}
