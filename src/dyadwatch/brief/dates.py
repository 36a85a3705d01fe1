"""Explicit and relative date mentions in a sentence, resolved against a reference date.

Used for "what to watch" (dates in the sources after the briefing's end) and for the
timeline-summarisation baseline. Deliberately regex-based: it runs over every sentence of
a document set in milliseconds, and only clear mentions count (no guessing of bare numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PATTERNS = [
    # 2026-02-05
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    # February 5, 2026 / Feb. 5 2026 / February 5th
    re.compile(
        r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    ),
    # 5 February 2026 / 5th of February
    re.compile(
        r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    ),
    # in February 2026 (month precision)
    re.compile(r"\b" + _MONTH + r"\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
]
_RELATIVE = re.compile(
    r"\b(?P<rel>today|tomorrow|yesterday|(?:(?P<dir>next|last|this|on)\s+)?(?P<weekday>"
    + "|".join(WEEKDAYS)
    + r"))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: date
    precision: str  # "day" | "month"
    relative: bool = False


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str, reference: date | None = None, *, relative: bool = True) -> list[DateMention]:
    """Date mentions in ``text``; a date without a year takes the year that puts it
    nearest the reference date (so within six months either side of it)."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else MONTHS[parts["month"].lower()]
            year = int(parts["year"]) if parts.get("year") else None
            day = int(parts["day"]) if parts.get("day") else None
            if year is None:
                if reference is None:
                    continue
                # The year that puts the date nearest the reference: "November 9" in a
                # January text is last November, "January 10" in late December is next month.
                options = [y for y in (reference.year - 1, reference.year, reference.year + 1)
                           if _make(y, month, day or 1)]
                if not options:
                    continue
                year = min(options, key=lambda y: abs((_make(y, month, day or 1) - reference).days))
            when = _make(year, month, day or 1)
            if when is None:
                continue
            taken.append((match.start(), match.end()))
            found.append(
                DateMention(match.start(), match.end(), match.group(0), when,
                            "day" if day else "month")
            )
    if relative and reference is not None:
        for match in _RELATIVE.finditer(text):
            if not free(match.start(), match.end()):
                continue
            word = match.group("rel").lower()
            if word == "today":
                when = reference
            elif word == "tomorrow":
                when = reference + timedelta(days=1)
            elif word == "yesterday":
                when = reference - timedelta(days=1)
            else:
                target = WEEKDAYS.index(match.group("weekday").lower())
                delta = target - reference.weekday()
                direction = (match.group("dir") or "").lower()
                if direction == "next":
                    when = reference + timedelta(days=(delta % 7) or 7)
                else:
                    # News usually reports the past: a bare weekday is the latest one.
                    when = reference - timedelta(days=(-delta) % 7)
            taken.append((match.start(), match.end()))
            found.append(DateMention(match.start(), match.end(), match.group(0), when, "day", True))
    found.sort(key=lambda mention: mention.start)
    return found
