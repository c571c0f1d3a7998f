"""Verifying a submitted round: a verifier's finding on each answer, the round's
status, and the verified score beside the self-declared one (core.verification
decides them; this module stores and reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update

from maturity.core.answers import AnswerValue
from maturity.core.applicability import scored_answers
from maturity.core.questionnaire import Questionnaire
from maturity.core.refusals import Refusal, Refused
from maturity.core.scoring import ScoreResult, score
from maturity.core.verification import (
    InvalidReview,
    Outcome,
    Review,
    State,
    Status,
    checked_review,
    state_of,
    verified_answers,
)
from maturity.extensions import db
from maturity.models import (
    AnswerReview,
    Assessment,
    AssessmentStatus,
    ResultSummary,
    ReviewMethod,
    ReviewOutcome,
    User,
    Verification,
)
from maturity.models._types import utcnow
from maturity.services.audit import record
from maturity.services.results import answer_values, profile_and_outcomes, questionnaire_for

NOTE_LENGTH = 2000


class ReviewRefused(Refused):
    """Why a finding or the completion was refused (a ``Refusal`` code)."""


@dataclass(frozen=True)
class Finding:
    """A verifier's finding on one answer, as a form or the API gives it."""

    question_id: str
    outcome: str
    adjusted: int | None
    note: str
    method: str
    checked_on: date | None


def _editable(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ReviewRefused(Refusal.NOT_SUBMITTED)
    if assessment.verification is not None and assessment.verification.completed_at:
        raise ReviewRefused(Refusal.VERIFICATION_COMPLETE)


def declared_answers(assessment: Assessment) -> dict[str, AnswerValue]:
    """The answers as scored at submission (the profile's marks applied)."""
    questionnaire = questionnaire_for(assessment)
    profile, _outcomes = profile_and_outcomes(assessment, questionnaire)
    return dict(scored_answers(questionnaire, answer_values(assessment), profile))


def review(assessment: Assessment, finding: Finding, user: User) -> AnswerReview:
    """Store the finding on one answer (a new one or a change; committed)."""
    _editable(assessment)
    answers = declared_answers(assessment)
    try:
        checked = checked_review(
            finding.question_id, finding.outcome, finding.adjusted, answers.get(finding.question_id)
        )
    except InvalidReview as error:
        raise ReviewRefused(Refusal(error.reason), finding.question_id) from None
    try:
        method = ReviewMethod(finding.method)
    except ValueError:
        raise ReviewRefused(Refusal.UNKNOWN_METHOD) from None
    note = finding.note.strip()
    if len(note) > NOTE_LENGTH:
        raise ReviewRefused(Refusal.NOTE_TOO_LONG, limit=NOTE_LENGTH)
    if checked.outcome is Outcome.ADJUSTED and not note:
        raise ReviewRefused(Refusal.NOTE_REQUIRED)
    if method is ReviewMethod.ON_SITE and (
        finding.checked_on is None or finding.checked_on > date.today()
    ):
        raise ReviewRefused(Refusal.VISIT_DATE_REQUIRED)
    row = db.session.scalar(
        select(AnswerReview).where(
            AnswerReview.assessment_id == assessment.id,
            AnswerReview.question_id == finding.question_id,
        )
    )
    if row is None:
        row = AnswerReview(assessment_id=assessment.id, question_id=finding.question_id)
        db.session.add(row)
    row.outcome = ReviewOutcome(checked.outcome.value)
    row.adjusted_value = checked.adjusted
    row.note = note or None
    row.method = method
    row.checked_on = finding.checked_on if method is ReviewMethod.ON_SITE else None
    row.reviewer_id = user.id
    row.reviewed_at = utcnow()
    if assessment.verification is None:
        assessment.verification = Verification(assessment_id=assessment.id)
    db.session.flush()
    record(
        user, "review_answer", "assessment", assessment.id, assessment.organisation_id,
        question=finding.question_id, outcome=checked.outcome.value, adjusted=checked.adjusted,
    )  # fmt: skip
    db.session.commit()
    return row


def reviews_of(assessment: Assessment) -> dict[str, AnswerReview]:
    return {
        row.question_id: row
        for row in db.session.scalars(
            select(AnswerReview).where(AnswerReview.assessment_id == assessment.id)
        )
    }


def _core_reviews(rows: dict[str, AnswerReview]) -> list[Review]:
    return [
        Review(row.question_id, Outcome(row.outcome.value), row.adjusted_value)
        for row in rows.values()
    ]


@dataclass(frozen=True)
class VerifiedRound:
    """What results, reports, comparison and the API show of a round's verification."""

    state: State
    completed_at: datetime | None
    completed_by: str | None
    reviews: dict[str, AnswerReview]
    declared: ScoreResult | None  # the self-declared scores, as computed now
    verified: ScoreResult | None  # with the adjustments; None while self-declared

    @property
    def status(self) -> Status:
        return self.state.status

    @property
    def adjusted(self) -> dict[str, AnswerReview]:
        return {q: r for q, r in self.reviews.items() if r.outcome is ReviewOutcome.ADJUSTED}


def verified_round(
    assessment: Assessment,
    questionnaire: Questionnaire | None = None,
    declared: Mapping[str, AnswerValue] | None = None,
) -> VerifiedRound:
    """``declared``: the round's answers as scored, when the caller has them already."""
    questionnaire = questionnaire or questionnaire_for(assessment)
    verification = assessment.verification
    # The first finding creates the round's Verification: none, no reviews to read.
    rows = reviews_of(assessment) if verification is not None else {}
    completed = verification is not None and verification.completed_at is not None
    if assessment.status != AssessmentStatus.SUBMITTED:
        answers: dict[str, AnswerValue] = {}
    else:
        answers = dict(declared) if declared is not None else declared_answers(assessment)
    state = state_of(answers, _core_reviews(rows), completed)
    verified = (
        score(questionnaire, verified_answers(answers, _core_reviews(rows)))
        if answers and state.status is not Status.SELF_DECLARED
        else None
    )
    return VerifiedRound(
        state=state,
        completed_at=verification.completed_at if verification else None,
        completed_by=(
            verification.completed_by.name
            if verification is not None and verification.completed_by is not None
            else None
        ),
        reviews=rows,
        declared=score(questionnaire, answers) if answers else None,
        verified=verified,
    )


def complete(assessment: Assessment, user: User, note: str = "") -> VerifiedRound:
    """The verifier says the review is done (committed): the round's status is final
    (verified, or partly verified with its share), its result summary says so for the
    releases, and the organisation's owners are told (by the caller: mail.notices)."""
    _editable(assessment)
    rows = reviews_of(assessment)
    if not rows:
        raise ReviewRefused(Refusal.NOTHING_REVIEWED)
    verification = assessment.verification or Verification(assessment_id=assessment.id)
    verification.completed_at = utcnow()
    verification.completed_by_id = user.id
    verification.note = note.strip()[:NOTE_LENGTH] or None
    assessment.verification = verification
    db.session.flush()
    found = verified_round(assessment)
    db.session.execute(
        update(ResultSummary)
        .where(ResultSummary.assessment_id == assessment.id)
        .values(
            verified=found.status is Status.VERIFIED,
            verified_index=None if found.verified is None else found.verified.overall_index,
        )
    )
    record(
        user, "complete_verification", "assessment", assessment.id, assessment.organisation_id,
        status=found.status.value, checked=found.state.checked, applicable=found.state.applicable,
    )  # fmt: skip
    db.session.commit()
    return found


def reopen(assessment: Assessment, user: User) -> None:
    """Undo the completion, so that findings can change again (committed)."""
    verification = assessment.verification
    if verification is None or verification.completed_at is None:
        return
    verification.completed_at = None
    verification.completed_by_id = None
    db.session.execute(
        update(ResultSummary)
        .where(ResultSummary.assessment_id == assessment.id)
        .values(verified=False, verified_index=None)
    )
    record(user, "reopen_verification", "assessment", assessment.id, assessment.organisation_id)
    db.session.commit()
