"""An assessment's lifecycle: start a round, save answers, submit.

Views and the API pass the assessment; the service finds its questionnaire. Every
rule about an answer comes from ``maturity.core.answers``, every number from the
core's scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from maturity.core import attestation
from maturity.core.answers import AnswerInput, check_answer
from maturity.core.applicability import applicability, scored_answers
from maturity.core.comparison import carry_over
from maturity.core.items import PROFILE
from maturity.core.questionnaire import Question, Questionnaire
from maturity.core.refusals import Refusal, Refused
from maturity.core.scoring import score
from maturity.extensions import db, rows_changed
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Attestation,
    DimensionResult,
    Organisation,
    User,
)
from maturity.services import items
from maturity.services.questionnaires import NoQuestionnaire, current_version
from maturity.services.results import (
    answer_values,
    answers_of,
    latest_submitted,
    profile_and_outcomes,
    questionnaire_for,
)
from maturity.services.summaries import write_summary


class NotEditable(Refused):
    def __init__(self) -> None:
        super().__init__(Refusal.NOT_EDITABLE)


class Incomplete(Refused):
    def __init__(self, missing: list[Question], missing_items: list[Any] | None = None) -> None:
        self.missing = missing
        self.missing_items = missing_items or []
        super().__init__(
            Refusal.INCOMPLETE,
            f"{len(missing)} question(s) and {len(self.missing_items)} profile item(s) unanswered",
        )


class Conflict(Refused):
    """A colleague changed the answer since this user last saw it."""

    def __init__(self, current: Answer) -> None:
        super().__init__(Refusal.CONFLICT, current.question_id)
        self.current = current


def draft_of(organisation: Organisation) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(
            Assessment.organisation_id == organisation.id,
            Assessment.status == AssessmentStatus.DRAFT,
        )
    )


def start_or_resume(
    organisation: Organisation, user: User, from_previous: bool = False
) -> Assessment:
    """The organisation's open draft, or a new round on the current questionnaire;
    ``from_previous``: the new round starts from the latest submitted round's
    answers and notes (comparable questions only), each marked until confirmed."""
    existing = draft_of(organisation)
    if existing is not None:
        return existing
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        raise NoQuestionnaire()
    last_round = db.session.scalar(
        select(func.max(Assessment.round)).where(Assessment.organisation_id == organisation.id)
    )
    assessment = Assessment(
        organisation=organisation,
        questionnaire_version=version,
        questionnaire_hash=version.content_hash,
        round=(last_round or 0) + 1,
        created_by=user,
    )
    db.session.add(assessment)
    try:
        db.session.commit()
    except IntegrityError:
        # A colleague started the same round a moment ago: continue theirs.
        db.session.rollback()
        existing = draft_of(organisation)
        if existing is None:
            raise
        return existing
    previous = latest_submitted(organisation.id) if from_previous else None
    if previous is not None:
        _carry_over_profile(previous, assessment, user)
        _carry_over_answers(previous, assessment, user)
    return assessment


def _carry_over_profile(previous: Assessment, assessment: Assessment, user: User) -> None:
    """The firm's profile describes the firm more than the round: taken over as it
    is (options the new questionnaire lacks are left out), changed on its page."""
    profile = items.profile_of(previous, questionnaire_for(previous))
    if profile:
        items.save_items(assessment, questionnaire_for(assessment), PROFILE, profile, user)


def _carry_over_answers(previous: Assessment, assessment: Assessment, user: User) -> None:
    earlier_rows = answers_of(previous)
    carried = carry_over(
        questionnaire_for(previous),
        {question_id: row.answer_value for question_id, row in earlier_rows.items()},
        questionnaire_for(assessment),
    )
    for question_id, value in carried.items():
        db.session.add(
            Answer(
                assessment_id=assessment.id,
                question_id=question_id,
                note=earlier_rows[question_id].note,
                revision=1,
                answered_by=user,
                carried_over=True,
                **Answer.columns_for(value),
            )
        )
    db.session.commit()


def unconfirmed(assessment: Assessment) -> set[str]:
    """Questions whose answer was carried over and nobody has confirmed yet."""
    return set(
        db.session.scalars(
            select(Answer.question_id).where(
                Answer.assessment_id == assessment.id, Answer.carried_over.is_(True)
            )
        )
    )


def save_answers(
    assessment: Assessment, answers: list[AnswerInput], user: User
) -> dict[str, Refused]:
    """Save a page of answers, each in its own short transaction: what was refused,
    by question (a `Conflict` carries the answer a colleague stored meanwhile)."""
    refused: dict[str, Refused] = {}
    for given in answers:
        try:
            save_answer(assessment, given, user)
        except Refused as error:
            refused[given.question_id] = error
    return refused


def save_answer(assessment: Assessment, given: AnswerInput, user: User) -> Answer:
    """Save one answer in its own short transaction; refuse stale or invalid ones."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise NotEditable()
    given = check_answer(questionnaire_for(assessment), given)
    stored = Answer.columns_for(given.value)

    existing = db.session.scalar(
        select(Answer)
        .where(Answer.assessment_id == assessment.id, Answer.question_id == given.question_id)
        .with_for_update()
    )
    if existing is not None:
        if (existing.answer_value, existing.note) == (given.value, given.note):
            if existing.carried_over:  # the same answer again: confirmed for this round
                existing.carried_over = False
                existing.answered_by = user
                existing.answered_at = datetime.now(UTC)
            db.session.commit()
            return existing  # a repeated save (retry, double click) is not a conflict
        if existing.revision != given.revision:
            db.session.commit()
            raise Conflict(existing)
        existing.answer_value = given.value
        existing.note = given.note
        existing.carried_over = False
        existing.revision += 1
        existing.answered_by = user
        existing.answered_at = datetime.now(UTC)
        answer = existing
    else:
        answer = Answer(
            assessment_id=assessment.id,
            question_id=given.question_id,
            note=given.note,
            revision=1,
            answered_by=user,
            **stored,
        )
        db.session.add(answer)
    assessment.updated_at = datetime.now(UTC)
    try:
        db.session.commit()
    except IntegrityError:
        # A colleague saved the first answer to this question at the same moment.
        db.session.rollback()
        current = db.session.scalar(
            select(Answer).where(
                Answer.assessment_id == assessment.id, Answer.question_id == given.question_id
            )
        )
        if current is None:
            raise
        raise Conflict(current) from None
    return answer


def missing_questions(
    questionnaire: Questionnaire,
    answered: set[str] | dict[str, Answer],
    profile: dict[str, str] | None = None,
) -> list[Question]:
    """The questions still to answer: those the profile marks not applicable need none."""
    marked = applicability(questionnaire, profile or {}).not_applicable
    return [q for q in questionnaire.questions if q.id not in answered and q.id not in marked]


@dataclass(frozen=True)
class AttestationInput:
    """The submitter's 真实性承诺: the promise accepted, in their role (职务)."""

    accepted: bool
    role: str


def checked_attestation(given: AttestationInput) -> str:
    """The role, once the promise is accepted and the role can be taken."""
    if not given.accepted:
        raise Refused(Refusal.NOT_ATTESTED)
    problem = attestation.role_problem(given.role)
    if problem is not None:
        raise Refused(
            {
                "missing": Refusal.ROLE_MISSING,
                "too_long": Refusal.ROLE_TOO_LONG,
                "not_one_line": Refusal.NOT_ONE_LINE,
            }[problem],
            limit=attestation.ROLE_MAX_LENGTH,
        )
    return given.role.strip()


def submit(assessment: Assessment, user: User, attested: AttestationInput) -> AssessmentResult:
    """Score a complete draft, store the scores and the submitter's attestation, and
    make the assessment read-only."""
    role = checked_attestation(attested)
    questionnaire = questionnaire_for(assessment)
    answers = answer_values(assessment)
    profile, outcomes = profile_and_outcomes(assessment, questionnaire)
    missing = missing_questions(questionnaire, set(answers) - unconfirmed(assessment), profile)
    unanswered_items = items.missing_items(assessment, questionnaire)
    if missing or unanswered_items:
        raise Incomplete(missing, unanswered_items)
    scored = scored_answers(questionnaire, answers, profile)
    result = score(questionnaire, scored)
    now = datetime.now(UTC)
    # Conditional update: of two simultaneous submits exactly one wins.
    claimed = rows_changed(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT)
        .values(status=AssessmentStatus.SUBMITTED, submitted_at=now, submitted_by_id=user.id)
    )
    if claimed != 1:
        db.session.rollback()
        raise NotEditable()
    stored = AssessmentResult(
        assessment_id=assessment.id,
        scoring_version=result.scoring_version,
        overall_index=result.overall_index,
        overall_level=result.overall_level,
        computed_at=now,
        dimensions=[
            DimensionResult(
                dimension_id=d.dimension_id, assessed=d.assessed, score=d.score, level=d.level
            )
            for d in result.dimensions.values()
        ],
    )
    db.session.add(stored)
    db.session.add(
        Attestation(
            assessment_id=assessment.id,
            user_id=user.id,
            name=user.name,
            role=role,
            text_version=attestation.CURRENT_VERSION,
            attested_at=now,
        )
    )
    db.session.refresh(assessment)
    write_summary(assessment, questionnaire, result, scored, outcomes)
    db.session.commit()
    return stored
