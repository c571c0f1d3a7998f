"""Comparing two assessment rounds.

Only questions whose id and six level statements are unchanged between the two
questionnaire versions are compared; the others are listed as left out, with why.
Dimension deltas are computed over those unchanged questions only, with the
scoring rule's weighted mean, so a reworded question cannot fake progress.
Outcome figures are compared where both questionnaires ask them in the same unit
and both rounds gave them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.figures import Change, change_between
from maturity.core.items import OutcomeItem
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

    @property
    def printed(self) -> Change:
        """The change as the results page and the report print it."""
        return change_between(self.earlier, self.later)


@dataclass(frozen=True)
class OutcomeDelta:
    """An outcome figure of both rounds (same id and unit in both questionnaires)."""

    outcome_id: str
    earlier: Decimal
    later: Decimal

    @property
    def delta(self) -> Decimal:
        return self.later - self.earlier


@dataclass(frozen=True)
class Comparison:
    dimensions: tuple[DimensionDelta, ...]
    questions: tuple[QuestionDelta, ...]
    left_out: tuple[tuple[str, LeftOutReason], ...]
    outcomes: tuple[OutcomeDelta, ...] = ()
    # Outcome ids of the later round that cannot be compared, with why.
    outcomes_left_out: tuple[tuple[str, OutcomeLeftOut], ...] = ()


class OutcomeLeftOut(enum.StrEnum):
    ONLY_IN_LATER = "only_in_later"  # the earlier questionnaire did not ask it
    UNIT_CHANGED = "unit_changed"
    NOT_GIVEN = "not_given"  # one of the rounds has no figure


def compare_outcomes(
    earlier_questionnaire: Questionnaire,
    earlier_values: Mapping[str, Decimal],
    later_questionnaire: Questionnaire,
    later_values: Mapping[str, Decimal],
) -> tuple[tuple[OutcomeDelta, ...], tuple[tuple[str, OutcomeLeftOut], ...]]:
    """Figures of both rounds whose id and unit are the same in both questionnaires."""
    earlier_items = {item.id: item for item in earlier_questionnaire.outcomes}
    deltas: list[OutcomeDelta] = []
    left_out: list[tuple[str, OutcomeLeftOut]] = []
    for item in later_questionnaire.outcomes:
        earlier = earlier_items.get(item.id)
        if earlier is None:
            left_out.append((item.id, OutcomeLeftOut.ONLY_IN_LATER))
        elif earlier.unit != item.unit:
            left_out.append((item.id, OutcomeLeftOut.UNIT_CHANGED))
        elif item.id not in earlier_values or item.id not in later_values:
            left_out.append((item.id, OutcomeLeftOut.NOT_GIVEN))
        else:
            deltas.append(OutcomeDelta(item.id, earlier_values[item.id], later_values[item.id]))
    return tuple(deltas), tuple(left_out)


def comparable(earlier: Question, later: Question) -> bool:
    """The same practice measured by the same six statements in the same dimension:
    its answers compare across rounds, and may carry over to a new round."""
    return earlier.levels == later.levels and earlier.dimension_id == later.dimension_id


def carry_over(
    earlier_questionnaire: Questionnaire,
    earlier_answers: Mapping[str, AnswerValue],
    later_questionnaire: Questionnaire,
) -> dict[str, AnswerValue]:
    """The earlier round's answers that a new round on the later questionnaire can
    start from: comparable questions only, "not applicable" only where still allowed."""
    carried: dict[str, AnswerValue] = {}
    for later in later_questionnaire.questions:
        value = earlier_answers.get(later.id)
        if value is None or not earlier_questionnaire.has_question(later.id):
            continue
        if not comparable(earlier_questionnaire.question(later.id), later):
            continue
        if value == NOT_APPLICABLE and not later.allow_na:
            continue
        carried[later.id] = value
    return carried


def left_out_reason(
    earlier_questionnaire: Questionnaire,
    earlier_answers: Mapping[str, AnswerValue],
    later: Question,
    later_answers: Mapping[str, AnswerValue],
) -> LeftOutReason | None:
    """Why a question of the later round is not compared with the earlier round, or
    None when it is (answered as scored in both, on comparable questions)."""
    if not earlier_questionnaire.has_question(later.id):
        return LeftOutReason.ONLY_IN_LATER
    if not comparable(earlier_questionnaire.question(later.id), later):
        return LeftOutReason.LEVELS_CHANGED
    before, after = earlier_answers.get(later.id), later_answers.get(later.id)
    if before is None or after is None or NOT_APPLICABLE in (before, after):
        return LeftOutReason.NOT_APPLICABLE
    return None


def compared_count(
    earlier_questionnaire: Questionnaire,
    earlier_answers: Mapping[str, AnswerValue],
    later_questionnaire: Questionnaire,
    later_answers: Mapping[str, AnswerValue],
) -> int:
    """How many questions ``compare`` compares for these rounds, without comparing
    them (no scores, no outcome figures)."""
    return sum(
        left_out_reason(earlier_questionnaire, earlier_answers, later, later_answers) is None
        for later in later_questionnaire.questions
    )


def compare(
    earlier_questionnaire: Questionnaire,
    earlier_answers: Mapping[str, AnswerValue],
    later_questionnaire: Questionnaire,
    later_answers: Mapping[str, AnswerValue],
    earlier_outcomes: Mapping[str, Decimal] | None = None,
    later_outcomes: Mapping[str, Decimal] | None = None,
) -> Comparison:
    """Both rounds' answers as scored (the profile's marks applied) and figures."""
    left_out: list[tuple[str, LeftOutReason]] = []
    questions: list[QuestionDelta] = []
    for question in earlier_questionnaire.questions:
        if not later_questionnaire.has_question(question.id):
            left_out.append((question.id, LeftOutReason.ONLY_IN_EARLIER))
    for later in later_questionnaire.questions:
        reason = left_out_reason(earlier_questionnaire, earlier_answers, later, later_answers)
        if reason is not None:
            left_out.append((later.id, reason))
            continue
        before, after = earlier_answers[later.id], later_answers[later.id]
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
    outcomes, outcomes_left_out = compare_outcomes(
        earlier_questionnaire, earlier_outcomes or {}, later_questionnaire, later_outcomes or {}
    )
    return Comparison(
        tuple(dimensions), tuple(questions), tuple(left_out), outcomes, outcomes_left_out
    )


@dataclass(frozen=True)
class RoundFigures:
    """One submitted round's outcome figures, with the questionnaire it was answered on."""

    round: int
    questionnaire: Questionnaire
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class OutcomeTrend:
    """An outcome figure over rounds: (round, value) for every round that gave it on a
    questionnaire asking it in the same unit, oldest first."""

    item: OutcomeItem
    points: tuple[tuple[int, Decimal], ...]

    @property
    def change(self) -> Decimal | None:
        """Change between the last two points, None with fewer than two."""
        if len(self.points) < 2:
            return None
        return self.points[-1][1] - self.points[-2][1]

    @property
    def improved(self) -> bool | None:
        """Whether the last change went the way the figure should move."""
        change = self.change
        if change is None or change == 0:
            return None
        return (change > 0) == (self.item.better == "higher")


def outcome_trends(
    questionnaire: Questionnaire, rounds: Iterable[RoundFigures]
) -> tuple[OutcomeTrend, ...]:
    """The trend of every outcome the questionnaire asks that some round gave, over
    ``rounds``; figures nobody gave are left out rather than shown as blanks."""
    ordered = sorted(rounds, key=lambda r: r.round)
    trends = []
    for item in questionnaire.outcomes:
        points = []
        for figures in ordered:
            asked = {o.id: o for o in figures.questionnaire.outcomes}.get(item.id)
            if asked is not None and asked.unit == item.unit and item.id in figures.values:
                points.append((figures.round, figures.values[item.id]))
        if points:
            trends.append(OutcomeTrend(item, tuple(points)))
    return tuple(trends)


def trend_rounds(trends: Iterable[OutcomeTrend]) -> list[int]:
    """The rounds that gave at least one of the figures, oldest first."""
    return sorted({r for trend in trends for r, _value in trend.points})
