"""Event dates: explicit and relative dates in a sentence, resolved against publication.

"in February 2025" -> 2025-02-01 (month), "on Wednesday" -> the Wednesday on or before
publication (day), "last week" -> publication minus 7 days (day), "in 2026" -> 2026-01-01
(year), "yesterday" -> publication minus 1 day.  Anything else: the publication date.
A cheap regular expression finds date-like phrases first; only those go to dateparser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # 5 March 2025 / March 5, 2025 / March 5
    (re.compile(rf"\b(\d{{1,2}}\s+(?:{MONTHS})\.?,?\s+\d{{4}})\b", re.I), "day"),
    (re.compile(rf"\b((?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b", re.I), "day"),
    (re.compile(r"\b(\d{4}-\d{2}-\d{2})\b"), "day"),
    (re.compile(rf"\b((?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)\b(?!\s*,?\s*\d)", re.I), "day"),
    (re.compile(rf"\b(\d{{1,2}}\s+(?:{MONTHS}))\b(?!\.?,?\s+\d)", re.I), "day"),
    # February 2025
    (re.compile(rf"\b((?:{MONTHS})\.?\s+\d{{4}})\b", re.I), "month"),
    # on Wednesday / last Friday / Friday
    (re.compile(rf"\b((?:last\s+|this\s+|on\s+)?(?:{WEEKDAYS}))\b", re.I), "day"),
    (re.compile(r"\b(yesterday|today|tonight|overnight)\b", re.I), "day"),
    (re.compile(r"\b((?:last|this|next|previous)\s+(?:week|month|year))\b", re.I), "rel"),
    # in February (no year)
    (re.compile(rf"\b(?:in|since|during|by|early|late|mid-?)\s+((?:{MONTHS}))\b", re.I), "month"),
    # in 2026
    (re.compile(r"\b(?:in|since|during|by|of|early|late)\s+((?:19|20)\d{2})\b", re.I), "year"),
]

_MONTH_WORDS = {m for m in MONTHS.split("|")}


def _parse(text: str, base: datetime) -> datetime | None:
    import dateparser

    return dateparser.parse(text, settings={
        "RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False}, languages=["en"])


@lru_cache(maxsize=4096)
def _resolve(phrase: str, kind: str, published: date) -> tuple[date, str] | None:
    base = datetime(published.year, published.month, published.day, 12)
    low = phrase.lower().strip()
    if low in {"today", "tonight"}:
        return published, "day"
    if low == "overnight":
        return published, "day"
    if low == "yesterday":
        return published - timedelta(days=1), "day"
    if kind == "rel":
        unit = low.split()[-1]
        which = low.split()[0]
        if which == "this":
            offset = 0
        elif which == "next":
            offset = 1
        else:
            offset = -1
        if unit == "week":
            return published + timedelta(days=7 * offset), "day"
        if unit == "month":
            month = published.month + offset
            year = published.year + (month - 1) // 12
            month = (month - 1) % 12 + 1
            return date(year, month, 1), "month"
        return date(published.year + offset, 1, 1), "year"
    if kind == "year":
        return date(int(low), 1, 1), "year"
    words = low.replace("on ", "").replace("last ", "").replace("this ", "").strip()
    if kind == "day" and words in WEEKDAYS.split("|"):
        # The most recent such weekday on or before publication (news reports the past).
        target = WEEKDAYS.split("|").index(words)
        delta = (published.weekday() - target) % 7
        if low.startswith("last ") and delta == 0:
            delta = 7
        return published - timedelta(days=delta), "day"
    if kind == "month" and words.rstrip(".") in _MONTH_WORDS:
        parsed = _parse(f"1 {words} {published.year}", base)
        if parsed is None:
            return None
        day = parsed.date()
        if day > published:  # "in December" written in March is last December
            day = date(day.year - 1, day.month, 1)
        return date(day.year, day.month, 1), "month"
    parsed = _parse(phrase, base)
    if parsed is None:
        return None
    day = parsed.date()
    if kind == "month":
        return date(day.year, day.month, 1), "month"
    return day, "day"


def event_date(sentence: str, published: date | None,
               allowed: Callable[[int, int], bool] | None = None) -> tuple[date | None, str]:
    """The date the sentence gives for its event, else the publication date ('day').

    ``allowed(start, end)`` (character offsets in ``sentence``) rejects date phrases that
    belong to another clause ("... after it expires on 5 February"): those date that
    clause's happening, not the event being coded.
    """
    if published is None:
        return None, "day"
    if isinstance(published, datetime):
        published = published.date()
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(sentence):
            if allowed is not None and not allowed(match.start(1), match.end(1)):
                continue
            try:
                resolved = _resolve(match.group(1), kind, published)
            except (ValueError, OverflowError):
                resolved = None
            if resolved is not None:
                return resolved
            break  # an unparseable phrase: fall through to the next pattern as before
    return published, "day"
