"""Reports vs events: when do two coded sentences describe the same development?

A *report* is one coded sentence; an *event* is the development that one or more
reports describe. Ten outlets covering one phone call give ten reports and one event,
so that indices count events, not reports.

This module holds only the rule (pure functions over plain values); the store runs the
queries (``dyadwatch.store.events.link_new_reports``). The rule, in order:

1. Same source code, target code (or both without target) and PLOVER type.
2. Same *stance*: negated reports never merge with affirmed ones, and future or
   hypothetical/conditional reports never merge with asserted ones (nor with each other).
3. Modes agree when both reports have one ("by phone" and "visited" are two events).
4. Same date precision, and dates close: for day precision within ``DAY_WINDOW`` days,
   or within ``STORY_WINDOW`` days when the reports come from the same story (near-dup
   documents) or use near-identical wording; month and year precision need equal dates.

Among several matching events the choice is deterministic: same story first, then
near-identical wording, then the nearest date, then the oldest event id.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

#: Reports of one development dated this many days apart still join (the coder falls
#: back to the publication date when a sentence has no date, and outlets publish a day
#: or two apart).
DAY_WINDOW = 2
#: Wider window for reports from the same story or with near-identical wording.
STORY_WINDOW = 7
#: Word-set Jaccard similarity from which two sentences count as the same wording.
SAME_WORDING = 0.7

# Modalities that may share an event. "reported" speech is still an assertion.
_STANCE_GROUPS: dict[str, tuple[str, ...]] = {
    "asserted": ("asserted", "reported"),
    "reported": ("asserted", "reported"),
    "future": ("future",),
    "hypothetical": ("hypothetical", "conditional"),
    "conditional": ("hypothetical", "conditional"),
}

_WORD = re.compile(r"\w+", re.UNICODE)


def same_stance_modalities(modality: str) -> tuple[str, ...]:
    """The modalities a report with ``modality`` may be merged with."""
    return _STANCE_GROUPS.get(modality, (modality,))


def date_range(day: date, precision: str) -> tuple[date, date]:
    """The widest range of event dates a report dated ``day`` could join."""
    if precision == "day":
        return day - timedelta(days=STORY_WINDOW), day + timedelta(days=STORY_WINDOW)
    return day, day


def words(text: str | None) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(text or ""))


def wording_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class ReportKey:
    """What linking needs to know about a new report."""

    doc_id: int
    story_id: int | None
    date: date
    date_precision: str
    mode: str | None
    words: frozenset[str]


@dataclass
class Candidate:
    """An existing event that passed the SQL filter (codes, type, stance, date range)."""

    event_id: int
    date: date
    date_precision: str
    modes: set[str | None] = field(default_factory=set)
    story_ids: set[int] = field(default_factory=set)
    wordings: list[frozenset[str]] = field(default_factory=list)


def _score(report: ReportKey, cand: Candidate) -> tuple | None:
    """A sort key (lower is better) when ``report`` can join ``cand``, else None."""
    if cand.date_precision != report.date_precision:
        return None
    # Modes must agree when both sides name one.
    if report.mode and any(m and m != report.mode for m in cand.modes):
        return None
    same_story = report.story_id is not None and report.story_id in cand.story_ids
    best_wording = max((wording_similarity(report.words, w) for w in cand.wordings), default=0.0)
    same_wording = best_wording >= SAME_WORDING
    gap = abs((cand.date - report.date).days)
    if report.date_precision == "day":
        limit = STORY_WINDOW if (same_story or same_wording) else DAY_WINDOW
        if gap > limit:
            return None
    elif gap:
        return None
    return (not same_story, not same_wording, gap, cand.event_id)


def choose_event(report: ReportKey, candidates: Sequence[Candidate]) -> int | None:
    """The id of the event ``report`` belongs to, or None when it is a new development."""
    scored = [(key, c.event_id) for c in candidates if (key := _score(report, c)) is not None]
    if not scored:
        return None
    return min(scored)[1]
