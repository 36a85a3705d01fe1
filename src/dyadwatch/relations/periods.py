"""Calendar periods: day, ISO week, month, quarter, year — keys, bounds and ranges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

FREQS = ("day", "week", "month", "quarter", "year")


@dataclass(frozen=True, order=True)
class Period:
    """One period: ``key`` is what people read ("2022-02", "2022-Q1", "2022-W08")."""

    start: date
    end: date
    key: str


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_of(day: date, freq: str) -> Period:
    """The period of ``freq`` that contains ``day``."""
    if freq == "day":
        return Period(day, day, day.isoformat())
    if freq == "week":
        start = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(start, start + timedelta(days=6), f"{year}-W{week:02d}")
    if freq == "month":
        return Period(date(day.year, day.month, 1), _month_end(day.year, day.month), f"{day.year}-{day.month:02d}")
    if freq == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first_month = 3 * (quarter - 1) + 1
        return Period(
            date(day.year, first_month, 1),
            _month_end(day.year, first_month + 2),
            f"{day.year}-Q{quarter}",
        )
    if freq == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))
    raise ValueError(f"unknown frequency {freq!r}; use one of {', '.join(FREQS)}")


def periods_between(first: date, last: date, freq: str) -> Iterator[Period]:
    """Every period from the one holding ``first`` to the one holding ``last``."""
    period = period_of(first, freq)
    while period.start <= last:
        yield period
        period = period_of(period.end + timedelta(days=1), freq)


def key_date(key: str) -> date:
    """The first day named by a database grain key ('YYYY-MM-DD' or 'YYYY-MM')."""
    if len(key) == 7:
        return date(int(key[:4]), int(key[5:7]), 1)
    return date.fromisoformat(key[:10])
