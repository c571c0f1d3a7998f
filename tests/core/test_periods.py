"""Whole quarters and years: what a period filter can ask for."""

from __future__ import annotations

from datetime import date

from maturity.core.periods import Period, offered, parse_period, quarter, quarter_of, widened, year


def test_periods_by_code() -> None:
    assert parse_period("2026") == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert parse_period("2026-Q1") == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert parse_period(" 2024-Q4 ") == Period(date(2024, 10, 1), date(2024, 12, 31))
    for bad in ("2026-Q5", "1999", "2100", "26", "2026Q1", "", "2026-q1"):
        assert parse_period(bad) is None, bad
    assert [p.code for p in (year(2026), quarter(2026, 3))] == ["2026", "2026-Q3"]


def test_days_are_widened_to_whole_quarters() -> None:
    # One day apart, the same quarter: the same period, so the same figures.
    assert widened(date(2026, 1, 1), date(2026, 11, 27)) == widened(
        date(2026, 1, 1), date(2026, 11, 26)
    )
    assert widened(date(2026, 2, 14), date(2026, 5, 1)) == Period(
        date(2026, 1, 1), date(2026, 6, 30)
    )
    assert widened(None, date(2026, 5, 1)) == Period(date(2000, 1, 1), date(2026, 6, 30))
    assert widened(date(2099, 12, 31), None) == Period(date(2099, 10, 1), date(2099, 12, 31))
    assert widened(None, None) is None
    assert widened(date(2025, 4, 1), date(2026, 3, 31)).code == "2025-Q2..2026-Q1"
    assert quarter_of(date(2026, 12, 31)) == quarter(2026, 4)


def test_the_periods_offered_run_to_the_current_quarter() -> None:
    codes = [p.code for p in offered(date(2026, 5, 10), since=2025)]
    assert codes == [
        "2026",
        "2026-Q2",
        "2026-Q1",
        "2025",
        "2025-Q4",
        "2025-Q3",
        "2025-Q2",
        "2025-Q1",
    ]


def test_a_bad_date_is_reported_even_beside_a_period() -> None:
    from maturity.core.dashboard import parse_filters

    filters, problems = parse_filters({"period": "2026-Q2", "from": "ñ…", "to": "2026-13-01"}, 1)
    assert problems == ["from", "to"]
    assert (filters.period_from, filters.period_to) == (date(2026, 4, 1), date(2026, 6, 30))
    assert parse_filters({"period": "2026-Q2", "from": "2026-01-05"}, 1)[1] == []
