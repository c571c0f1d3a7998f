"""Result summaries: the one denormalised row per submitted assessment that the
centres' dashboards aggregate (see models.summary.ResultSummary)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.comparison import Comparison
from maturity.core.questionnaire import MAX_DIMENSIONS, MAX_OUTCOMES, MAX_QUESTIONS, Questionnaire
from maturity.core.scoring import ScoreResult
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, Organisation, ResultSummary
from maturity.services.results import (
    comparison_of,
    previous_round,
    profile_and_outcomes,
    questionnaire_for,
    scored_values,
    stored_scores,
)


def pack_answers(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str:
    return "".join(
        "n" if answers[q.id] == NOT_APPLICABLE else str(answers[q.id])
        for q in questionnaire.questions
    )


def not_applicable_mask(values: Mapping[str, Any]) -> int:
    """The summary's ``not_applicable`` column: bit k - 1 set where answer_k is NULL."""
    return sum(
        1 << (position - 1)
        for position in range(1, MAX_QUESTIONS + 1)
        if values[f"answer_{position}"] is None
    )


def summary_values(
    questionnaire: Questionnaire,
    scores: ScoreResult,
    answers: Mapping[str, AnswerValue],
    comparison: Comparison | None,
    outcomes: Mapping[str, Decimal] | None = None,
) -> dict[str, Any]:
    """The score, level, delta, answer and outcome columns of a summary row (a
    questionnaire fits: its validation bounds dimensions, questions and outcomes by
    the summary's columns). ``answers`` as scored."""
    deltas = {d.dimension_id: d.delta for d in comparison.dimensions} if comparison else {}
    changes = {o.outcome_id: o.delta for o in comparison.outcomes} if comparison else {}
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
    values["not_applicable"] = not_applicable_mask(values)
    for position, dimension in enumerate(questionnaire.dimensions, start=1):
        result = scores.dimensions[dimension.id]
        if result.assessed:
            values[f"score_{position}"] = result.score
            values[f"level_{position}"] = result.level
        values[f"delta_{position}"] = deltas.get(dimension.id)
    for position in range(1, MAX_OUTCOMES + 1):
        values[f"outcome_{position}"] = None
        values[f"outcome_change_{position}"] = None
    for position, item in enumerate(questionnaire.outcomes, start=1):
        figure = (outcomes or {}).get(item.id)
        change = changes.get(item.id)
        values[f"outcome_{position}"] = None if figure is None else float(figure)
        values[f"outcome_change_{position}"] = None if change is None else float(change)
    return values


def write_summary(
    assessment: Assessment,
    questionnaire: Questionnaire,
    scores: ScoreResult,
    answers: Mapping[str, AnswerValue],
    outcomes: Mapping[str, Decimal] | None = None,
) -> ResultSummary:
    """Add the summary row of a just-submitted assessment (in the caller's transaction);
    ``answers`` as scored (the profile's marks applied)."""
    hold_organisations(assessment.organisation_id, assessment.organisation_id)
    previous = previous_round(assessment)
    comparison = None if previous is None else comparison_of(previous, assessment, dict(answers))
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
        **summary_values(questionnaire, scores, answers, comparison, outcomes),
    )
    db.session.add(summary)
    return summary


def hold_organisations(first_id: int, last_id: int) -> None:
    """Share-lock the organisations' rows until the transaction ends, before any of
    their summary rows: a registration change of one of them (whose trigger locks the
    organisation, then rewrites its summaries' centre_ids) waits for this transaction
    or this one for it, so a new summary row never carries a centre list already
    changed (migration 7b3e91c4d2a8). PostgreSQL only; SQLite has one writer."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(Organisation.id)
            .where(Organisation.id.between(first_id, last_id))
            .order_by(Organisation.id)
            .with_for_update(read=True)
        ).all()


def rebuild_all() -> int:
    """Recreate every summary from the stored results (after an upgrade, say), here."""
    first, last = organisation_range()
    return 0 if first is None or last is None else rebuild_organisations(first, last)


def organisation_range() -> tuple[int | None, int | None]:
    """The lowest and highest id of an organisation with a submitted assessment."""
    found = db.session.execute(
        select(func.min(Assessment.organisation_id), func.max(Assessment.organisation_id)).where(
            Assessment.status == AssessmentStatus.SUBMITTED
        )
    ).one()
    return found[0], found[1]


def rebuild_organisations(first_id: int, last_id: int) -> int:
    """Recreate the summaries of the organisations with ids first_id … last_id, in one
    transaction; doing it again gives the same rows."""
    in_range = Assessment.organisation_id.between(first_id, last_id)
    hold_organisations(first_id, last_id)
    db.session.execute(
        delete(ResultSummary).where(ResultSummary.organisation_id.between(first_id, last_id))
    )
    count = 0
    submitted = db.session.scalars(
        select(Assessment)
        .where(Assessment.status == AssessmentStatus.SUBMITTED, in_range)
        .order_by(Assessment.organisation_id, Assessment.round)
    )
    for assessment in submitted:
        questionnaire = questionnaire_for(assessment)
        _profile, outcomes = profile_and_outcomes(assessment, questionnaire)
        write_summary(
            assessment,
            questionnaire,
            stored_scores(assessment),
            scored_values(assessment),
            outcomes,
        )
        db.session.flush()
        count += 1
    db.session.commit()
    return count
