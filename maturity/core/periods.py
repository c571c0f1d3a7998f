"""The periods releases are computed for: whole calendar quarters and years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_PATTERN = re.compile(r"^(20\d\d)(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def is_year(self) -> bool:
        return (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31)

    @property
    def code(self) -> str:
        """``2026`` for a year, ``2026-Q3`` for a quarter."""
        if self.is_year:
            return str(self.first.year)
        return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    next_first = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(first, next_first - timedelta(days=1))


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31))


def parse_period(text: str) -> Period | None:
    """``2026`` or ``2026-Q3`` (2000 to 2099); None for anything else."""
    match = PERIOD_PATTERN.match(text.strip())
    if match is None:
        return None
    return year(int(match[1])) if match[2] is None else quarter(int(match[1]), int(match[2]))
