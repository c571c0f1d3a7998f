from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.core.suppression import group_shown, suppressed_cells


def test_small_cells_are_hidden_and_protected_by_a_complement() -> None:
    counts = {"large": 40, "medium": 25, "small": 12, "micro": 3}
    # Primary: micro (3 < 10). Alone it could be recovered as total - others, so the
    # smallest other cell (small, 12) is hidden too: together 15 >= 10.
    assert suppressed_cells(counts, 10) == {"micro", "small"}


def test_only_complementary_suppression_protects_this_cell() -> None:
    # Without the complement, micro = 80 - (40 + 25 + 12) = 3 is recovered from the total.
    counts = {"large": 40, "medium": 25, "small": 12, "micro": 3}
    primary_only = {key for key, n in counts.items() if 0 < n < 10}
    shown = {key: n for key, n in counts.items() if key not in primary_only}
    assert sum(counts.values()) - sum(shown.values()) == 3  # the leak
    hidden = suppressed_cells(counts, 10)
    shown = {key: n for key, n in counts.items() if key not in hidden}
    assert sum(counts.values()) - sum(shown.values()) == 15  # only a group of 15 is known


def test_hidden_cells_together_reach_k() -> None:
    counts = {0: 2, 1: 3, 2: 30, 3: 30, 4: 1, 5: 0}
    hidden = suppressed_cells(counts, 10)
    assert {0, 1, 4} <= hidden and sum(counts[c] for c in hidden) >= 10
    assert 5 not in hidden  # an empty cell shows nobody


def test_no_complement_needed_without_a_total_and_nothing_to_hide() -> None:
    assert suppressed_cells({"a": 3, "b": 50}, 10, total_shown=False) == {"a"}
    assert suppressed_cells({"a": 10, "b": 50}, 10) == set()


def test_when_nothing_can_protect_everything_is_hidden() -> None:
    assert suppressed_cells({"a": 3, "b": 4}, 10) == {"a", "b"}


@given(
    st.dictionaries(st.integers(0, 9), st.integers(0, 60), min_size=1, max_size=8),
    st.integers(1, 15),
)
def test_no_hidden_cell_can_be_recovered(counts: dict[int, int], k: int) -> None:
    hidden = suppressed_cells(counts, k)
    shown = {c: n for c, n in counts.items() if c not in hidden}
    # Every small non-empty cell is hidden.
    assert all(c in hidden for c, n in counts.items() if 0 < n < k)
    if sum(counts.values()) < k:
        # Nothing can protect a table whose total is under k: every cell is hidden
        # (and the caller shows no such table at all).
        assert hidden == {c for c, n in counts.items() if n > 0}
    elif hidden:
        # From the total and the shown cells only the sum of the hidden ones follows,
        # and it is a group of at least k spread over at least two cells.
        remainder = sum(counts.values()) - sum(shown.values())
        assert remainder == sum(counts[c] for c in hidden)
        assert len(hidden) >= 2 and remainder >= k
        # No proper subset of hidden cells is determined by the shown numbers: for any
        # single hidden cell, another assignment of the remainder exists.
        for cell in hidden:
            others = [c for c in hidden if c != cell]
            assert any(counts[o] > 0 for o in others)
    assert not any(itertools.filterfalse(lambda c: c in counts, hidden))


def test_a_cell_of_one_organisation_is_hidden() -> None:
    assert suppressed_cells({"a": 1, "b": 20, "c": 30}, 10) == {"a", "b"}
    assert suppressed_cells({"a": 1, "b": 20}, 10, total_shown=False) == {"a"}


def test_hidden_cells_reaching_exactly_k_need_no_third() -> None:
    # 1 + 2 = 3 = k: protected as it is; hiding "c" too would over-suppress.
    assert suppressed_cells({"a": 1, "b": 2, "c": 5, "d": 6}, 3) == {"a", "b"}


def test_complement_ties_are_broken_by_the_cell_name_not_the_table_order() -> None:
    for counts in ({"b": 5, "a": 5, "c": 1}, {"a": 5, "b": 5, "c": 1}):
        assert suppressed_cells(counts, 3) == {"a", "c"}


def test_a_table_under_k_hides_every_cell_but_the_empty_ones() -> None:
    assert suppressed_cells({"a": 1, "b": 0}, 3) == {"a"}
    assert suppressed_cells({"a": 1, "b": 1}, 5) == {"a", "b"}


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match=r"^k must be at least 1$"):
        suppressed_cells({"a": 1}, 0)
    assert group_shown(10, 10) and not group_shown(9, 10)
