"""Gathering a report's data from the database in a bounded number of queries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from maturity.core import reference
from maturity.core.answers import AnswerValue
from maturity.core.report import (
    AdjustedAnswer,
    AttestationLine,
    CentreBranding,
    GivenAnswer,
    ReportData,
    VerificationLine,
    report_data,
)
from maturity.core.text import LIST_SEPARATOR
from maturity.core.verification import Status
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Centre,
    CentreRegistration,
    CreditCodeState,
    Finding,
    Membership,
    MembershipRole,
    User,
)
from maturity.services import plans, providers, verification
from maturity.services.branding import branding_of
from maturity.services.results import (
    NotSubmitted,
    benchmark_of,
    comparison_of,
    evaluation_of,
    outcome_history,
    previous_round,
)


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
            # A code nobody has checked is the organisation's claim, and the report says so.
            code = organisation.credit_code
            if organisation.credit_code_state is not CreditCodeState.VERIFIED:
                code = _("%(code)s (not verified)", code=code)
            facts.insert(0, (_("Unified social credit code"), code))
        consultants = db.session.scalars(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.CONSULTANT,
            )
            .order_by(User.name)
        ).all()
        if consultants:
            facts.append(
                (
                    _("Consultant"),
                    LIST_SEPARATOR.get(language).join(consultants),
                )
            )
    return tuple(facts)


def centres_of(assessment: Assessment) -> list[CentreBranding]:
    """The centres the organisation is registered with, as their reports' covers show them."""
    centres = db.session.scalars(
        select(Centre)
        .join(CentreRegistration, CentreRegistration.centre_id == Centre.id)
        .where(
            CentreRegistration.organisation_id == assessment.organisation_id,
            CentreRegistration.is_accepted,
        )
        .order_by(Centre.name)
    ).all()
    return [branding_of(centre) for centre in centres]


def attestation_line(assessment: Assessment) -> AttestationLine | None:
    attested = assessment.attestation
    if attested is None:
        return None
    return AttestationLine(attested.name, attested.role, attested.attested_at)


def verification_line(
    assessment: Assessment, answers: dict[str, AnswerValue]
) -> VerificationLine | None:
    if assessment.verification is None:  # nobody has reviewed an answer: self-declared
        return None
    found = verification.verified_round(assessment)
    if found.status is Status.SELF_DECLARED:
        return None
    adjusted = {
        question_id: AdjustedAnswer(declared, review.adjusted_value, review.note or "")
        for question_id, review in found.adjusted.items()
        if review.adjusted_value is not None
        and isinstance(declared := answers.get(question_id), int)
    }
    return VerificationLine(
        status=found.status.value,
        checked=found.state.checked,
        applicable=found.state.applicable,
        verified_index=None if found.verified is None else found.verified.overall_index,
        adjusted=adjusted,
        completed_at=found.completed_at,
    )


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
        raise NotSubmitted(f"assessment {assessment_id} is not a submitted assessment")
    rows = list(
        db.session.scalars(
            select(Answer)
            .where(Answer.assessment_id == assessment.id)
            .options(joinedload(Answer.answered_by))
        )
    )
    answers = {row.question_id: row.answer_value for row in rows}
    findings = list(
        db.session.scalars(
            select(Finding)
            .where(Finding.assessment_id == assessment.id)
            .options(joinedload(Finding.author))
        )
    )
    people = [row.answered_by for row in rows]
    people += [assessment.created_by, assessment.submitted_by]
    previous = previous_round(assessment)
    evaluation = evaluation_of(assessment, answers)
    curated = plans.plan_of(assessment, evaluation)
    revision = curated.revision if curated.plan.edited else None
    data = report_data(
        evaluation,
        [
            GivenAnswer(
                row.question_id,
                row.answer_value,
                row.note,
                row.answered_by.name if row.answered_by else None,
            )
            for row in rows
        ],
        language=language,
        organisation_name=assessment.organisation.name,
        organisation_facts=organisation_facts(assessment, language),
        generated_on=date.today(),
        round=assessment.round,
        submitted_at=assessment.submitted_at,
        assessed_by=[person.name for person in people if person is not None],
        findings={f.dimension_id: f.text for f in findings},
        finding_authors=[f.author.name for f in findings if f.author is not None],
        benchmark=benchmark_of(assessment),
        comparison=None if previous is None else comparison_of(previous, assessment, answers),
        previous_round=previous.round if previous is not None else None,
        previous_overall=(
            (previous.result.overall_index, previous.result.overall_level)
            if previous is not None
            and previous.result is not None
            and previous.result.overall_index is not None
            and previous.result.overall_level is not None
            else None
        ),
        previous_version=previous.questionnaire_version.version if previous is not None else None,
        outcome_trends=outcome_history(assessment),
        plan=curated.plan if revision is not None else None,
        plan_author=revision.author.name if revision and revision.author else None,
        plan_edited_at=revision.created_at if revision else None,
        providers=providers.providers_for(assessment.organisation),
        centres=centres_of(assessment),
        attestation=attestation_line(assessment),
        verification=verification_line(assessment, answers),
    )
    # The data is plain from here on: end the transaction before the (long) render
    # so that SQLite's write lock, taken by BEGIN IMMEDIATE, is not held meanwhile.
    db.session.commit()
    return data
