"""Periods of centre aggregates: whole calendar quarters or years, never a day more
or less, so that two queries cannot differ by one organisation's submission day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Periods lie in this range; a date outside it is not understood (and never reaches
# date arithmetic that overflows at the end of year 9999).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
PERIOD_PATTERN = re.compile(r"^(20\d\d)(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def code(self) -> str:
        """``2026`` for a year, ``2026-Q3`` for a quarter, ``2025-Q2..2026-Q1`` otherwise."""
        whole_year = (self.first.month, self.first.day, self.last.month, self.last.day) == (
            1,
            1,
            12,
            31,
        )
        if whole_year and self.first.year == self.last.year:
            return str(self.first.year)
        start, end = quarter_of(self.first), quarter_of(self.last)
        return (
            _quarter_code(start)
            if start == end
            else f"{_quarter_code(start)}..{_quarter_code(end)}"
        )


def _quarter_code(period: Period) -> str:
    return f"{period.first.year}-Q{(period.first.month - 1) // 3 + 1}"


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    next_first = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(first, next_first - timedelta(days=1))


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


def parse_period(text: str) -> Period | None:
    """``2026`` or ``2026-Q3``; None for anything else."""
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        return None
    return year(int(match[1])) if match[2] is None else quarter(int(match[1]), int(match[2]))


def widened(first: date | None, last: date | None) -> Period | None:
    """From the first day of ``first``'s quarter to the last day of ``last``'s: any
    period asked for by days becomes whole quarters (open ends stay within the range)."""
    if first is None and last is None:
        return None
    return Period(
        quarter_of(first or FIRST_DAY).first,
        quarter_of(last or LAST_DAY).last,
    )


def offered(today: date, since: int = 2020) -> list[Period]:
    """Periods to choose from, newest first: each year, then its quarters up to today's."""
    periods = []
    for number in range(today.year, since - 1, -1):
        periods.append(year(number))
        last_quarter = (today.month - 1) // 3 + 1 if number == today.year else 4
        periods += [quarter(number, q) for q in range(last_quarter, 0, -1)]
    return periods
