"""Comparing two assessment rounds.

Only questions whose id and six level statements are unchanged between the two
questionnaire versions are compared; the others are listed as left out, with why.
Dimension deltas are computed over those unchanged questions only, with the
scoring rule's weighted mean, so a reworded question cannot fake progress.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.questionnaire import Question, Questionnaire
from maturity.core.scoring import level_score


class LeftOutReason(enum.StrEnum):
    ONLY_IN_EARLIER = "only_in_earlier"
    ONLY_IN_LATER = "only_in_later"
    LEVELS_CHANGED = "levels_changed"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class QuestionDelta:
    question_id: str
    dimension_id: str
    earlier: int
    later: int

    @property
    def delta(self) -> int:
        return self.later - self.earlier


@dataclass(frozen=True)
class DimensionDelta:
    dimension_id: str
    earlier: float
    later: float
    questions: int  # how many unchanged, applicable questions the scores rest on

    @property
    def delta(self) -> float:
        return self.later - self.earlier


@dataclass(frozen=True)
class Comparison:
    dimensions: tuple[DimensionDelta, ...]
    questions: tuple[QuestionDelta, ...]
    left_out: tuple[tuple[str, LeftOutReason], ...]


def _same_statements(a: Question, b: Question) -> bool:
    return a.levels == b.levels


def compare(
    earlier_questionnaire: Questionnaire,
    earlier_answers: Mapping[str, AnswerValue],
    later_questionnaire: Questionnaire,
    later_answers: Mapping[str, AnswerValue],
) -> Comparison:
    left_out: list[tuple[str, LeftOutReason]] = []
    questions: list[QuestionDelta] = []
    for question in earlier_questionnaire.questions:
        if not later_questionnaire.has_question(question.id):
            left_out.append((question.id, LeftOutReason.ONLY_IN_EARLIER))
    for later in later_questionnaire.questions:
        if not earlier_questionnaire.has_question(later.id):
            left_out.append((later.id, LeftOutReason.ONLY_IN_LATER))
            continue
        earlier = earlier_questionnaire.question(later.id)
        if not _same_statements(earlier, later) or earlier.dimension_id != later.dimension_id:
            left_out.append((later.id, LeftOutReason.LEVELS_CHANGED))
            continue
        before, after = earlier_answers.get(later.id), later_answers.get(later.id)
        if before is None or after is None or NOT_APPLICABLE in (before, after):
            left_out.append((later.id, LeftOutReason.NOT_APPLICABLE))
            continue
        questions.append(QuestionDelta(later.id, later.dimension_id, int(before), int(after)))

    dimensions = []
    for dimension in later_questionnaire.dimensions:
        compared = [q for q in questions if q.dimension_id == dimension.id]
        if not compared:
            continue

        def weighted(questionnaire: Questionnaire, values: list[tuple[str, int]]) -> float:
            weights = [(questionnaire.question(qid).weight, value) for qid, value in values]
            total = sum((w for w, _ in weights), Fraction(0))
            return float(sum((w * level_score(v) for w, v in weights), Fraction(0)) / total)

        dimensions.append(
            DimensionDelta(
                dimension.id,
                weighted(earlier_questionnaire, [(q.question_id, q.earlier) for q in compared]),
                weighted(later_questionnaire, [(q.question_id, q.later) for q in compared]),
                len(compared),
            )
        )
    return Comparison(tuple(dimensions), tuple(questions), tuple(left_out))
