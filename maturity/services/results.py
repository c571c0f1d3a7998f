"""What a submitted round shows: its stored scores, answers, evaluation (scores plus
the roadmap for the current plan), peer benchmark and the comparison of rounds.

Read-only: nothing here changes an assessment (``assessments`` does that).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from maturity.core import benchmark as benchmark_core
from maturity.core.answers import AnswerValue
from maturity.core.comparison import Comparison, compare
from maturity.core.evaluation import Evaluation, evaluate_stored
from maturity.core.questionnaire import Questionnaire
from maturity.core.scoring import DimensionScore, ScoreResult
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    DimensionResult,
    Organisation,
)
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
    return evaluate_stored(
        questionnaire_for(assessment),
        answer_values(assessment) if answers is None else answers,
        stored_scores(assessment),
        targets_of(assessment),
        goals_of(assessment.organisation),
    )


def start_of_today() -> datetime:
    """Midnight of today where the service is used (MATURITY_TIMEZONE), in UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = datetime.now(zone).date()
    return datetime.combine(today, time.min, tzinfo=zone).astimezone(UTC)


def peer_results(questionnaire_version_id: int) -> list[benchmark_core.PeerResult]:
    """The latest result submitted before today of every organisation on this
    questionnaire version: a cohort does not move while someone watches it."""
    latest = (
        select(Assessment.organisation_id, func.max(Assessment.round).label("round"))
        .where(
            Assessment.questionnaire_version_id == questionnaire_version_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.submitted_at < start_of_today(),
        )
        .group_by(Assessment.organisation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Assessment.id,
            Assessment.organisation_id,
            Organisation.industry_section,
            Organisation.size_class,
            AssessmentResult.overall_index,
        )
        .join(
            latest,
            (latest.c.organisation_id == Assessment.organisation_id)
            & (latest.c.round == Assessment.round),
        )
        .join(Organisation, Organisation.id == Assessment.organisation_id)
        .join(AssessmentResult, AssessmentResult.assessment_id == Assessment.id)
    ).all()
    scores: dict[int, dict[str, float]] = {row.id: {} for row in rows}
    if rows:
        for assessment_id, dimension_id, value in db.session.execute(
            select(
                DimensionResult.assessment_id, DimensionResult.dimension_id, DimensionResult.score
            ).where(DimensionResult.assessment_id.in_(scores), DimensionResult.assessed.is_(True))
        ):
            if value is not None:  # an assessed dimension always has a score
                scores[assessment_id][dimension_id] = value
    return [
        benchmark_core.PeerResult(
            organisation_id=row.organisation_id,
            industry_section=row.industry_section,
            size_class=str(row.size_class),
            dimension_scores=scores[row.id],
            overall_index=row.overall_index,
        )
        for row in rows
    ]


def benchmark_of(assessment: Assessment) -> benchmark_core.Benchmark:
    scores = stored_scores(assessment)
    organisation = assessment.organisation
    return benchmark_core.benchmark(
        organisation.id,
        organisation.industry_section,
        str(organisation.size_class),
        {d: r.score for d, r in scores.dimensions.items() if r.assessed and r.score is not None},
        scores.overall_index,
        peer_results(assessment.questionnaire_version_id),
        current_app.config["BENCHMARK_MIN_COHORT"],
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
        .options(joinedload(Assessment.questionnaire_version))
    )


def comparison_of(
    earlier: Assessment, later: Assessment, later_answers: dict[str, AnswerValue] | None = None
) -> Comparison:
    return compare(
        questionnaire_for(earlier),
        answer_values(earlier),
        questionnaire_for(later),
        answer_values(later) if later_answers is None else later_answers,
    )


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
                selectinload(Assessment.result), selectinload(Assessment.questionnaire_version)
            )
            .order_by(Assessment.round.desc())
        )
    )
