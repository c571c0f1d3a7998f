"""The dashboard's figures computed in Python: one scan of the summary rows,
arithmetic in NumPy (SQLite, which has no percentile aggregates)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from maturity.core.dashboard import BREAKDOWNS, Filters, Measure, RawStats, empty_levels
from maturity.core.questionnaire import Questionnaire
from maturity.models import ResultSummary
from maturity.services.dashboard.rows import base_statement, count_all_rounds, series


def _floats(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


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


def stats_in_numpy(
    connection: Any, centre_id: int, questionnaire: Questionnaire, filters: Filters
) -> RawStats:
    """SQLite: one scan of the summary rows, arithmetic in NumPy."""
    summary = ResultSummary.__table__.c
    columns = series(questionnaire)
    deltas = [f"delta_{i}" for i in range(1, len(questionnaire.dimensions) + 1)]
    names = [
        "organisation_id", "round", "answers", *BREAKDOWNS,
        *(name for _key, score, level in columns for name in (score, level)), *deltas,
    ]  # fmt: skip
    statement = base_statement([summary[name] for name in names], centre_id, filters)
    if not (filters.period_from or filters.period_to):
        # Without a period only the latest round counts: let the index do the work.
        statement = statement.where(summary.is_latest.is_(True))
    rows = connection.execute(statement.order_by(summary.organisation_id, summary.round)).all()
    if filters.period_from or filters.period_to:
        assessments = len(rows)
    else:
        # Every submitted round counts as an assessment, not only the latest.
        assessments = count_all_rounds(connection, centre_id, filters)
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
    for key, score_column, level_column in columns:
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
