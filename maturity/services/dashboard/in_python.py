"""The dashboard's figures computed in Python: one scan of the summary rows,
arithmetic in NumPy (SQLite, which has no percentile aggregates)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import func

from maturity.core.dashboard import BREAKDOWNS, Filters, RawStats, Spread
from maturity.core.disclosure import Cell
from maturity.core.questionnaire import LEVEL_VALUES, Questionnaire
from maturity.models import ResultSummary
from maturity.services.dashboard.rows import base_statement, series


def _floats(values: list[float | None]) -> np.ndarray:
    return np.array([math.nan if v is None else v for v in values], dtype=float)


def _cell(mask: np.ndarray, keys: np.ndarray, values: np.ndarray | None = None) -> Cell:
    """The organisations where ``mask`` holds, with the sum of ``values`` over them."""
    count = int(mask.sum())
    total = float(values[mask].sum()) if values is not None and count else 0.0
    return Cell(count, int(keys[mask].sum()), total)


def _spread(values: np.ndarray, keys: np.ndarray) -> Spread:
    scored = ~np.isnan(values)
    cell = _cell(scored, keys, values)
    if not cell.count:
        return Spread(cell, math.nan, math.nan, math.nan)
    q1, median, q3 = np.percentile(values[scored], [25, 50, 75])
    return Spread(cell, float(q1), float(median), float(q3))


def _groups(
    values: list[str], keys: np.ndarray, overall: np.ndarray, scored: np.ndarray
) -> dict[str, Cell]:
    """One cell per distinct value: organisations, key sum, sum of the overall index."""
    if not values:
        return {}
    labels, group = np.unique(np.array(values, dtype=str), return_inverse=True)
    size = len(labels)
    key_sums = np.zeros(size, dtype=np.int64)
    np.add.at(key_sums, group, keys)
    counts = np.bincount(group, minlength=size)
    measured = np.bincount(group, weights=scored, minlength=size)
    totals = np.bincount(group, weights=np.where(scored, overall, 0.0), minlength=size)
    return {
        str(label): Cell(int(counts[i]), int(key_sums[i]), float(totals[i]), int(measured[i]))
        for i, label in enumerate(labels)
    }


def stats_in_numpy(
    connection: Any, centre_id: int, questionnaire: Questionnaire, filters: Filters
) -> RawStats:
    """SQLite: one scan of the summary rows, arithmetic in NumPy."""
    summary = ResultSummary.__table__.c
    columns = series(questionnaire)
    deltas = [f"delta_{i}" for i in range(1, len(questionnaire.dimensions) + 1)]
    changes = [f"outcome_change_{i}" for i in range(1, len(questionnaire.outcomes) + 1)]
    names = [
        "organisation_id", "round", "record_key", "answers", *BREAKDOWNS,
        *(name for _key, score, level in columns for name in (score, level)), *deltas, *changes,
    ]  # fmt: skip
    statement = base_statement([summary[name] for name in names], centre_id, filters)
    if not (filters.period_from or filters.period_to):
        # Without a period only the latest round counts: let the index do the work,
        # and count every submitted round separately.
        statement = statement.where(summary.is_latest.is_(True))
        rounds, round_keys = connection.execute(
            base_statement([func.count(), func.sum(summary.record_key)], centre_id, filters)
        ).one()
        assessments = Cell(int(rounds), int(round_keys or 0))
    rows = connection.execute(statement.order_by(summary.organisation_id, summary.round)).all()
    if filters.period_from or filters.period_to:
        # Every round in the period is an assessment; each organisation's latest counts.
        all_keys = np.fromiter((r.record_key for r in rows), dtype=np.int64, count=len(rows))
        assessments = Cell(len(rows), int(all_keys.sum()))
    if rows:
        organisation_ids = np.fromiter(
            (r.organisation_id for r in rows), dtype=np.int64, count=len(rows)
        )
        last = np.append(organisation_ids[1:] != organisation_ids[:-1], True)
        latest = [row._mapping for row, keep in zip(rows, last, strict=True) if keep]
    else:
        latest = []
    keys = np.fromiter((r["record_key"] for r in latest), dtype=np.int64, count=len(latest))
    everyone = np.ones(len(latest), dtype=bool)

    measures: dict[str, Spread] = {}
    levels: dict[str, dict[int, Cell]] = {}
    for key, score_column, level_column in columns:
        measures[key] = _spread(_floats([r[score_column] for r in latest]), keys)
        level_values = _floats([r[level_column] for r in latest])
        levels[key] = {level: _cell(level_values == level, keys) for level in LEVEL_VALUES}

    question_count = len(questionnaire.questions)
    if latest:
        packed = np.frombuffer("".join(r["answers"] for r in latest).encode("ascii"), np.uint8)
        grid = packed.reshape(len(latest), question_count).astype(np.int16) - ord("0")
        applicable = grid <= 5  # 'n' (not applicable) decodes far above 5
        practices = [
            _cell(applicable[:, i], keys, grid[:, i].astype(float)) for i in range(question_count)
        ]
    else:
        practices = [Cell(0)] * question_count

    progress: dict[str, Cell] = {}
    for dimension, delta_column in zip(questionnaire.dimensions, deltas, strict=True):
        values = _floats([r[delta_column] for r in latest])
        progress[dimension.id] = _cell(~np.isnan(values), keys, values)

    outcome_changes = []
    for change_column in changes:
        values = _floats([r[change_column] for r in latest])
        outcome_changes.append(_cell(~np.isnan(values), keys, values))

    overall = _floats([r["overall_index"] for r in latest])
    scored = ~np.isnan(overall)
    breakdowns = {by: _groups([r[by] for r in latest], keys, overall, scored) for by in BREAKDOWNS}
    return RawStats(
        _cell(everyone, keys),
        assessments,
        measures,
        levels,
        practices,
        progress,
        breakdowns,
        outcome_changes,
    )
