"""Whole quarters and years: the periods releases are computed for."""

from __future__ import annotations

from datetime import date

from maturity.core.periods import Period, parse_period, quarter, quarter_of, year


def test_periods_by_code() -> None:
    assert parse_period("2026") == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert parse_period("2026-Q1") == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period(" 2024-Q4 ") == Period(date(2024, 10, 1), date(2024, 12, 31))
    for bad in ("2026-Q5", "1999", "2100", "26", "2026Q1", "", "2026-q1", "2025-Q2..2026-Q1"):
        assert parse_period(bad) is None, bad
    assert [p.code for p in (year(2026), quarter(2026, 3))] == ["2026", "2026-Q3"]
    assert year(2026).is_year and not quarter(2026, 4).is_year


def test_quarters_of_days() -> None:
    assert quarter_of(date(2026, 12, 31)) == quarter(2026, 4)
    assert quarter_of(date(2026, 4, 1)) == Period(date(2026, 4, 1), date(2026, 6, 30))
    assert quarter(2024, 1).last == date(2024, 3, 31)
    assert quarter_of(date(2024, 2, 29)) == quarter(2024, 1)
