"""Disclosure control of published aggregates: the cell-key method of statistical
agencies (the Australian Bureau of Statistics' TableBuilder, the UK ONS's Cantabular),
then thresholds of k.

**Record keys.** Every organisation carries a secret random record key, an integer
0 ≤ key < 2³², drawn once when it is created, stored with it and copied into its
result summaries; it is never shown and never exported (backups keep it). The record
keys are the only secret: the rules below are public.

**Cell keys.** The organisations behind one published figure form a cell; its cell key
is the sum of their record keys modulo 2³². It depends only on the set: the same
organisations give the same cell key however the query that reached them was shaped
(a section in one province, or that province within the section), and any other set,
even one organisation more or fewer, gives an unrelated key.

**Adjustments.** Each figure is adjusted by a deterministic function of its cell key
and of what the figure is (its *stream*: "count", "total:overall", "median:product_design", …):

- a count n is published as n + a, with a from the perturbation table below (rows by
  count, the cell key choosing the column): zero mean, at most ±2;
- a magnitude — the total behind a mean, a quartile — moves by a zero-mean adjustment
  uniform on [−D, D], where D is half of what one organisation can contribute
  (50 points for scores and changes of score, 2.5 for practice levels). A mean is the
  adjusted total divided by the true count, so its error is at most D / n: ±1.0 point
  for a group of 50 organisations, ±0.1 for 500; a quartile moves by at most D / n too.

The same set always gives the same figures, so repeating a query, or reaching the
same organisations another way, tells nothing new. The difference of two queries
that differ by one organisation carries the adjustments of both, which are
independent: a total's difference is off by 2D/3 on average (33 points for a score),
so one organisation's value cannot be read off two means.

**Thresholds.** A figure whose group holds fewer than k organisations is not
published, and neither is one whose published count falls under k: no count from 1
to k − 1 is ever shown ("fewer than 10"). Complementary suppression
(core.suppression) still hides further cells of a table with a total.
"""

from __future__ import annotations

import hashlib
import secrets
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

KEY_SPACE = 2**32
SCORE_BOUND = 50.0  # scores and changes of score (0-100 points): half of one record's range
LEVEL_BOUND = 2.5  # practice levels (0-5)

# The perturbation table of counts: for each count, the adjustments and their
# probabilities (each row has mean 0). A count of 0 stays 0 (nobody is in an empty
# cell); larger counts move by at most 2 with variance 0.8.
PERTURBATION_TABLE: dict[int, tuple[tuple[int, float], ...]] = {
    0: ((0, 1.0),),
    1: ((-1, 0.25), (0, 0.5), (1, 0.25)),
    2: ((-2, 0.05), (-1, 0.2), (0, 0.5), (1, 0.2), (2, 0.05)),
}


def new_record_key() -> int:
    """A fresh secret record key (cryptographically random)."""
    return secrets.randbelow(KEY_SPACE)


def cell_key(record_keys: int | Sequence[int]) -> int:
    """The cell key of a set: the sum of its record keys (or that sum), mod 2³²."""
    total = record_keys if isinstance(record_keys, int) else sum(record_keys)
    return total % KEY_SPACE


def uniform(key: int, stream: str) -> float:
    """A number in [0, 1) fixed by the cell key and the stream, and independent of it
    for any other key or stream (BLAKE2b as a keyed pseudo-random function)."""
    digest = hashlib.blake2b(f"{stream}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def count_adjustment(count: int, key: int) -> int:
    """The perturbation table's adjustment of a count in a cell with this key."""
    row = PERTURBATION_TABLE[min(count, max(PERTURBATION_TABLE))]
    boundaries: list[float] = []
    running = 0.0
    for _adjustment, probability in row:
        running += probability
        boundaries.append(running)
    index = min(bisect_right(boundaries, uniform(key, "count")), len(row) - 1)
    return row[index][0]


def magnitude_adjustment(key: int, stream: str, bound: float) -> float:
    """A zero-mean adjustment uniform on [−bound, bound]."""
    return (2 * uniform(key, stream) - 1) * bound


@dataclass(frozen=True)
class Cell:
    """The unpublished facts of one cell: how many organisations, the sum of their
    record keys, and the sum of a measured value over the ``measured`` of them that
    have one (by default all)."""

    count: int
    keys: int = 0
    total: float = 0.0
    measured: int | None = None

    @property
    def key(self) -> int:
        return cell_key(self.keys)

    @property
    def with_value(self) -> int:
        return self.count if self.measured is None else self.measured


def publish_count(cell: Cell, k: int) -> int | None:
    """The count as published, or None: fewer than k (true or published)."""
    if cell.count < k:
        return None
    published = cell.count + count_adjustment(cell.count, cell.key)
    return published if published >= k else None


def publish_mean(
    cell: Cell, stream: str, bound: float, low: float, high: float, k: int
) -> float | None:
    """The mean of the measured value, from the adjusted total; None under k."""
    if cell.with_value < k:
        return None
    mean = (cell.total + magnitude_adjustment(cell.key, f"total:{stream}", bound)) / cell.with_value
    return min(max(mean, low), high)


def publish_quantile(
    value: float, cell: Cell, stream: str, bound: float, low: float, high: float, k: int
) -> float | None:
    """A quartile or median moved by at most bound / n; None under k."""
    if cell.with_value < k:
        return None
    moved = value + magnitude_adjustment(cell.key, stream, bound) / cell.with_value
    return min(max(moved, low), high)
