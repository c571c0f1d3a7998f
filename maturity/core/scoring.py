"""Scoring, version 1: answers → dimension and overall scores and gated levels.

The rules are those of PRODUCT.md "Scoring, exactly". Arithmetic is exact
(fractions) so that the gate's "at least g" boundary never depends on
floating-point rounding; scores are handed out as floats at full precision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, AnswerValue, answer_problems
from maturity.core.questionnaire import LEVEL_VALUES, Questionnaire

SCORING_VERSION = "1"
MAX_LEVEL = max(LEVEL_VALUES)
POINTS_PER_LEVEL = 20

Answers = Mapping[str, AnswerValue]


def level_score(level: int) -> int:
    """A level on the 0-100 scale of scores (question score = 20 × value)."""
    return POINTS_PER_LEVEL * level


class InvalidAnswers(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def level_reached(reach: Sequence[Fraction | int], total: Fraction | int, gate: Fraction) -> int:
    """The level the gate allows: the largest n in 0..5 such that for every k in 1..n the
    weight share of answers with a value of k or more is at least the gate. ``reach[k]``
    is that weight (already summed), of ``total``. Shares fall as k rises, so the first k
    that misses the gate ends the climb. (Cross-multiplied: integer weights stay
    integers, which matters when a million rounds are scored.)"""
    level = 0
    for k in range(1, MAX_LEVEL + 1):
        if reach[k] * gate.denominator < gate.numerator * total:
            break
        level = k
    return level


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    assessed: bool
    score: float | None  # 0-100, full precision
    level: int | None


@dataclass(frozen=True)
class ScoreResult:
    scoring_version: str
    dimensions: Mapping[str, DimensionScore]
    overall_index: float | None
    overall_level: int | None

    def assessed(self) -> list[DimensionScore]:
        return [d for d in self.dimensions.values() if d.assessed]


def score(questionnaire: Questionnaire, answers: Answers) -> ScoreResult:
    # Answers as scored: the profile may have marked a question "not applicable".
    problems = answer_problems(questionnaire, answers, na_allowed=questionnaire.markable)
    if problems:
        raise InvalidAnswers(problems)

    # Exact arithmetic in integers: question weights in a common unit, one weight
    # histogram per dimension; fractions only where dimensions are combined.
    units = questionnaire.weight_units
    gate = questionnaire.gate
    dimension_scores: dict[str, DimensionScore] = {}
    index_numerator = Fraction(0)
    weight_total = Fraction(0)
    pooled_reach = [Fraction(0)] * (MAX_LEVEL + 1)
    for dimension in questionnaire.dimensions:
        histogram = [0] * (MAX_LEVEL + 1)
        for question in dimension.questions:
            value = answers[question.id]
            if value != NOT_APPLICABLE:
                histogram[int(value)] += units[question.id]
        total = sum(histogram)
        if total == 0:
            dimension_scores[dimension.id] = DimensionScore(dimension.id, False, None, None)
            continue
        numerator = sum(level_score(value) * weight for value, weight in enumerate(histogram))
        reach = _reach(histogram)
        level = level_reached(reach, total, gate)
        dimension_scores[dimension.id] = DimensionScore(
            dimension.id, True, numerator / total, level
        )
        index_numerator += dimension.weight * Fraction(numerator, total)
        weight_total += dimension.weight
        for k in range(1, MAX_LEVEL + 1):
            pooled_reach[k] += dimension.weight * Fraction(reach[k], total)

    if weight_total == 0:
        return ScoreResult(SCORING_VERSION, dimension_scores, None, None)
    overall_level = level_reached(pooled_reach, weight_total, gate)
    return ScoreResult(
        SCORING_VERSION,
        dimension_scores,
        float(index_numerator / weight_total),
        overall_level,
    )


def _reach(histogram: list[int]) -> list[int]:
    """reach[k]: the weight of answers with a value of k or more."""
    reach = [0] * (MAX_LEVEL + 2)
    for k in range(MAX_LEVEL, -1, -1):
        reach[k] = reach[k + 1] + histogram[k]
    return reach
