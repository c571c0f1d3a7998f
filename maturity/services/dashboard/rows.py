"""The result summary's rows that a dashboard reads: filters as SQL, and the
summary's columns by meaning (``score_1`` is the questionnaire's first dimension)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from maturity.core.dashboard import Filters
from maturity.core.questionnaire import Questionnaire
from maturity.models import CentreRegistration, ResultSummary


def series(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(key, score column, level column) of the overall index and of each dimension,
    whose columns are numbered by the dimension's position."""
    return [("overall", "overall_index", "overall_level")] + [
        (d.id, f"score_{i}", f"level_{i}") for i, d in enumerate(questionnaire.dimensions, start=1)
    ]


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_after(day: date) -> datetime:
    return day_start(day + timedelta(days=1))


def filtered(statement: Any, filters: Filters) -> Any:
    summary = ResultSummary.__table__.c
    for column, value in (
        (summary.industry_section, filters.industry_section),
        (summary.size_class, filters.size_class),
        (summary.province_code, filters.province_code),
        (summary.city_code, filters.city_code),
    ):
        if value:
            statement = statement.where(column == value)
    if filters.period_from:
        statement = statement.where(summary.submitted_at >= day_start(filters.period_from))
    if filters.period_to:
        statement = statement.where(summary.submitted_at < day_after(filters.period_to))
    return statement


def base_statement(columns: list[Any], centre_id: int, filters: Filters) -> Any:
    summary = ResultSummary.__table__.c
    registration = CentreRegistration.__table__.c
    statement = (
        select(*columns)
        .select_from(ResultSummary.__table__)
        .join(
            CentreRegistration.__table__,
            (registration.organisation_id == summary.organisation_id)
            & (registration.centre_id == centre_id)
            & registration.accepted_at.is_not(None),  # a request counts nowhere yet
        )
        .where(summary.questionnaire_version_id == filters.questionnaire_version_id)
    )
    return filtered(statement, filters)
