"""Centre dashboards: aggregates over the latest results of the centre's organisations.

One query reads the summary rows that match the filters; NumPy computes every
figure; core.suppression decides what may be shown. Pages, charts and exports
are all made from the returned, already-suppressed tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from sqlalchemy import func, select

from maturity.core.questionnaire import Questionnaire
from maturity.core.suppression import group_shown, suppressed_cells
from maturity.extensions import db
from maturity.models import CentreRegistration, ResultSummary

WEAKEST_SHOWN = 5
LEVELS = range(6)


@dataclass(frozen=True)
class Filters:
    questionnaire_version_id: int
    industry_section: str | None = None
    size_class: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True)
class Measure:
    key: str  # "overall" or a dimension id
    count: int
    mean: float
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Distribution:
    key: str
    counts: dict[int, int | None]  # level → organisations; None = suppressed
    total: int


@dataclass(frozen=True)
class Practice:
    question_id: str
    dimension_id: str
    count: int
    mean: float


@dataclass(frozen=True)
class Progress:
    dimension_id: str
    count: int | None
    mean_delta: float | None


@dataclass(frozen=True)
class Breakdown:
    by: str  # "size_class", "industry_section" or "province_code"
    rows: list[tuple[str, int | None, float | None]]  # (value, organisations, mean overall)
    total: int


@dataclass
class Dashboard:
    min_cohort: int
    organisations: int
    assessments: int
    shown: bool
    measures: list[Measure] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    weakest: list[Practice] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _floats(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _filtered(statement: Any, filters: Filters) -> Any:
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
        statement = statement.where(summary.submitted_at >= _day_start(filters.period_from))
    if filters.period_to:
        statement = statement.where(
            summary.submitted_at < _day_start(filters.period_to + timedelta(days=1))
        )
    return statement


def _count_all_rounds(connection: Any, centre_id: int, filters: Filters) -> int:
    summary = ResultSummary.__table__.c
    registration = CentreRegistration.__table__.c
    statement = (
        select(func.count())
        .select_from(ResultSummary.__table__)
        .join(
            CentreRegistration.__table__,
            (registration.organisation_id == summary.organisation_id)
            & (registration.centre_id == centre_id),
        )
        .where(summary.questionnaire_version_id == filters.questionnaire_version_id)
    )
    return int(connection.execute(_filtered(statement, filters)).scalar_one())


def build(
    centre_id: int, questionnaire: Questionnaire, filters: Filters, min_cohort: int
) -> Dashboard:
    dimension_count = len(questionnaire.dimensions)
    summary = ResultSummary.__table__.c  # Core columns: plain rows, no ORM per-row work
    registration = CentreRegistration.__table__.c
    columns = [
        summary.organisation_id,
        summary.round,
        summary.industry_section,
        summary.size_class,
        summary.province_code,
        summary.overall_index,
        summary.overall_level,
        summary.answers,
        *(summary[f"score_{i}"] for i in range(1, dimension_count + 1)),
        *(summary[f"level_{i}"] for i in range(1, dimension_count + 1)),
        *(summary[f"delta_{i}"] for i in range(1, dimension_count + 1)),
    ]
    statement = (
        select(*columns)
        .join(
            CentreRegistration.__table__,
            (registration.organisation_id == summary.organisation_id)
            & (registration.centre_id == centre_id),
        )
        .where(summary.questionnaire_version_id == filters.questionnaire_version_id)
    )
    statement = _filtered(statement, filters)
    if not (filters.period_from or filters.period_to):
        # Without a period only the latest round counts: let the index do the work.
        statement = statement.where(summary.is_latest.is_(True))
    connection = db.session.connection()
    rows = connection.execute(statement.order_by(summary.organisation_id, summary.round)).all()
    if filters.period_from or filters.period_to:
        assessments = len(rows)
    else:
        # Every submitted round counts as an assessment, not only the latest.
        assessments = _count_all_rounds(connection, centre_id, filters)
    db.session.commit()  # release the read transaction before the arithmetic
    if rows:
        # The latest round in the period of each organisation (rows are ordered).
        organisation_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        last = np.append(organisation_ids[1:] != organisation_ids[:-1], True)
        latest = [row for row, keep in zip(rows, last, strict=True) if keep]
    else:
        latest = []
    dashboard = Dashboard(
        min_cohort, len(latest), assessments, group_shown(len(latest), min_cohort)
    )
    if not dashboard.shown:
        return dashboard

    base = 8
    overall = _floats([r[5] for r in latest])
    measures = [("overall", overall)]
    levels = [("overall", [r[6] for r in latest])]
    for position, dimension in enumerate(questionnaire.dimensions):
        measures.append((dimension.id, _floats([r[base + position] for r in latest])))
        levels.append((dimension.id, [r[base + dimension_count + position] for r in latest]))

    for key, values in measures:
        present = values[~np.isnan(values)]
        if group_shown(len(present), min_cohort):
            q1, median, q3 = np.percentile(present, [25, 50, 75])
            dashboard.measures.append(
                Measure(
                    key, len(present), float(present.mean()), float(q1), float(median), float(q3)
                )
            )

    for key, values in levels:
        counts = {level: 0 for level in LEVELS}
        for value in values:
            if value is not None:
                counts[value] += 1
        total = sum(counts.values())
        if not group_shown(total, min_cohort):
            continue
        hidden = suppressed_cells(counts, min_cohort)
        dashboard.distributions.append(
            Distribution(
                key, {lv: (None if lv in hidden else n) for lv, n in counts.items()}, total
            )
        )

    packed = np.frombuffer("".join(r[7] for r in latest).encode("ascii"), dtype=np.uint8)
    grid = packed.reshape(len(latest), len(questionnaire.questions)).astype(np.int16) - ord("0")
    applicable = grid <= 5  # 'n' (not applicable) decodes far above 5
    answered = applicable.sum(axis=0)
    sums = np.where(applicable, grid, 0).sum(axis=0)
    practices = [
        Practice(q.id, q.dimension_id, int(answered[i]), float(sums[i] / answered[i]))
        for i, q in enumerate(questionnaire.questions)
        if group_shown(int(answered[i]), min_cohort)
    ]
    dashboard.weakest = sorted(practices, key=lambda p: (p.mean, p.question_id))[:WEAKEST_SHOWN]

    for position, dimension in enumerate(questionnaire.dimensions):
        deltas = _floats([r[base + 2 * dimension_count + position] for r in latest])
        present = deltas[~np.isnan(deltas)]
        shown = group_shown(len(present), min_cohort)
        dashboard.progress.append(
            Progress(
                dimension.id,
                len(present) if shown else None,
                float(present.mean()) if shown else None,
            )
        )

    for by, index in (("size_class", 3), ("industry_section", 2), ("province_code", 4)):
        groups: dict[str, list[float]] = {}
        for row in latest:
            groups.setdefault(row[index], []).append(row[5])
        counts = {value: len(items) for value, items in groups.items()}
        hidden = suppressed_cells(counts, min_cohort)
        table = []
        for value in sorted(groups):
            if value in hidden:
                table.append((value, None, None))
            else:
                scores = [s for s in groups[value] if s is not None]
                table.append((value, counts[value], float(np.mean(scores)) if scores else None))
        dashboard.breakdowns.append(Breakdown(by, table, len(latest)))
    return dashboard
