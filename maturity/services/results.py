"""What a submitted round shows: its stored scores, answers, evaluation (scores plus
the roadmap for the current plan), peer benchmark and the comparison of rounds.

Read-only: nothing here changes an assessment (``assessments`` does that).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from maturity.core.answers import AnswerValue
from maturity.core.applicability import scored_answers
from maturity.core.comparison import (
    Comparison,
    OutcomeTrend,
    RoundFigures,
    compare,
    compared_count,
    outcome_trends,
)
from maturity.core.evaluation import Evaluation, evaluate_stored
from maturity.core.questionnaire import Questionnaire
from maturity.core.releases import (
    BenchmarkPosition,
    PublishedBenchmark,
    benchmark_position,
)
from maturity.core.roadmap_costs import facts_of
from maturity.core.scoring import DimensionScore, ScoreResult
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    ItemValue,
    Organisation,
)
from maturity.services import items, releases
from maturity.services.questionnaires import questionnaire_of


class NotSubmitted(LookupError):
    """The assessment has no stored result yet."""


def questionnaire_for(assessment: Assessment) -> Questionnaire:
    """The questionnaire version the assessment was answered on."""
    return questionnaire_of(assessment.questionnaire_version)


def answers_of(assessment: Assessment) -> dict[str, Answer]:
    """The answer rows by question id, with who gave each."""
    rows = db.session.scalars(
        select(Answer)
        .where(Answer.assessment_id == assessment.id)
        .options(selectinload(Answer.answered_by))
    )
    return {answer.question_id: answer for answer in rows}


def answer_values(assessment: Assessment) -> dict[str, AnswerValue]:
    """The answers as the core scores them: question id → level or "na"."""
    rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))
    return {row.question_id: row.answer_value for row in rows}


def profile_and_outcomes(
    assessment: Assessment, questionnaire: Questionnaire | None = None
) -> tuple[dict[str, str], dict[str, Decimal]]:
    """The round's profile answers and outcome figures (one query)."""
    questionnaire = questionnaire or questionnaire_for(assessment)
    stored = items.stored_texts(assessment)
    return (
        items.profile_of(assessment, questionnaire, stored),
        items.outcomes_of(assessment, questionnaire, stored),
    )


def scored_values(
    assessment: Assessment, answers: dict[str, AnswerValue] | None = None
) -> dict[str, AnswerValue]:
    """The answers as scored: the profile's not-applicable marks applied."""
    questionnaire = questionnaire_for(assessment)
    profile = items.profile_of(assessment, questionnaire)
    return scored_answers(
        questionnaire, answer_values(assessment) if answers is None else answers, profile
    )


def answered_count(assessment: Assessment) -> int:
    return (
        db.session.scalar(
            select(func.count(Answer.id)).where(Answer.assessment_id == assessment.id)
        )
        or 0
    )


def stored_scores(assessment: Assessment) -> ScoreResult:
    """The scores stored at submission (never recomputed from a newer rule)."""
    result = assessment.result
    if result is None:
        raise NotSubmitted(f"assessment {assessment.id} has not been submitted")
    return ScoreResult(
        scoring_version=result.scoring_version,
        dimensions={
            d.dimension_id: DimensionScore(d.dimension_id, d.assessed, d.score, d.level)
            for d in result.dimensions
        },
        overall_index=result.overall_index,
        overall_level=result.overall_level,
    )


def goals_of(organisation: Organisation) -> list[str]:
    return [goal.goal_id for goal in organisation.goals]


def targets_of(assessment: Assessment) -> dict[str, int]:
    return {target.dimension_id: target.level for target in assessment.targets}


def evaluation_of(
    assessment: Assessment, answers: dict[str, AnswerValue] | None = None
) -> Evaluation:
    """Stored scores plus the roadmap for the current targets and goals.

    ``answers``: the round's answer values when the caller has them already."""
    questionnaire = questionnaire_for(assessment)
    profile, outcomes = profile_and_outcomes(assessment, questionnaire)
    organisation = assessment.organisation
    return evaluate_stored(
        questionnaire,
        answer_values(assessment) if answers is None else answers,
        stored_scores(assessment),
        targets_of(assessment),
        goals_of(organisation),
        profile,
        outcomes,
        facts_of(organisation.size_class, organisation.revenue, organisation.digital_budget),
    )


def benchmark_of(assessment: Assessment) -> PublishedBenchmark:
    """Where the round stands among its peers, read from the platform's latest
    benchmark release (nothing is computed from other organisations' answers here)."""
    scores = stored_scores(assessment)
    organisation = assessment.organisation
    questionnaire = questionnaire_for(assessment)
    dimension_scores = {
        d: r.score for d, r in scores.dimensions.items() if r.assessed and r.score is not None
    }
    newest = None
    # The newest release with a cohort for this round (a quarter in which few rounds
    # of its questionnaire were submitted may have none), else the newest.
    for stored in releases.newest_first(releases.PLATFORM):
        position = benchmark_position(
            stored.release,
            questionnaire=questionnaire.key,
            version=questionnaire.version,
            section=organisation.industry_section,
            size=str(organisation.size_class),
            overall_index=scores.overall_index,
            dimension_scores=dimension_scores,
        )
        found = PublishedBenchmark(stored.row.period, stored.release.k, position)
        newest = newest or found
        if found.shown:
            return found
    return newest or PublishedBenchmark(
        None, releases.benchmark_settings().k, BenchmarkPosition(None, None, None, None, {})
    )


def latest_submitted(organisation_id: int) -> Assessment | None:
    """The organisation's latest submitted round, if any."""
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == organisation_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Assessment.round.desc())
        .limit(1)
    )


def previous_round(assessment: Assessment) -> Assessment | None:
    """The organisation's submitted round before this one, if any."""
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == assessment.organisation_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.round < assessment.round,
        )
        .order_by(Assessment.round.desc())
        .limit(1)
        .options(joinedload(Assessment.questionnaire_version), joinedload(Assessment.result))
    )


def comparison_of(
    earlier: Assessment, later: Assessment, later_answers: dict[str, AnswerValue] | None = None
) -> Comparison:
    """Two rounds compared on their answers as scored and their outcome figures.

    ``later_answers``: the later round's answer values when the caller has them."""
    earlier_questionnaire, later_questionnaire = (
        questionnaire_for(earlier),
        questionnaire_for(later),
    )
    earlier_profile, earlier_outcomes = profile_and_outcomes(earlier, earlier_questionnaire)
    later_profile, later_outcomes = profile_and_outcomes(later, later_questionnaire)
    return compare(
        earlier_questionnaire,
        scored_answers(earlier_questionnaire, answer_values(earlier), earlier_profile),
        later_questionnaire,
        scored_answers(
            later_questionnaire,
            answer_values(later) if later_answers is None else later_answers,
            later_profile,
        ),
        earlier_outcomes,
        later_outcomes,
    )


def outcome_history(assessment: Assessment) -> tuple[OutcomeTrend, ...]:
    """The trend of every outcome figure over the organisation's submitted rounds up
    to this one."""
    questionnaire = questionnaire_for(assessment)
    if not questionnaire.outcomes:
        return ()
    rounds = [
        RoundFigures(
            earlier.round,
            questionnaire_for(earlier),
            profile_and_outcomes(earlier, questionnaire_for(earlier))[1],
        )
        for earlier in submitted_rounds(assessment.organisation)
        if earlier.round <= assessment.round
    ]
    return outcome_trends(questionnaire, rounds)


def submitted_rounds(organisation: Organisation) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(
                Assessment.organisation_id == organisation.id,
                Assessment.status == AssessmentStatus.SUBMITTED,
            )
            .order_by(Assessment.round)
        )
    )


def history_of(organisation: Organisation) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == organisation.id)
            .options(
                selectinload(Assessment.result),
                selectinload(Assessment.questionnaire_version),
                selectinload(Assessment.verification),
            )
            .order_by(Assessment.round.desc())
        )
    )


@dataclass(frozen=True)
class ComparablePair:
    """Two submitted rounds and how many questions their comparison compares."""

    earlier: Assessment
    later: Assessment
    questions: int


def scored_rounds(
    rounds: list[Assessment],
) -> dict[int, tuple[Questionnaire, dict[str, AnswerValue]]]:
    """Each round's questionnaire and answers as scored (the profile's marks applied),
    by assessment id: two queries for all the rounds."""
    ids = [assessment.id for assessment in rounds]
    answers: dict[int, dict[str, AnswerValue]] = {i: {} for i in ids}
    for answer in db.session.scalars(select(Answer).where(Answer.assessment_id.in_(ids))):
        answers[answer.assessment_id][answer.question_id] = answer.answer_value
    texts: dict[int, dict[str, str]] = {i: {} for i in ids}
    for value in db.session.scalars(select(ItemValue).where(ItemValue.assessment_id.in_(ids))):
        texts[value.assessment_id][value.item_id] = value.value
    scored = {}
    for assessment in rounds:
        questionnaire = questionnaire_for(assessment)
        profile = items.profile_of(assessment, questionnaire, texts[assessment.id])
        scored[assessment.id] = (
            questionnaire,
            scored_answers(questionnaire, answers[assessment.id], profile),
        )
    return scored


def comparable_pairs(submitted: list[Assessment]) -> list[ComparablePair]:
    """The pairs of rounds the history offers to compare, each with the number of
    questions the comparison would compare (by the comparison's own rule, without
    comparing): the previous round with the latest first, then every older round with
    the latest, then each older round with the one after it. ``submitted``: newest
    first."""
    if len(submitted) < 2:
        return []
    latest = submitted[0]
    wanted = [(earlier, latest) for earlier in submitted[1:]]
    wanted += [(submitted[i + 1], submitted[i]) for i in range(1, len(submitted) - 1)]
    scored = scored_rounds(submitted)
    return [
        ComparablePair(earlier, later, compared_count(*scored[earlier.id], *scored[later.id]))
        for earlier, later in wanted
    ]
