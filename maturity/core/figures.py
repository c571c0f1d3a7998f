"""Scores as the pages and the report print them, and what is said about them.

A 0–100 score is printed with one decimal. Whatever is said about printed scores is
read from the printed figures, so the words never contradict the numbers beside them:
a change between two rounds is the difference of the two printed scores (44.26 →
44.34 prints 44.3 → 44.3: unchanged, not "up 0.1"), and a score is at the peer
median when it prints as the median does.
"""

from __future__ import annotations

from dataclasses import dataclass


def shown(value: float) -> float:
    """A score as printed: one decimal."""
    return round(value, 1)


@dataclass(frozen=True)
class Change:
    """A score's change between two rounds, both figures as printed."""

    before: float
    after: float

    @property
    def delta(self) -> float:
        # Rounded again: a difference of one-decimal floats is not one (44.3 − 44.2 is
        # 0.0999… in binary).
        return shown(self.after - self.before)

    @property
    def direction(self) -> str:
        """'up', 'down' or 'same', by the printed change."""
        return "up" if self.delta > 0 else ("down" if self.delta < 0 else "same")

    @property
    def signed(self) -> str:
        """The printed change with its sign: "+0.1", "-2.0"; "0.0" when unchanged."""
        return "0.0" if self.delta == 0 else f"{self.delta:+.1f}"


def change_between(before: float, after: float) -> Change:
    """The change from ``before`` to ``after`` as printed (each rounded to one decimal)."""
    return Change(shown(before), shown(after))


def peer_place(score: float, quartiles: tuple[float, float, float]) -> str:
    """Where a score stands among peers with these quartiles (lower, median, upper),
    by the printed figures: 'top' (the upper quartile or above), 'above' the median,
    'at' it (it prints as the median does), 'below' it, or 'bottom' (under the lower
    quartile)."""
    own = shown(score)
    lower, median, upper = (shown(q) for q in quartiles)
    if own == median:
        return "at"
    if own >= upper:
        return "top"
    if own > median:
        return "above"
    return "below" if own >= lower else "bottom"
