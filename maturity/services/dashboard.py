"""Centre dashboards: aggregates over the latest results of the centre's organisations.

On SQLite one query reads the summary rows that match the filters and NumPy
computes every figure; on PostgreSQL the database aggregates them (two queries on
one snapshot). ``core.dashboard.present`` decides what may be shown; pages, charts,
exports and the API are all made from its result.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
from flask import current_app
from sqlalchemy import func, select, text

from maturity.core.dashboard import (
    BREAKDOWNS,
    Dashboard,
    Filters,
    Measure,
    RawStats,
    empty_levels,
    parse_filters,
    present,
)
from maturity.core.questionnaire import LEVEL_VALUES, Questionnaire
from maturity.extensions import db
from maturity.models import CentreRegistration, ResultSummary
from maturity.services import generation
from maturity.services.questionnaires import current_version, questionnaire_of


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


def _base_statement(columns: list[Any], centre_id: int, filters: Filters) -> Any:
    summary = ResultSummary.__table__.c
    registration = CentreRegistration.__table__.c
    statement = (
        select(*columns)
        .select_from(ResultSummary.__table__)
        .join(
            CentreRegistration.__table__,
            (registration.organisation_id == summary.organisation_id)
            & (registration.centre_id == centre_id),
        )
        .where(summary.questionnaire_version_id == filters.questionnaire_version_id)
    )
    return _filtered(statement, filters)


# The second query of each PostgreSQL dashboard runs here, beside the first.
_QUERY_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dashboard-query")
_CACHE: OrderedDict[tuple[Any, ...], Dashboard] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def cached_build(
    centre_id: int, questionnaire: Questionnaire, filters: Filters, min_cohort: int
) -> tuple[Dashboard, bool]:
    """The dashboard, from this process's cache while no submission, registration
    or import has changed the aggregates since it was computed (the aggregate
    generation says). Returns (dashboard, was_cached)."""
    key = (centre_id, questionnaire.content_hash, filters, min_cohort, generation.current())
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found, True
    dashboard = build(centre_id, questionnaire, filters, min_cohort)
    with _CACHE_LOCK:
        _CACHE[key] = dashboard
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return dashboard, False


@dataclass(frozen=True)
class CentreDashboard:
    questionnaire: Questionnaire
    filters: Filters
    dashboard: Dashboard
    ignored_filters: list[str]  # names of query parameters with unknown values


def centre_dashboard(centre_id: int, args: Mapping[str, str]) -> CentreDashboard:
    """The dashboard of a centre on the current questionnaire, filtered by query
    parameters (LookupError when no questionnaire is published)."""
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        raise LookupError("no questionnaire version is published")
    questionnaire = questionnaire_of(version)
    filters, problems = parse_filters(args, version.id)
    dashboard, _cached = cached_build(
        centre_id, questionnaire, filters, current_app.config["BENCHMARK_MIN_COHORT"]
    )
    return CentreDashboard(questionnaire, filters, dashboard, problems)


def build(
    centre_id: int, questionnaire: Questionnaire, filters: Filters, min_cohort: int
) -> Dashboard:
    if db.engine.dialect.name == "postgresql":
        raw = _stats_in_database(centre_id, questionnaire, filters)
    else:
        raw = _stats_in_numpy(db.session.connection(), centre_id, questionnaire, filters)
        db.session.commit()  # release the read transaction (on SQLite, the write lock)
    return present(raw, questionnaire, min_cohort)


def _series(questionnaire: Questionnaire) -> list[tuple[str, str, str]]:
    """(key, score column, level column) of the overall index and of each dimension,
    whose columns are numbered by the dimension's position."""
    return [("overall", "overall_index", "overall_level")] + [
        (d.id, f"score_{i}", f"level_{i}") for i, d in enumerate(questionnaire.dimensions, start=1)
    ]


def _quartiles(key: str, values: np.ndarray) -> Measure:
    present_values = values[~np.isnan(values)]
    if not len(present_values):
        return Measure(key, 0, math.nan, math.nan, math.nan, math.nan)
    q1, median, q3 = np.percentile(present_values, [25, 50, 75])
    return Measure(
        key,
        len(present_values),
        float(present_values.mean()),
        float(q1),
        float(median),
        float(q3),
    )


def _stats_in_numpy(
    connection: Any, centre_id: int, questionnaire: Questionnaire, filters: Filters
) -> RawStats:
    """SQLite: one scan of the summary rows, arithmetic in NumPy."""
    summary = ResultSummary.__table__.c
    series = _series(questionnaire)
    deltas = [f"delta_{i}" for i in range(1, len(questionnaire.dimensions) + 1)]
    names = [
        "organisation_id", "round", "answers", *BREAKDOWNS,
        *(name for _key, score, level in series for name in (score, level)), *deltas,
    ]  # fmt: skip
    statement = _base_statement([summary[name] for name in names], centre_id, filters)
    if not (filters.period_from or filters.period_to):
        # Without a period only the latest round counts: let the index do the work.
        statement = statement.where(summary.is_latest.is_(True))
    rows = connection.execute(statement.order_by(summary.organisation_id, summary.round)).all()
    if filters.period_from or filters.period_to:
        assessments = len(rows)
    else:
        # Every submitted round counts as an assessment, not only the latest.
        assessments = _count_all_rounds(connection, centre_id, filters)
    if rows:
        # The latest round in the period of each organisation (rows are ordered).
        organisation_ids = np.fromiter(
            (r.organisation_id for r in rows), dtype=np.int64, count=len(rows)
        )
        last = np.append(organisation_ids[1:] != organisation_ids[:-1], True)
        latest = [row._mapping for row, keep in zip(rows, last, strict=True) if keep]
    else:
        latest = []

    measures: dict[str, Measure] = {}
    levels: dict[str, dict[int, int]] = {}
    for key, score_column, level_column in series:
        measures[key] = _quartiles(key, _floats([r[score_column] for r in latest]))
        counts = empty_levels()
        for row in latest:
            if row[level_column] is not None:
                counts[row[level_column]] += 1
        levels[key] = counts

    question_count = len(questionnaire.questions)
    if latest:
        packed = np.frombuffer("".join(r["answers"] for r in latest).encode("ascii"), np.uint8)
        grid = packed.reshape(len(latest), question_count).astype(np.int16) - ord("0")
        applicable = grid <= 5  # 'n' (not applicable) decodes far above 5
        answered = applicable.sum(axis=0)
        sums = np.where(applicable, grid, 0).sum(axis=0)
        practices = [(int(answered[i]), float(sums[i])) for i in range(question_count)]
    else:
        practices = [(0, 0.0)] * question_count

    progress: dict[str, tuple[int, float | None]] = {}
    for dimension, delta_column in zip(questionnaire.dimensions, deltas, strict=True):
        values = _floats([r[delta_column] for r in latest])
        present_values = values[~np.isnan(values)]
        progress[dimension.id] = (
            len(present_values),
            float(present_values.mean()) if len(present_values) else None,
        )

    breakdowns: dict[str, dict[str, tuple[int, float | None]]] = {}
    for by in BREAKDOWNS:
        groups: dict[str, list[float | None]] = {}
        for row in latest:
            groups.setdefault(row[by], []).append(row["overall_index"])
        breakdowns[by] = {
            value: (
                len(items),
                float(np.mean(scores)) if (scores := [s for s in items if s is not None]) else None,
            )
            for value, items in groups.items()
        }
    return RawStats(len(latest), assessments, measures, levels, practices, progress, breakdowns)


def _stats_in_database(centre_id: int, questionnaire: Questionnaire, filters: Filters) -> RawStats:
    """PostgreSQL: two aggregate queries over the summary rows, run at the same time
    on two connections that share one snapshot (so their figures agree exactly).

    The first computes the headline numbers (counts, means, quartiles); its ordered
    aggregates sort and cannot use parallel workers, so it occupies one core. The
    second, on another core, groups the latest rows by size, section and province
    and computes every additive figure per group (level counts, practice sums,
    deltas); totals are the sums of the groups. Every column is labelled, and the
    figures are read back by those labels."""
    params: dict[str, Any] = {"centre": centre_id, "version": filters.questionnaire_version_id}
    conditions = ["s.questionnaire_version_id = :version"]
    for column, name, value in (
        ("industry_section", "section", filters.industry_section),
        ("size_class", "size", filters.size_class),
        ("province_code", "province", filters.province_code),
        ("city_code", "city", filters.city_code),
    ):
        if value:
            conditions.append(f"s.{column} = :{name}")
            params[name] = value
    if filters.period_from:
        conditions.append("s.submitted_at >= :period_from")
        params["period_from"] = _day_start(filters.period_from)
    if filters.period_to:
        conditions.append("s.submitted_at < :period_to")
        params["period_to"] = _day_start(filters.period_to + timedelta(days=1))
    rows_in_filter = (
        "FROM result_summary s JOIN centre_registration r "
        "ON r.organisation_id = s.organisation_id AND r.centre_id = :centre "
        f"WHERE {' AND '.join(conditions)}"
    )
    series = _series(questionnaire)

    def measures(latest: str) -> str:
        only = f" FILTER (WHERE {latest})" if latest else ""
        return ", ".join(
            f"count(s.{score}){only} AS {score}_count, avg(s.{score}){only} AS {score}_mean, "
            f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY s.{score}){only} "
            f"AS {score}_quartiles"
            for _key, score, _level in series
        )

    # Additive figures, by label: summed over the groups they become the totals.
    additive = {"organisations": "count(*)", "scored": "count(s.overall_index)"}
    additive["overall_sum"] = "sum(s.overall_index)"
    for _key, _score, level_column in series:
        for level in LEVEL_VALUES:
            additive[f"{level_column}_is_{level}"] = (
                f"count(*) FILTER (WHERE s.{level_column} = {level})"
            )
    for position in range(1, len(questionnaire.questions) + 1):
        additive[f"answer_{position}_count"] = f"count(s.answer_{position})"
        additive[f"answer_{position}_sum"] = f"coalesce(sum(s.answer_{position}), 0)"
    for position in range(1, len(questionnaire.dimensions) + 1):
        additive[f"delta_{position}_count"] = f"count(s.delta_{position})"
        additive[f"delta_{position}_sum"] = f"sum(s.delta_{position})"
    columns = ", ".join(f"{expression} AS {label}" for label, expression in additive.items())
    groups = ", ".join(f"s.{by}" for by in BREAKDOWNS)
    if filters.period_from or filters.period_to:
        # The latest round within the period of each organisation.
        latest_rows = (
            f"FROM (SELECT DISTINCT ON (s.organisation_id) s.* {rows_in_filter} "
            "ORDER BY s.organisation_id, s.round DESC) AS s"
        )
        headline = (
            f"SELECT (SELECT count(*) {rows_in_filter}) AS assessments, "
            f"count(*) AS organisations, {measures('')} {latest_rows}"
        )
    else:
        latest_rows = f"{rows_in_filter} AND s.is_latest"
        headline = (
            "SELECT count(*) AS assessments, count(*) FILTER (WHERE s.is_latest) AS organisations, "
            f"{measures('s.is_latest')} {rows_in_filter}"
        )
    grouped = f"SELECT {groups}, {columns} {latest_rows} GROUP BY {groups}"
    figures, group_rows = _on_one_snapshot(text(headline), text(grouped), params)

    measured: dict[str, Measure] = {}
    for key, score, _level in series:
        quartiles = figures[f"{score}_quartiles"] or (None, None, None)
        mean = figures[f"{score}_mean"]
        measured[key] = Measure(
            key,
            int(figures[f"{score}_count"]),
            *(math.nan if v is None else float(v) for v in (mean, *quartiles)),
        )

    totals = dict.fromkeys(additive, 0.0)
    by_value: dict[str, dict[str, list[float]]] = {by: {} for by in BREAKDOWNS}
    for row in group_rows:
        values = {label: 0.0 if row[label] is None else float(row[label]) for label in additive}
        for label, value in values.items():
            totals[label] += value
        for by in BREAKDOWNS:
            entry = by_value[by].setdefault(row[by], [0.0, 0.0, 0.0])
            entry[0] += values["organisations"]
            entry[1] += values["scored"]
            entry[2] += values["overall_sum"]
    breakdowns = {
        by: {value: (int(n), (s / m) if m else None) for value, (n, m, s) in found.items()}
        for by, found in by_value.items()
    }
    levels = {
        key: {level: int(totals[f"{level_column}_is_{level}"]) for level in LEVEL_VALUES}
        for key, _score, level_column in series
    }
    practices = [
        (int(totals[f"answer_{position}_count"]), totals[f"answer_{position}_sum"])
        for position in range(1, len(questionnaire.questions) + 1)
    ]
    progress: dict[str, tuple[int, float | None]] = {}
    for position, dimension in enumerate(questionnaire.dimensions, start=1):
        count, total = int(totals[f"delta_{position}_count"]), totals[f"delta_{position}_sum"]
        progress[dimension.id] = (count, total / count if count else None)
    return RawStats(
        int(figures["organisations"]),
        int(figures["assessments"]),
        measured,
        levels,
        practices,
        progress,
        breakdowns,
    )


SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?")


def _on_one_snapshot(
    first: Any, second: Any, params: dict[str, Any]
) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    """Run two read-only queries at the same time on two connections that see the
    same snapshot (PostgreSQL's exported snapshots, as pg_dump's parallel mode)."""
    with (
        db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as leader,
        db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as follower,
    ):
        snapshot = leader.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        if not SNAPSHOT_ID.fullmatch(snapshot):
            raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
        follower.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
        # One process per query: parallel workers for the second would only compete
        # with the first for the same cores (measured: 290 ms instead of 230 ms at
        # 100,000 organisations on 2 cores), and a dashboard's load stays predictable.
        follower.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        pending = _QUERY_POOL.submit(lambda: follower.execute(second, params).mappings().all())
        try:
            headline = leader.execute(first, params).mappings().one()
        finally:
            grouped = pending.result()
        leader.rollback()
        follower.rollback()
    return headline, grouped
