"""Which developments a briefing shows: sections by theme, and salience.

Salience weighs four things a reader cares about: how severe the event is (Goldstein
magnitude), how many independent sources report it, how recent it is within the window,
and how confident the coding is. Novelty is applied while choosing (an event too like one
already chosen is passed over), see :func:`choose`.
"""

from __future__ import annotations

import heapq
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

COOPERATION = {1, 2}
CONFLICT = {3, 4}


@dataclass(frozen=True)
class SectionRule:
    id: str
    title: str
    events: frozenset[str]
    themes: frozenset[str]
    quad_classes: frozenset[int]
    requires_conflict: bool = False
    requires_cooperation: bool = False


@lru_cache(maxsize=1)
def section_rules() -> tuple[SectionRule, ...]:
    """The sections of a briefing, in order, from ``brief/data/sections.yaml``."""
    raw = yaml.safe_load(
        resources.files("dyadwatch.brief").joinpath("data/sections.yaml").read_text("utf-8")
    )
    return tuple(
        SectionRule(
            id=str(item["id"]),
            title=str(item["title"]),
            events=frozenset(str(e).upper() for e in item.get("events") or ()),
            themes=frozenset(str(t) for t in item.get("themes") or ()),
            quad_classes=frozenset(int(q) for q in item.get("quad_classes") or ()),
            requires_conflict=bool(item.get("requires_conflict", False)),
            requires_cooperation=bool(item.get("requires_cooperation", False)),
        )
        for item in raw["sections"]
    )


@lru_cache(maxsize=1)
def _sections_by_event() -> dict[str, str]:
    """Event type -> first section naming it (the fast path for 100k events)."""
    found: dict[str, str] = {}
    for rule in section_rules():
        for kind in rule.events:
            found.setdefault(kind, rule.id)
    return found


def section_of(event: dict[str, Any], *, third_party: bool = False) -> str | None:
    """The section an event belongs to: event type first, then themes, then quad class."""
    if third_party:
        return "third_party"
    kind = (event.get("event") or "").upper()
    by_event = _sections_by_event()
    if kind in by_event:
        return by_event[kind]
    rules = section_rules()
    quad = event.get("quad_class")
    themes = set(themes_of(event))
    for rule in rules:
        if rule.id == "third_party" or not (themes & rule.themes):
            continue
        if rule.requires_conflict and quad not in CONFLICT:
            continue
        if rule.requires_cooperation and quad not in COOPERATION:
            continue
        return rule.id
    for rule in rules:
        if quad in rule.quad_classes:
            return rule.id
    return None


def themes_of(event: dict[str, Any]) -> list[str]:
    """The event's themes, whether loaded as a list or as raw JSON text."""
    if "themes" not in event:
        raw = event.get("themes_json")
        try:
            # SQLite hands back the JSON text; PostgreSQL's driver may already decode it.
            value = json.loads(raw) if isinstance(raw, str | bytes) else raw
            event["themes"] = [str(t) for t in value or []]
        except (TypeError, ValueError):
            event["themes"] = []
    return list(event["themes"] or [])


def salience(event: dict[str, Any], since: date, until: date) -> float:
    """A 0..1 score: severity, independent reports, recency, coding confidence.

    Severity is the Goldstein magnitude (/10); independent reports are the distinct
    documents, on a log scale saturating at 10; recency is the place in the window.
    """
    goldstein = event["goldstein"]
    if goldstein is None:
        goldstein = event.get("plover_score") or 3.0
    severity = abs(goldstein) / 10.0
    if severity > 1.0:
        severity = 1.0
    docs = event["doc_count"] or 1
    sources = _LOG_SOURCES[docs] if docs < len(_LOG_SOURCES) else 1.0
    span = (until - since).days or 1
    recency = (event["date"] - since).days / span
    recency = 0.0 if recency < 0 else 1.0 if recency > 1 else recency
    confidence = event["confidence"] or 0.0
    confidence = 0.0 if confidence < 0 else 1.0 if confidence > 1 else confidence
    return round(0.35 * severity + 0.30 * sources + 0.20 * recency + 0.15 * confidence, 6)


# log(1 + (docs - 1)) / log(10), capped at 1: one source 0, ten sources 1.
_LOG_SOURCES = [0.0] + [min(math.log(d) / math.log(10), 1.0) for d in range(1, 11)]


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2)


def similar(a: frozenset[str], b: frozenset[str], threshold: float = 0.6) -> bool:
    """Word overlap (Jaccard) high enough to call two quotes the same news."""
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= threshold


def choose(
    candidates: Sequence[dict[str, Any]],
    limit: int,
    *,
    text_of: Callable[[dict[str, Any]], str],
    taken: Iterable[frozenset[str]] = (),
) -> list[dict[str, Any]]:
    """Greedy pick by salience, skipping what repeats an earlier pick (novelty).

    An event is skipped when its quote is nearly the words of one already picked (the
    same news in another outlet's words, or two events coded from one sentence), or when
    the same actor did the same kind of thing to the same target in the same week.
    """
    chosen: list[dict[str, Any]] = []
    seen_words = list(taken)
    seen_keys: list[tuple[Any, ...]] = []
    for candidate in _by_salience(candidates, limit * 50):
        text = text_of(candidate)
        if not text:
            continue
        bag = words(text)
        if any(similar(bag, other) for other in seen_words):
            continue
        key = (candidate.get("source"), candidate.get("target"), candidate.get("event"))
        week = candidate["date"].toordinal() // 7
        if (key, week) in seen_keys:
            continue
        chosen.append(candidate)
        seen_words.append(bag)
        seen_keys.append((key, week))
        if len(chosen) >= limit:
            break
    return chosen


def _by_salience(candidates: Sequence[dict[str, Any]], head: int) -> Iterable[dict[str, Any]]:
    """Candidates by falling salience: the first ``head`` by partial sort, then the rest.

    Choosing rarely looks past the first few dozen, so a full sort of 100k is wasted.
    """
    def rank(c: dict[str, Any]) -> tuple[float, date, int]:
        return (-c["salience"], c["date"], c["id"])

    if len(candidates) <= head:
        yield from sorted(candidates, key=rank)
        return
    first = heapq.nsmallest(head, candidates, key=rank)
    yield from first
    taken = {id(c) for c in first}
    yield from sorted((c for c in candidates if id(c) not in taken), key=rank)
