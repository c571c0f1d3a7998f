"""The cell-key method, worked by hand and by simulation of the attacks it must stop."""

from __future__ import annotations

import random
import statistics
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.core.disclosure import (
    KEY_SPACE,
    LEVEL_BOUND,
    PERTURBATION_TABLE,
    SCORE_BOUND,
    Cell,
    cell_key,
    count_adjustment,
    magnitude_adjustment,
    new_record_key,
    publish_count,
    publish_mean,
    publish_quantile,
    uniform,
)

K = 10


def test_the_perturbation_table_rows_are_distributions_with_mean_zero() -> None:
    for count, row in PERTURBATION_TABLE.items():
        probabilities = [Fraction(str(p)) for _a, p in row]
        assert sum(probabilities) == 1, count
        assert sum(a * p for (a, _p), p in zip(row, probabilities, strict=True)) == 0, count
        assert all(count + a >= 0 for a, _p in row), count


def test_a_cell_key_depends_only_on_the_set() -> None:
    keys = [new_record_key() for _ in range(50)]
    assert all(0 <= key < KEY_SPACE for key in keys)
    shuffled = random.Random(1).sample(keys, len(keys))
    assert cell_key(keys) == cell_key(shuffled) == cell_key(sum(keys))
    assert cell_key(keys) != cell_key(keys[:-1])  # one organisation fewer: another key
    assert cell_key([KEY_SPACE - 1, 1]) == 0  # modulo 2³²


def test_the_same_cell_always_gets_the_same_figures() -> None:
    cell = Cell(37, keys=123_456_789, total=1500.0)
    first = (publish_count(cell, K), publish_mean(cell, "overall", SCORE_BOUND, 0, 100, K))
    assert all(
        (publish_count(cell, K), publish_mean(cell, "overall", SCORE_BOUND, 0, 100, K)) == first
        for _ in range(5)
    )
    # Another statistic of the same cell gets an independent adjustment.
    assert magnitude_adjustment(cell.key, "total:overall", 1) != magnitude_adjustment(
        cell.key, "total:product_design", 1
    )


def test_adjustments_are_bounded_and_average_to_zero() -> None:
    keys = range(0, KEY_SPACE, KEY_SPACE // 20_000)
    counts = [count_adjustment(100, key) for key in keys]
    assert set(counts) <= {-2, -1, 0, 1, 2}
    assert abs(statistics.fmean(counts)) < 0.03
    assert statistics.pvariance(counts) == pytest.approx(0.8, abs=0.05)
    assert [count_adjustment(0, key) for key in range(100)] == [0] * 100
    magnitudes = [magnitude_adjustment(key, "total:x", SCORE_BOUND) for key in keys]
    assert max(map(abs, magnitudes)) <= SCORE_BOUND
    assert abs(statistics.fmean(magnitudes)) < 1.0
    assert all(0 <= uniform(key, "s") < 1 for key in range(1000))


@given(
    count=st.integers(0, 60),
    keys=st.integers(0, 2**40),
    k=st.integers(2, 15),
)
def test_no_count_from_1_to_k_minus_1_is_ever_published(count: int, keys: int, k: int) -> None:
    published = publish_count(Cell(count, keys), k)
    assert published is None or published >= k
    if published is not None:
        assert count >= k and abs(published - count) <= 2


@given(
    values=st.lists(st.floats(0, 100), min_size=1, max_size=300),
    keys=st.integers(0, 2**40),
)
def test_means_and_quantiles_move_by_at_most_the_bound_over_n(
    values: list[float], keys: int
) -> None:
    cell = Cell(len(values), keys, sum(values))
    mean = publish_mean(cell, "overall", SCORE_BOUND, 0, 100, K)
    median = publish_quantile(statistics.median(values), cell, "median:x", SCORE_BOUND, 0, 100, K)
    if len(values) < K:
        assert mean is None and median is None
        return
    assert mean is not None and median is not None
    assert abs(mean - statistics.fmean(values)) <= SCORE_BOUND / len(values) + 1e-9
    assert abs(median - statistics.median(values)) <= SCORE_BOUND / len(values) + 1e-9
    assert 0 <= mean <= 100


def simulate_differencing(targets: int, seed: int) -> tuple[float, float]:
    """Mean absolute errors of recovering one organisation's overall index and one
    practice level from two groups that differ by that organisation only."""
    rng = random.Random(seed)
    index_errors, level_errors = [], []
    while len(index_errors) < targets:
        size = rng.randint(K, 200)
        scores = [rng.uniform(10, 90) for _ in range(size)]
        levels = [rng.randint(0, 5) for _ in range(size)]
        keys = [rng.randrange(KEY_SPACE) for _ in range(size)]
        target_score, target_level, target_key = scores[0], levels[0], keys[0]
        with_target = Cell(size, sum(keys), sum(scores))
        without = Cell(size - 1, sum(keys) - target_key, sum(scores) - target_score)
        n1, n2 = publish_count(with_target, K), publish_count(without, K)
        m1 = publish_mean(with_target, "overall", SCORE_BOUND, 0, 100, K)
        m2 = publish_mean(without, "overall", SCORE_BOUND, 0, 100, K)
        if None in (n1, n2, m1, m2):
            continue
        index_errors.append(abs(n1 * m1 - n2 * m2 - target_score))  # type: ignore[operator]
        practice_with = Cell(size, sum(keys), float(sum(levels)))
        practice_without = Cell(size - 1, sum(keys) - target_key, float(sum(levels) - target_level))
        l1 = publish_mean(practice_with, "practice:q", LEVEL_BOUND, 0, 5, K)
        l2 = publish_mean(practice_without, "practice:q", LEVEL_BOUND, 0, 5, K)
        estimate = n1 * l1 - n2 * l2  # type: ignore[operator]
        level_errors.append(abs(estimate - target_level))
    return statistics.fmean(index_errors), statistics.fmean(level_errors)


def test_differencing_two_groups_recovers_neither_a_score_nor_a_level() -> None:
    index_error, level_error = simulate_differencing(500, seed=7)
    assert index_error >= 8, index_error
    assert level_error >= 0.5, level_error


def test_large_groups_stay_accurate() -> None:
    rng = random.Random(3)
    for size in (50, 80, 200, 1000):
        for _ in range(50):
            scores = [rng.uniform(0, 100) for _ in range(size)]
            cell = Cell(size, rng.randrange(2**40), sum(scores))
            mean = publish_mean(cell, "overall", SCORE_BOUND, 0, 100, K)
            count = publish_count(cell, K)
            assert mean is not None and abs(mean - statistics.fmean(scores)) <= 1.0
            assert count is not None and abs(count - size) <= 2
