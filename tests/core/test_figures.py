"""Scores as printed (one decimal), and what is said about them read from the printed
figures: a change between rounds, and a score's place among its peers."""

from __future__ import annotations

import pytest

from maturity.core.figures import change_between, peer_place, shown
from maturity.core.releases.reading import standing


@pytest.mark.parametrize(
    ("before", "after", "delta", "direction", "signed"),
    [
        # Both print 44.3: unchanged, though the raw difference (0.08) rounds to 0.1.
        (44.26, 44.34, 0.0, "same", "0.0"),
        (44.34, 44.26, 0.0, "same", "0.0"),
        # 44.2 → 44.4: 0.2, though the raw difference (0.12) rounds to 0.1.
        (44.24, 44.36, 0.2, "up", "+0.2"),
        (44.36, 44.24, -0.2, "down", "-0.2"),
        # 44.3 − 44.2 is 0.0999… in binary: still 0.1.
        (44.2, 44.3, 0.1, "up", "+0.1"),
        (44.3, 44.2, -0.1, "down", "-0.1"),
        # A raw −0.04 prints as no change, never "-0.0".
        (20.0, 19.96, 0.0, "same", "0.0"),
        (20.0, 20.0, 0.0, "same", "0.0"),
        (21.05263157894737, 22.105263157894736, 1.0, "up", "+1.0"),
        (0.0, 100.0, 100.0, "up", "+100.0"),
    ],
)
def test_a_change_is_the_difference_of_the_printed_figures(
    before: float, after: float, delta: float, direction: str, signed: str
) -> None:
    moved = change_between(before, after)
    assert (moved.before, moved.after) == (shown(before), shown(after))
    assert moved.delta == delta
    assert moved.direction == direction
    assert moved.signed == signed


def test_shown_rounds_to_one_decimal_rather_than_truncating() -> None:
    assert shown(44.96) == 45.0
    assert shown(44.94) == 44.9
    assert shown(44.9) == 44.9
    assert shown(0.04) == 0.0


QUARTILES = (30.0, 45.0, 60.0)


@pytest.mark.parametrize(
    ("score", "place", "raw_quarter"),
    [
        (44.96, "at", 2),  # prints 45.0, the median: not "below" it
        (45.04, "at", 3),  # prints 45.0: not "above" it
        (45.0, "at", 3),
        (44.94, "below", 2),
        (45.06, "above", 3),
        (59.94, "above", 3),
        (59.96, "top", 3),  # prints 60.0, the upper quartile
        (60.0, "top", 4),
        (30.0, "below", 2),
        (29.96, "below", 1),  # prints 30.0, the lower quartile
        (29.94, "bottom", 1),
        (0.0, "bottom", 1),
        (100.0, "top", 4),
    ],
)
def test_a_score_s_place_among_peers_is_read_from_the_printed_figures(
    score: float, place: str, raw_quarter: int
) -> None:
    assert peer_place(score, QUARTILES) == place
    assert standing(score, QUARTILES).place(score) == place
    # The quarter read from the unrounded score, which the words no longer follow.
    assert standing(score, QUARTILES).quarter == raw_quarter


def test_quartiles_with_decimals_are_compared_as_printed() -> None:
    assert peer_place(44.96, (30.0, 45.04, 60.0)) == "at"  # both print 45.0
    assert peer_place(44.96, (30.0, 44.94, 60.0)) == "above"  # 45.0 against 44.9
    assert peer_place(44.9, (30.0, 44.94, 60.0)) == "at"
    assert peer_place(45.0, (45.0, 45.0, 45.0)) == "at"  # a cohort of one mind
