"""Result summaries: the one denormalised row per submitted assessment that the
centres' dashboards aggregate (see models.summary.ResultSummary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from maturity.core.comparison import Comparison, compare
from maturity.core.questionnaire import Questionnaire
from maturity.core.scoring import NOT_APPLICABLE, AnswerValue, ScoreResult
from maturity.extensions import db
from maturity.models import (
    MAX_DIMENSIONS,
    MAX_QUESTIONS,
    Answer,
    Assessment,
    AssessmentStatus,
    ResultSummary,
)
from maturity.services import generation
from maturity.services.questionnaires import questionnaire_of


def pack_answers(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str:
    return "".join(
        "n" if answers[q.id] == NOT_APPLICABLE else str(answers[q.id])
        for q in questionnaire.questions
    )


def summary_values(
    questionnaire: Questionnaire,
    scores: ScoreResult,
    answers: Mapping[str, AnswerValue],
    comparison: Comparison | None,
) -> dict[str, Any]:
    """The score, level, delta and answer columns of a summary row."""
    if (
        len(questionnaire.dimensions) > MAX_DIMENSIONS
        or len(questionnaire.questions) > MAX_QUESTIONS
    ):
        raise ValueError(
            f"at most {MAX_DIMENSIONS} dimensions and {MAX_QUESTIONS} questions can be summarised"
        )
    deltas = {d.dimension_id: d.delta for d in comparison.dimensions} if comparison else {}
    values: dict[str, Any] = {
        "overall_index": scores.overall_index,
        "overall_level": scores.overall_level,
        "answers": pack_answers(questionnaire, answers),
    }
    for position in range(1, MAX_DIMENSIONS + 1):
        values[f"score_{position}"] = None
        values[f"level_{position}"] = None
        values[f"delta_{position}"] = None
    for position in range(1, MAX_QUESTIONS + 1):
        values[f"answer_{position}"] = None
    for position, question in enumerate(questionnaire.questions, start=1):
        value = answers[question.id]
        values[f"answer_{position}"] = None if value == NOT_APPLICABLE else int(value)
    for position, dimension in enumerate(questionnaire.dimensions, start=1):
        result = scores.dimensions[dimension.id]
        if result.assessed:
            values[f"score_{position}"] = result.score
            values[f"level_{position}"] = result.level
        values[f"delta_{position}"] = deltas.get(dimension.id)
    return values


def previous_round(assessment: Assessment) -> Assessment | None:
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


def answers_by_question(assessment: Assessment) -> dict[str, AnswerValue]:
    rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))
    return {
        a.question_id: (NOT_APPLICABLE if a.not_applicable else int(a.value or 0)) for a in rows
    }


def write_summary(
    assessment: Assessment,
    questionnaire: Questionnaire,
    scores: ScoreResult,
    answers: Mapping[str, AnswerValue],
) -> ResultSummary:
    """Add the summary row of a just-submitted assessment (in the caller's transaction)."""
    previous = previous_round(assessment)
    comparison = None
    if previous is not None:
        comparison = compare(
            questionnaire_of(previous.questionnaire_version),
            answers_by_question(previous),
            questionnaire,
            answers,
        )
    db.session.execute(
        update(ResultSummary)
        .where(ResultSummary.organisation_id == assessment.organisation_id)
        .values(is_latest=False)
    )
    organisation = assessment.organisation
    summary = ResultSummary(
        assessment_id=assessment.id,
        organisation_id=organisation.id,
        questionnaire_version_id=assessment.questionnaire_version_id,
        round=assessment.round,
        is_latest=True,
        submitted_at=assessment.submitted_at,
        industry_section=organisation.industry_section,
        size_class=str(organisation.size_class),
        province_code=organisation.province_code,
        city_code=organisation.city_code,
        **summary_values(questionnaire, scores, answers, comparison),
    )
    db.session.add(summary)
    generation.bump()
    return summary


def rebuild_all() -> int:
    """Recreate every summary from the stored results (after an upgrade, say)."""
    from maturity.services.assessments import stored_scores

    db.session.execute(ResultSummary.__table__.delete())
    count = 0
    submitted = db.session.scalars(
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.SUBMITTED)
        .order_by(Assessment.organisation_id, Assessment.round)
    )
    for assessment in submitted:
        write_summary(
            assessment,
            questionnaire_of(assessment.questionnaire_version),
            stored_scores(assessment),
            answers_by_question(assessment),
        )
        db.session.flush()
        count += 1
    generation.bump()
    db.session.commit()
    return count
