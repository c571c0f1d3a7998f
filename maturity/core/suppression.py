"""k-anonymous tables with complementary suppression.

A cell (a group of organisations) with fewer than k members is not shown
(primary suppression). When a table also shows its total, one hidden cell could
be recovered by subtraction, so further cells are hidden (complementary
suppression) — the smallest first — until at least two cells are hidden and
together they hold at least k organisations. Every statistic of a hidden cell
is hidden with it. Empty cells hold nobody and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


def suppressed_cells(counts: Mapping[Key, int], k: int, *, total_shown: bool = True) -> set[Key]:
    """Which cells of a one-way table must be hidden."""
    if k < 1:
        raise ValueError("k must be at least 1")
    hidden = {key for key, n in counts.items() if 0 < n < k}
    if not hidden or not total_shown:
        return hidden
    candidates = sorted(
        (key for key, n in counts.items() if n > 0 and key not in hidden),
        key=lambda key: (counts[key], str(key)),
    )

    def protected() -> bool:
        return len(hidden) >= 2 and sum(counts[key] for key in hidden) >= k

    while not protected() and candidates:
        hidden.add(candidates.pop(0))
    if not protected():
        # Only when the whole table holds fewer than k: hide every cell (and the
        # caller must not show such a table at all; dashboards never do).
        hidden = {key for key, n in counts.items() if n > 0}
    return hidden


def group_shown(count: int, k: int) -> bool:
    """A whole group (the filtered set of organisations) is shown only with k or more."""
    return count >= k
