"""Publication dates as sources write them: ISO stamps, bare years, compact 20080804, prose."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import dateparser

from dyadwatch.model import DatePrecision

YEAR_RE = re.compile(r"^\s*(\d{4})\s*$")
YEAR_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
COMPACT_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
# How far past "now" a publication date may lie before it is treated as a mistake
# (time zones and embargoed releases make a day or so normal).
FUTURE_TOLERANCE = timedelta(days=2)


class DateError(ValueError):
    pass


def parse_published(value: object, *, now: datetime | None = None) -> tuple[datetime, DatePrecision]:
    """Parse a publication date; times keep the source's local clock, without zone.

    Raises DateError for text that is not a date or a date in the future.
    """
    if isinstance(value, datetime):
        parsed, precision = value.replace(tzinfo=None), "day"
    elif isinstance(value, int | float) and 1e8 < value < 1e11:
        parsed, precision = datetime.utcfromtimestamp(value), "day"
    else:
        text = str(value).strip()
        if not text:
            raise DateError("empty date")
        parsed, precision = _parse_text(text)
    if parsed > (now or datetime.now()) + FUTURE_TOLERANCE:
        raise DateError(f"date {parsed.date().isoformat()} is in the future")
    return parsed, precision  # type: ignore[return-value]


def _parse_text(text: str) -> tuple[datetime, str]:
    if match := YEAR_RE.match(text):
        return datetime(int(match.group(1)), 1, 1), "year"
    if match := YEAR_MONTH_RE.match(text):
        return datetime(int(match.group(1)), int(match.group(2)), 1), "month"
    if match := COMPACT_RE.match(text):
        try:
            return datetime(*(int(g) for g in match.groups())), "day"
        except ValueError as exc:
            raise DateError(f"not a date: {text!r}") from exc
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None), "day"
    except ValueError:
        pass
    parsed = dateparser.parse(
        text, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
    )
    if parsed is None:
        raise DateError(f"not a date: {text[:60]!r}")
    return parsed.replace(tzinfo=None), "day"
