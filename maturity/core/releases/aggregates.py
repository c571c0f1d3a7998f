"""What a release measures: each table as an aggregation of the records (clamped,
turned into integers of a fixed unit, counted or summed per cell of its public
domain), and the list of them for a centre's and for the benchmark's release.

The noise and its accounting are ``mechanisms``'; nothing here is random."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from maturity.core.releases.records import LEVELS, Columns, Domain, FloatArray, IntArray, Shape

SCORE_UNIT = 0.01  # scores and indexes are measured in hundredths of a point
SCORE_CENTRE = 50.0  # and from the middle of 0..100, which halves one record's weight
SCORE_BOUND = 5000  # ±50 points, in hundredths
CHANGE_BOUND = 10000  # a change of score: ±100 points, in hundredths
PRACTICE_UNIT = 0.5  # practice levels in half levels from the middle (2.5): ±5
PRACTICE_BOUND = 5
OUTCOME_UNIT = 0.001  # outcome changes in thousandths of their change bound
OUTCOME_BOUND = 1000
ROUNDS_BOUND = 4  # rounds counted per organisation and period, at most

BREAKDOWNS = ("section", "size", "province", "city", "section_size")
PARTITIONS = ("headline", *BREAKDOWNS)  # the tables whose cells reconcile

Aggregate = Callable[[Columns], IntArray]


@dataclass(frozen=True)
class Spec:
    """One measured vector: ``cells`` entries, to each of which one record adds an
    integer in ``low..high`` (after clamping), to at most ``components`` of them;
    ``unit`` is what one integer step is worth in the figure's own unit."""

    name: str
    cells: int
    low: int
    high: int
    components: int
    unit: float
    aggregate: Aggregate = field(compare=False, repr=False)


# --- aggregations ------------------------------------------------------------------


def _counts(cells: IntArray, size: int) -> IntArray:
    return np.bincount(cells, minlength=size).astype(np.int64)


def _sums(cells: IntArray, values: IntArray, size: int) -> IntArray:
    # float64 holds every integer sum exactly below 2**53: far above a million
    # records of at most 10,000 units each.
    return np.rint(np.bincount(cells, weights=values, minlength=size)).astype(np.int64)


def _fixed(values: FloatArray, unit: float, low: int, high: int) -> IntArray:
    """Values in integer units, clamped; a missing value (nan) contributes 0."""
    scaled = np.clip(np.rint(np.nan_to_num(values / unit, nan=0.0)), low, high)
    return scaled.astype(np.int64)


def centred_scores(values: FloatArray) -> IntArray:
    return _fixed(values - SCORE_CENTRE, SCORE_UNIT, -SCORE_BOUND, SCORE_BOUND)


def partition(columns: Columns, table: str) -> tuple[IntArray, int]:
    """Each record's cell in a table, and the number of cells."""
    domain = columns.domain
    if table == "headline":
        return np.zeros(columns.n, dtype=np.int64), 1
    if table == "section":
        return columns.section, len(domain.sections)
    if table == "size":
        return columns.size, len(domain.sizes)
    if table == "province":
        return columns.province, len(domain.provinces)
    if table == "city":
        return columns.city, len(domain.city_cells)
    if table == "section_size":
        return columns.section * len(domain.sizes) + columns.size, len(domain.section_size_cells)
    raise KeyError(table)


def cells_of(domain: Domain, table: str) -> int:
    return {
        "headline": 1,
        "section": len(domain.sections),
        "size": len(domain.sizes),
        "province": len(domain.provinces),
        "city": len(domain.city_cells),
        "section_size": len(domain.section_size_cells),
    }[table]


def _partition_count(table: str, columns: Columns) -> IntArray:
    cells, size = partition(columns, table)
    return _counts(cells, size)


def _partition_index(table: str, columns: Columns) -> IntArray:
    cells, size = partition(columns, table)
    return _sums(cells, centred_scores(columns.index), size)


def _rounds(columns: Columns) -> IntArray:
    return np.array([np.clip(columns.rounds, 1, ROUNDS_BOUND).sum()], dtype=np.int64)


def _column_sums(values: IntArray) -> IntArray:
    return np.asarray(values.sum(axis=0), dtype=np.int64).reshape(-1)


def _present(values: FloatArray) -> IntArray:
    return np.asarray((~np.isnan(values)).sum(axis=0), dtype=np.int64).reshape(-1)


def _dimension_scores(columns: Columns) -> IntArray:
    return _column_sums(centred_scores(columns.scores))


def histogram_bins(values: FloatArray, width: int) -> IntArray:
    """The bin of each score (0..100 in bins of ``width``; 100 in the last bin)."""
    bins = 100 // width
    return np.clip(np.floor(np.nan_to_num(values) / width), 0, bins - 1).astype(np.int64)


def _histograms(width: int, columns: Columns) -> IntArray:
    """Overall index then each dimension: one histogram each, bins side by side."""
    bins = 100 // width
    measures = np.column_stack([columns.index, columns.scores])
    offsets = np.arange(measures.shape[1], dtype=np.int64) * bins
    cells = histogram_bins(measures, width) + offsets
    return _counts(cells[~np.isnan(measures)], measures.shape[1] * bins)


def _levels(columns: Columns) -> IntArray:
    levels = np.column_stack([columns.level, columns.levels])
    offsets = np.arange(levels.shape[1], dtype=np.int64) * LEVELS
    cells = np.clip(levels, 0, LEVELS - 1) + offsets
    return _counts(cells[levels >= 0], levels.shape[1] * LEVELS)


def _practices_answered(columns: Columns) -> IntArray:
    return np.asarray((columns.answers >= 0).sum(axis=0), dtype=np.int64).reshape(-1)


def _practices_level(columns: Columns) -> IntArray:
    answered = columns.answers >= 0
    centred = np.clip(2 * columns.answers - 5, -PRACTICE_BOUND, PRACTICE_BOUND)
    return _column_sums(np.where(answered, centred, 0))


def _changes(columns: Columns) -> FloatArray:
    return np.column_stack([columns.index_change, columns.dimension_changes])


def _progress_count(columns: Columns) -> IntArray:
    return _present(_changes(columns))


def _progress_change(columns: Columns) -> IntArray:
    fixed = _fixed(_changes(columns), SCORE_UNIT, -CHANGE_BOUND, CHANGE_BOUND)
    return _column_sums(fixed)


def _outcome_count(columns: Columns) -> IntArray:
    return _present(columns.outcome_changes)


def _outcome_change(columns: Columns) -> IntArray:
    bounds = np.array([o.change_bound for o in columns.shape.outcomes], dtype=np.float64)
    relative = columns.outcome_changes / bounds
    fixed = _fixed(relative, OUTCOME_UNIT, -OUTCOME_BOUND, OUTCOME_BOUND)
    return _column_sums(fixed)


def _verified_count(columns: Columns) -> IntArray:
    return np.array([int(columns.verified.sum())], dtype=np.int64)


def _verified_index(columns: Columns) -> IntArray:
    index = np.where(columns.verified, columns.verified_index, np.nan)
    return np.array([centred_scores(index).sum()], dtype=np.int64)


def centre_specs(shape: Shape, domain: Domain, histogram_width: int) -> list[Spec]:
    """The fixed set of vectors measured for one version of a centre's release."""
    dimensions, questions, outcomes = (
        len(shape.dimensions),
        len(shape.questions),
        len(shape.outcomes),
    )
    bins = 100 // histogram_width
    specs: list[Spec] = []
    for table in PARTITIONS:
        cells = cells_of(domain, table)
        specs += [
            Spec(f"{table}.count", cells, 0, 1, 1, 1.0, partial(_partition_count, table)),
            Spec(
                f"{table}.index",
                cells,
                -SCORE_BOUND,
                SCORE_BOUND,
                1,
                SCORE_UNIT,
                partial(_partition_index, table),
            ),
        ]
    specs += [
        Spec("headline.rounds", 1, 1, ROUNDS_BOUND, 1, 1.0, _rounds),
        Spec(
            "dimensions.count",
            dimensions,
            0,
            1,
            dimensions,
            1.0,
            lambda c: _present(c.scores),
        ),
        Spec(
            "dimensions.score",
            dimensions,
            -SCORE_BOUND,
            SCORE_BOUND,
            dimensions,
            SCORE_UNIT,
            _dimension_scores,
        ),
        Spec(
            "distributions",
            (1 + dimensions) * bins,
            0,
            1,
            1 + dimensions,
            1.0,
            partial(_histograms, histogram_width),
        ),
        Spec("levels", (1 + dimensions) * LEVELS, 0, 1, 1 + dimensions, 1.0, _levels),
        Spec("practices.count", questions, 0, 1, questions, 1.0, _practices_answered),
        Spec(
            "practices.level",
            questions,
            -PRACTICE_BOUND,
            PRACTICE_BOUND,
            questions,
            PRACTICE_UNIT,
            _practices_level,
        ),
        Spec("progress.count", 1 + dimensions, 0, 1, 1 + dimensions, 1.0, _progress_count),
        Spec(
            "progress.change",
            1 + dimensions,
            -CHANGE_BOUND,
            CHANGE_BOUND,
            1 + dimensions,
            SCORE_UNIT,
            _progress_change,
        ),
        Spec("verified.count", 1, 0, 1, 1, 1.0, _verified_count),
        Spec("verified.index", 1, -SCORE_BOUND, SCORE_BOUND, 1, SCORE_UNIT, _verified_index),
    ]
    if outcomes:
        specs += [
            Spec("outcomes.count", outcomes, 0, 1, outcomes, 1.0, _outcome_count),
            Spec(
                "outcomes.change",
                outcomes,
                -OUTCOME_BOUND,
                OUTCOME_BOUND,
                outcomes,
                OUTCOME_UNIT,
                _outcome_change,
            ),
        ]
    return specs


# --- the benchmark's cohorts -------------------------------------------------------

COHORT_SCOPES = ("section_size", "section", "all")


def cohort_cells(domain: Domain) -> int:
    return len(domain.section_size_cells) + len(domain.sections) + 1


def _cohorts(columns: Columns) -> IntArray:
    """Each record's three cohorts (its section and size, its section, all), as
    positions in the list of cohort cells: shape (n, 3)."""
    domain = columns.domain
    pairs = len(domain.section_size_cells)
    return np.column_stack(
        [
            columns.section * len(domain.sizes) + columns.size,
            pairs + columns.section,
            np.full(columns.n, pairs + len(domain.sections), dtype=np.int64),
        ]
    )


def _cohort_count(columns: Columns) -> IntArray:
    return _counts(_cohorts(columns).reshape(-1), cohort_cells(columns.domain))


def _cohort_index(width: int, columns: Columns) -> IntArray:
    bins = 100 // width
    cells = _cohorts(columns) * bins + histogram_bins(columns.index, width)[:, None]
    return _counts(cells.reshape(-1), cohort_cells(columns.domain) * bins)


def _cohort_dimensions(width: int, columns: Columns) -> IntArray:
    bins, dimensions = 100 // width, len(columns.shape.dimensions)
    cohorts = _cohorts(columns)  # (n, 3)
    dimension = np.arange(dimensions, dtype=np.int64)
    # (n, 3, dimensions): cohort-major, then dimension, then bin
    cells = (cohorts[:, :, None] * dimensions + dimension[None, None, :]) * bins
    cells = cells + histogram_bins(columns.scores, width)[:, None, :]
    assessed = np.broadcast_to(~np.isnan(columns.scores)[:, None, :], cells.shape)
    return _counts(cells[assessed], cohort_cells(columns.domain) * dimensions * bins)


def benchmark_specs(shape: Shape, domain: Domain, histogram_width: int) -> list[Spec]:
    """The vectors of one major version's benchmark: per cohort, its size and the
    histograms its members' positions are read against."""
    cohorts, dimensions = cohort_cells(domain), len(shape.dimensions)
    bins = 100 // histogram_width
    return [
        Spec("cohort.count", cohorts, 0, 1, len(COHORT_SCOPES), 1.0, _cohort_count),
        Spec(
            "cohort.index",
            cohorts * bins,
            0,
            1,
            len(COHORT_SCOPES),
            1.0,
            partial(_cohort_index, histogram_width),
        ),
        Spec(
            "cohort.dimensions",
            cohorts * dimensions * bins,
            0,
            1,
            len(COHORT_SCOPES) * dimensions,
            1.0,
            partial(_cohort_dimensions, histogram_width),
        ),
    ]


# --- OpenDP ------------------------------------------------------------------------
