"""What to watch: what the sources say is coming after the briefing's end date.

Four kinds, each cited:

* ``date``: a dated future occasion or deadline stated in a source ("New START expires on
  February 5, 2026") that falls after the end date;
* ``planned`` / ``conditional``: events coded with a future or conditional modality
  (announced visits, scheduled talks, offers on conditions);
* ``open demand``: a demand by one side the other has not (yet) met with an agreement
  or concession in the window;
* ``threshold``: the level of the index that would make a new high or low.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from dyadwatch.brief.dates import find_dates
from dyadwatch.brief.quotes import trim_quote
from dyadwatch.brief.select import similar, words

# Words that make a dated sentence about something to come worth watching by themselves
# (the occasion or deadline is named), and weaker ones (tense, scheduling) that count
# only when the sentence also names one of the dyad's actors.
_STRONG_CUES = re.compile(
    r"\b(expir(?:e[sd]?|y|ation)|deadline|ultimatum|treaty|summit|talks|negotiations?|"
    r"ceasefire|cease-fire|sanctions?|state visit|referendum|elections?|vote|withdrawal|"
    r"remains? in force|take[s]? effect|comes? into force)\b",
    re.IGNORECASE,
)
_WEAK_CUES = re.compile(
    r"\b(will|shall|would|due|scheduled|set to|plan(?:s|ned)?|upcoming|next|until|by|before|"
    r"extend(?:ed|s)?|visit|meeting|meet|deliver(?:y|ies)?)\b",
    re.IGNORECASE,
)


def names_pattern(names: set[str]) -> re.Pattern[str] | None:
    """A regex finding any of the names as whole words (None when there are none)."""
    names = {n.strip() for n in names if n and len(n.strip()) > 2}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


ANSWERS = {"AGREE", "CONCEDE", "RETREAT", "COOPERATE"}


def dated_mentions(
    doc_sentences: dict[int, list[dict[str, Any]]],
    published: dict[int, date | None],
    end: date,
    names: set[str] = frozenset(),
) -> list[dict[str, Any]]:
    """Sentences that name a date after ``end`` and speak of something to come.

    ``names`` are the ways the sources name the dyad's actors ("Russia", "the Kremlin",
    "Vladimir Putin"); a sentence with only a weak cue must name one of them.
    """
    found = []
    actor_names = names_pattern(set(names))
    for doc_id, rows in doc_sentences.items():
        reference = published.get(doc_id)
        for row in rows:
            text = row["text"]
            if not _STRONG_CUES.search(text) and not (
                _WEAK_CUES.search(text) and actor_names is not None and actor_names.search(text)
            ):
                continue
            mentions = [
                m for m in find_dates(text, reference)
                # After the briefing's end, and in the future of the source when it wrote.
                if m.date > end and (reference is None or m.date > reference)
                and not (m.relative and reference is None)
            ]  # fmt: skip
            if not mentions:
                continue
            first = mentions[0]
            focus = (first.start, first.end)
            found.append({
                "doc_id": doc_id, "sentence": row["idx"], "text": text,
                "quote": trim_quote(text, focus), "due": first.date,
                "due_precision": first.precision, "published": reference,
            })  # fmt: skip
    # Sooner deadlines and fresher sources first.
    found.sort(key=lambda f: (f["due"], -(f["published"] or date.min).toordinal(), f["doc_id"]))
    return found


def open_demands(events: Sequence[dict[str, Any]], end: date, *, days: int = 120) -> list[dict[str, Any]]:
    """REQUEST events in the last ``days`` of the window that the target has not answered."""
    answered_after: dict[tuple[str, str], date] = {}
    for e in events:
        if e["event"] in ANSWERS:
            key = (e["source"], e["target"])
            answered_after[key] = max(answered_after.get(key, date.min), e["date"])
    demands = []
    for e in events:
        if e["event"] != "REQUEST" or (end - e["date"]).days > days:
            continue
        reply = answered_after.get((e["target"], e["source"]))
        if reply is None or reply < e["date"]:
            demands.append(e)
    return demands


def threshold_item(assessment: dict[str, Any]) -> dict[str, Any] | None:
    """A sentence on the index level that would be a new low or high of the window."""
    index = assessment.get("index") or {}
    values = [p["index"] for p in index.get("series") or [] if p.get("index") is not None]
    if len(values) < 3 or index.get("level") is None:
        return None
    low, high = min(values[:-1]), max(values[:-1])
    level = index["level"]
    name = index.get("name") or "index"
    if level <= low:
        text = f"The {name} is at its lowest in the window ({level:+.2f}); another fall would extend the low."
    elif level >= high:
        text = f"The {name} is at its highest in the window ({level:+.2f}); another rise would extend the high."
    else:
        text = (f"The {name} is at {level:+.2f}; below {low:+.2f} would be a new low for the window, "
                f"above {high:+.2f} a new high.")
    return {"kind": "threshold", "text": text, "due": None}


#: At most this many items of each kind, so one noisy kind cannot crowd out the others.
KIND_CAPS = {"date": 4, "planned": 3, "conditional": 2, "open demand": 2, "threshold": 1}


def merge(items: Sequence[dict[str, Any]], limit: int,
          text_of: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """Drop repeats (same words), cap each kind, keep at most ``limit``; dated items first."""
    kept: list[dict[str, Any]] = []
    bags: list[frozenset[str]] = []
    per_kind: dict[str, int] = {}
    for item in items:
        kind = item.get("kind", "")
        if per_kind.get(kind, 0) >= KIND_CAPS.get(kind, limit):
            continue
        bag = words(text_of(item))
        if kind != "threshold" and any(similar(bag, other) for other in bags):
            continue
        kept.append(item)
        bags.append(bag)
        per_kind[kind] = per_kind.get(kind, 0) + 1
        if len(kept) >= limit:
            break
    return sorted(kept, key=lambda i: (i["due"] is None, i["due"] or date.max))


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value
