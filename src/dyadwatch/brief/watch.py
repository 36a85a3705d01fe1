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

# Words that mark a sentence as being about something to come (the date alone could be
# a date of birth or of a past treaty signing in a long sentence).
_CUES = re.compile(
    r"\b(will|shall|would|expire[sd]?|expiry|expiration|deadline|due|scheduled|set to|"
    r"plan(?:s|ned)?|upcoming|next|until|by|before|extend(?:ed|s)?|summit|talks|visit|"
    r"vote|meeting|meet|deliver(?:y|ies)?|ultimatum|remain in force|in effect|take effect)\b",
    re.IGNORECASE,
)
ANSWERS = {"AGREE", "CONCEDE", "RETREAT", "COOPERATE"}


def dated_mentions(
    doc_sentences: dict[int, list[dict[str, Any]]],
    published: dict[int, date | None],
    end: date,
) -> list[dict[str, Any]]:
    """Sentences that name a date after ``end`` and speak of something to come."""
    found = []
    for doc_id, rows in doc_sentences.items():
        reference = published.get(doc_id)
        for row in rows:
            text = row["text"]
            if not _CUES.search(text):
                continue
            mentions = [
                m for m in find_dates(text, reference)
                # A month-precision mention counts only when the whole month is after the end.
                if m.date > end and not (m.relative and reference is None)
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


def merge(items: Sequence[dict[str, Any]], limit: int,
          text_of: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """Drop repeats (same words) and keep at most ``limit``, dated items by due date first."""
    kept: list[dict[str, Any]] = []
    bags: list[frozenset[str]] = []
    for item in items:
        bag = words(text_of(item))
        if item.get("kind") != "threshold" and any(similar(bag, other) for other in bags):
            continue
        kept.append(item)
        bags.append(bag)
        if len(kept) >= limit:
            break
    return sorted(kept, key=lambda i: (i["due"] is None, i["due"] or date.max))


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value
