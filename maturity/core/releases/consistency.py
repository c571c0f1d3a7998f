"""Consistency of the breakdowns: one set of cells that adds up, by least squares.

The six partitions of a release measure the same organisations six ways: the
headline is the sum of the sections, of the sizes, of the section × size cells, of
the provinces; a section is the sum of its four section × size cells; a province
is the sum of its cities (and of its organisations without a city). Measured
separately, their noisy figures do not add up, and each wastes what the others know
about it.

Generalised least squares over the finest cells (section × size and city cells,
tied by one constraint: both add up to the same whole) finds the one consistent
set of cells closest to every measurement, each weighted by 1/σ² of its noise.
Every published count and sum of the six tables is read from it, so that:

- cells add up to their totals (before rounding and before hiding what is fewer
  than k);
- a section's figure also uses its four section × size cells, a province its
  cities: accuracy that costs no privacy (this is post-processing of noisy
  figures; it sees no record).

Counts and index sums are reconciled separately, each with its own noise scales.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from maturity.core.releases.aggregates import PARTITIONS, cells_of
from maturity.core.releases.records import Domain, FloatArray

Solver = tuple[FloatArray, FloatArray]  # (design matrix, KKT inverse)


@cache
def _design(domain: Domain) -> FloatArray:
    """Rows: every cell of every partition, in ``PARTITIONS`` order; columns: the
    section × size cells, then the city cells; 1 where a column adds into a row."""
    pairs, cities = len(domain.section_size_cells), len(domain.city_cells)
    sizes = len(domain.sizes)
    blocks: list[FloatArray] = []
    for table in PARTITIONS:
        block = np.zeros((cells_of(domain, table), pairs + cities))
        if table == "headline":
            block[0, :pairs] = 1
        elif table == "section":
            for section in range(len(domain.sections)):
                block[section, section * sizes : (section + 1) * sizes] = 1
        elif table == "size":
            for size in range(sizes):
                block[size, size:pairs:sizes] = 1
        elif table == "section_size":
            block[:, :pairs] = np.eye(pairs)
        elif table == "province":
            block[domain.city_province, pairs + np.arange(cities)] = 1
        elif table == "city":
            block[:, pairs:] = np.eye(cities)
        blocks.append(block)
    return np.vstack(blocks)


@cache
def _solver(domain: Domain, sigmas: tuple[float, ...]) -> Solver:
    design = _design(domain)
    pairs = len(domain.section_size_cells)
    weights = np.concatenate(
        [
            np.full(cells_of(domain, table), 1.0 / sigma**2)
            for table, sigma in zip(PARTITIONS, sigmas, strict=True)
        ]
    )
    unknowns = design.shape[1]
    # Both hierarchies add up to the same whole: Σ section × size = Σ cities.
    constraint = np.concatenate([np.ones(pairs), -np.ones(unknowns - pairs)])
    kkt = np.zeros((unknowns + 1, unknowns + 1))
    kkt[:unknowns, :unknowns] = design.T @ (design * weights[:, None])
    kkt[:unknowns, unknowns] = constraint
    kkt[unknowns, :unknowns] = constraint
    return design * weights[:, None], np.linalg.inv(kkt)


def reconcile(
    measured: Mapping[str, FloatArray], sigmas: Mapping[str, float], domain: Domain
) -> dict[str, FloatArray]:
    """The consistent cells of every partition (keys as in ``PARTITIONS``) from
    their noisy measurements and the σ of each table's noise."""
    weighted_design, inverse = _solver(domain, tuple(sigmas[table] for table in PARTITIONS))
    observed = np.concatenate([measured[table] for table in PARTITIONS])
    unknowns = weighted_design.shape[1]
    right = np.concatenate([weighted_design.T @ observed, [0.0]])
    finest = (inverse @ right)[:unknowns]
    fitted = _design(domain) @ finest
    out: dict[str, FloatArray] = {}
    start = 0
    for table in PARTITIONS:
        end = start + cells_of(domain, table)
        out[table] = fitted[start:end]
        start = end
    return out
