"""Gathering a report's data from the database in a bounded number of queries."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from maturity.core import benchmark as benchmark_core
from maturity.core import reference
from maturity.core.comparison import compare
from maturity.core.evaluation import Evaluation, EvaluationInput
from maturity.core.roadmap import build_roadmap
from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus, Finding
from maturity.reports.data import AnswerLine, ReportData
from maturity.services import assessments as service
from maturity.services.questionnaires import questionnaire_of
from maturity.services.summaries import previous_round


def organisation_facts(assessment: Assessment, language: str) -> tuple[tuple[str, str], ...]:
    from flask_babel import force_locale
    from flask_babel import gettext as _

    organisation = assessment.organisation
    industries = reference.industries()
    regions = reference.regions()
    with force_locale(language):
        facts = [
            (
                _("Industry"),
                f"{industries[organisation.industry_section].name(language)} / "
                f"{industries[organisation.industry_division].name(language)}",
            ),
            (_("Size class"), reference.size_class_label(organisation.size_class, language)),
            (
                _("Region"),
                " · ".join(
                    regions[code].name(language)
                    for code in (organisation.province_code, organisation.city_code)
                    if code
                ),
            ),
        ]
        if organisation.credit_code:
            facts.insert(0, (_("Unified social credit code"), organisation.credit_code))
    return tuple(facts)


def load_report_data(assessment_id: int, language: str) -> ReportData:
    """Everything the report shows for one submitted assessment.

    Ends the current transaction (commit) once the data is gathered."""
    assessment = db.session.scalar(
        select(Assessment)
        .where(Assessment.id == assessment_id)
        .options(
            joinedload(Assessment.organisation),
            joinedload(Assessment.questionnaire_version),
            joinedload(Assessment.result),
            joinedload(Assessment.created_by),
            joinedload(Assessment.submitted_by),
            selectinload(Assessment.targets),
        )
    )
    if assessment is None or assessment.status != AssessmentStatus.SUBMITTED:
        raise LookupError(f"assessment {assessment_id} is not a submitted assessment")
    questionnaire = questionnaire_of(assessment.questionnaire_version)
    rows = list(
        db.session.scalars(
            select(Answer)
            .where(Answer.assessment_id == assessment.id)
            .options(joinedload(Answer.answered_by))
        )
    )
    answers = {row.question_id: service.answer_value(row) for row in rows}
    scores = service.stored_scores(assessment)
    goals = [
        g
        for g in service.goals_of(assessment.organisation)
        if g in {x.id for x in questionnaire.goals}
    ]
    targets = service.targets_of(assessment)
    roadmap = build_roadmap(
        questionnaire, answers, scores, targets, goals[: questionnaire.max_goals]
    )
    evaluation = Evaluation(
        questionnaire, EvaluationInput(answers, targets, tuple(goals)), scores, roadmap
    )

    findings = list(
        db.session.scalars(
            select(Finding)
            .where(Finding.assessment_id == assessment.id)
            .options(joinedload(Finding.author))
        )
    )
    assessors = {row.answered_by.name for row in rows if row.answered_by is not None}
    for user in (assessment.created_by, assessment.submitted_by):
        if user is not None:
            assessors.add(user.name)

    previous = previous_round(assessment)
    comparison = None
    if previous is not None:
        previous_answers = {
            row.question_id: service.answer_value(row)
            for row in db.session.scalars(select(Answer).where(Answer.assessment_id == previous.id))
        }
        comparison = compare(
            questionnaire_of(previous.questionnaire_version),
            previous_answers,
            questionnaire,
            answers,
        )

    organisation = assessment.organisation
    benchmark = benchmark_core.benchmark(
        organisation.id,
        organisation.industry_section,
        str(organisation.size_class),
        {d: r.score for d, r in scores.dimensions.items() if r.assessed and r.score is not None},
        scores.overall_index,
        service.peer_results(assessment.questionnaire_version_id),
        current_app.config["BENCHMARK_MIN_COHORT"],
    )
    data = ReportData(
        language=language,
        organisation_name=organisation.name,
        organisation_facts=organisation_facts(assessment, language),
        evaluation=evaluation,
        answers={
            row.question_id: AnswerLine(
                questionnaire.question(row.question_id),
                service.answer_value(row),
                row.note,
                row.answered_by.name if row.answered_by else None,
            )
            for row in rows
            if questionnaire.has_question(row.question_id)
        },
        generated_on=date.today(),
        round=assessment.round,
        submitted_at=assessment.submitted_at,
        assessed_by=tuple(sorted(assessors)),
        findings={f.dimension_id: f.text for f in findings},
        finding_authors=tuple(sorted({f.author.name for f in findings if f.author is not None})),
        benchmark=benchmark,
        comparison=comparison,
        previous_round=previous.round if previous is not None else None,
    )
    # The data is plain from here on: end the transaction before the (long) render
    # so that SQLite's write lock, taken by BEGIN IMMEDIATE, is not held meanwhile.
    db.session.commit()
    return data
