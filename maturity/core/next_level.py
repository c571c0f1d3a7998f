"""Why a dimension is at its level, and what is missing for the next one.

PRODUCT.md "Roadmap, exactly (version 2)", next level: for an assessed dimension
at level L < 5, n = L + 1; the candidates are its applicable questions answered
below n, by weight descending then position; ``needed`` is the smallest k such
that raising the first k candidates to n brings the weight share of answers at n
or above to the gate. Levels below n already meet the gate (the dimension is at
L), and raising answers only adds to their shares, so only level n decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE
from maturity.core.questionnaire import Questionnaire
from maturity.core.scoring import MAX_LEVEL, Answers, ScoreResult


@dataclass(frozen=True)
class NextLevel:
    level: int
    needed: int
    questions: tuple[str, ...]  # the first ``needed`` candidates
    candidates: tuple[str, ...]  # every applicable question below ``level``, in order
    share: float  # the weight share of answers at ``level`` or above now (0-1)

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "needed": self.needed, "questions": list(self.questions)}


def next_levels(
    questionnaire: Questionnaire, answers: Answers, scores: ScoreResult
) -> Mapping[str, NextLevel | None]:
    """Per assessed dimension: what its next level needs, or None at level 5."""
    units = questionnaire.weight_units
    found: dict[str, NextLevel | None] = {}
    for dimension in questionnaire.dimensions:
        result = scores.dimensions.get(dimension.id)
        if result is None or not result.assessed or result.level is None:
            continue
        if result.level >= MAX_LEVEL:
            found[dimension.id] = None
            continue
        target = result.level + 1
        applicable = [q for q in dimension.questions if answers[q.id] != NOT_APPLICABLE]
        total = sum(units[q.id] for q in applicable)
        reaching = sum(units[q.id] for q in applicable if int(answers[q.id]) >= target)
        candidates = sorted(
            (q for q in applicable if int(answers[q.id]) < target),
            key=lambda q: (-units[q.id], q.position),
        )
        gate = questionnaire.gate
        share = Fraction(reaching, total)
        needed = 0
        while Fraction(reaching, total) < gate:
            reaching += units[candidates[needed].id]
            needed += 1
        found[dimension.id] = NextLevel(
            level=target,
            needed=needed,
            questions=tuple(q.id for q in candidates[:needed]),
            candidates=tuple(q.id for q in candidates),
            share=float(share),
        )
    return found
