"""Assessment use cases: start, answer, submit, plan, benchmark, compare.

Views call these; every rule about numbers comes from maturity.core.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from maturity.core import benchmark as benchmark_core
from maturity.core.comparison import Comparison, compare
from maturity.core.evaluation import Evaluation, EvaluationInput
from maturity.core.questionnaire import Question, Questionnaire
from maturity.core.roadmap import build_roadmap, plan_problems
from maturity.core.scoring import (
    LEVEL_VALUES,
    NOT_APPLICABLE,
    AnswerValue,
    DimensionScore,
    ScoreResult,
    score,
)
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    AssessmentTarget,
    DimensionResult,
    Organisation,
    OrganisationGoal,
    QuestionnaireVersion,
    User,
)
from maturity.services.questionnaires import current_version, questionnaire_of
from maturity.services.summaries import write_summary

MAX_NOTE_LENGTH = 2000


class AssessmentError(Exception):
    """A refused operation; ``code`` selects the message shown to the user."""

    code = "error"


class NoQuestionnaire(AssessmentError):
    code = "no_questionnaire"


class NotEditable(AssessmentError):
    code = "not_editable"


class UnknownQuestion(AssessmentError):
    code = "unknown_question"


class InvalidValue(AssessmentError):
    code = "invalid_value"


class NotApplicableNotAllowed(AssessmentError):
    code = "na_not_allowed"


class NoteTooLong(AssessmentError):
    code = "note_too_long"


class Incomplete(AssessmentError):
    code = "incomplete"

    def __init__(self, missing: list[Question]) -> None:
        super().__init__(f"{len(missing)} question(s) unanswered")
        self.missing = missing


class Conflict(AssessmentError):
    """A colleague changed the answer since this user last saw it."""

    code = "conflict"

    def __init__(self, current: Answer) -> None:
        super().__init__(f"answer to {current.question_id} changed meanwhile")
        self.current = current


def questionnaire_for(assessment: Assessment) -> Questionnaire:
    return questionnaire_of(assessment.questionnaire_version)


def draft_of(organisation: Organisation) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(
            Assessment.organisation_id == organisation.id,
            Assessment.status == AssessmentStatus.DRAFT,
        )
    )


def start_or_resume(organisation: Organisation, user: User) -> Assessment:
    """The organisation's open draft, or a new round on the current questionnaire."""
    existing = draft_of(organisation)
    if existing is not None:
        return existing
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        raise NoQuestionnaire("no questionnaire version is published")
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
    return assessment


def answers_of(assessment: Assessment) -> dict[str, Answer]:
    rows = db.session.scalars(
        select(Answer)
        .where(Answer.assessment_id == assessment.id)
        .options(selectinload(Answer.answered_by))
    )
    return {answer.question_id: answer for answer in rows}


def answered_count(assessment: Assessment) -> int:
    return (
        db.session.scalar(
            select(func.count(Answer.id)).where(Answer.assessment_id == assessment.id)
        )
        or 0
    )


def answer_value(answer: Answer) -> AnswerValue:
    return NOT_APPLICABLE if answer.not_applicable else int(answer.value or 0)


@dataclass(frozen=True)
class AnswerInput:
    question_id: str
    value: int | None  # None together with not_applicable
    not_applicable: bool
    note: str | None
    revision: int  # the revision the user saw; 0 = they saw no answer


def parse_value(raw: object) -> tuple[int | None, bool]:
    """A submitted value ("0".."5", 0..5 or "na") → (value, not_applicable)."""
    if raw == NOT_APPLICABLE:
        return None, True
    if isinstance(raw, bool):
        raise InvalidValue(repr(raw))
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, int) and raw in LEVEL_VALUES:
        return raw, False
    raise InvalidValue(repr(raw))


def save_answer(
    assessment: Assessment, questionnaire: Questionnaire, given: AnswerInput, user: User
) -> Answer:
    """Save one answer in its own short transaction; refuse stale or invalid ones."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise NotEditable("the assessment has been submitted")
    if not questionnaire.has_question(given.question_id):
        raise UnknownQuestion(given.question_id)
    if given.not_applicable and not questionnaire.question(given.question_id).allow_na:
        raise NotApplicableNotAllowed(given.question_id)
    if not given.not_applicable and given.value not in LEVEL_VALUES:
        raise InvalidValue(repr(given.value))
    note = (given.note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise NoteTooLong(given.question_id)

    existing = db.session.scalar(
        select(Answer)
        .where(Answer.assessment_id == assessment.id, Answer.question_id == given.question_id)
        .with_for_update()
    )
    value = None if given.not_applicable else given.value
    if existing is not None:
        unchanged = (existing.value, existing.not_applicable, existing.note) == (
            value,
            given.not_applicable,
            note,
        )
        if unchanged:
            db.session.commit()
            return existing  # a repeated save (retry, double click) is not a conflict
        if existing.revision != given.revision:
            db.session.commit()
            raise Conflict(existing)
        existing.value = value
        existing.not_applicable = given.not_applicable
        existing.note = note
        existing.revision += 1
        existing.answered_by = user
        existing.answered_at = datetime.now(UTC)
        answer = existing
    else:
        answer = Answer(
            assessment_id=assessment.id,
            question_id=given.question_id,
            value=value,
            not_applicable=given.not_applicable,
            note=note,
            revision=1,
            answered_by=user,
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
    questionnaire: Questionnaire, answers: Mapping[str, Answer]
) -> list[Question]:
    return [q for q in questionnaire.questions if q.id not in answers]


def submit(assessment: Assessment, questionnaire: Questionnaire, user: User) -> AssessmentResult:
    """Score a complete draft, store the scores, and make the assessment read-only."""
    answers = answers_of(assessment)
    missing = missing_questions(questionnaire, answers)
    if missing:
        raise Incomplete(missing)
    result = score(questionnaire, {qid: answer_value(a) for qid, a in answers.items()})
    now = datetime.now(UTC)
    # Conditional update: of two simultaneous submits exactly one wins.
    claimed = db.session.execute(
        update(Assessment)
        .where(Assessment.id == assessment.id, Assessment.status == AssessmentStatus.DRAFT)
        .values(status=AssessmentStatus.SUBMITTED, submitted_at=now, submitted_by_id=user.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise NotEditable("the assessment has already been submitted")
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
    db.session.refresh(assessment)
    write_summary(
        assessment, questionnaire, result, {qid: answer_value(a) for qid, a in answers.items()}
    )
    db.session.commit()
    return stored


def stored_scores(assessment: Assessment) -> ScoreResult:
    """The scores stored at submission (never recomputed from a newer rule)."""
    result = assessment.result
    if result is None:
        raise NotEditable("the assessment has not been submitted")
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


def evaluation_of(assessment: Assessment) -> Evaluation:
    """Stored scores plus the roadmap for the current targets and goals."""
    questionnaire = questionnaire_for(assessment)
    answers = {qid: answer_value(a) for qid, a in answers_of(assessment).items()}
    scores = stored_scores(assessment)
    goals = [
        g for g in goals_of(assessment.organisation) if g in {x.id for x in questionnaire.goals}
    ]
    targets = targets_of(assessment)
    roadmap = build_roadmap(
        questionnaire, answers, scores, targets, goals[: questionnaire.max_goals]
    )
    return Evaluation(
        questionnaire, EvaluationInput(answers, targets, tuple(goals)), scores, roadmap
    )


def set_goals(organisation: Organisation, questionnaire: Questionnaire, goals: list[str]) -> None:
    problems = plan_problems(questionnaire, {}, goals)
    if problems:
        raise InvalidValue("; ".join(problems))
    # Keep rows that stay: replacing them would insert before deleting and trip
    # the (organisation, goal) unique constraint.
    existing = {goal.goal_id: goal for goal in organisation.goals}
    kept = []
    for position, goal_id in enumerate(goals):
        row = existing.get(goal_id) or OrganisationGoal(goal_id=goal_id)
        row.position = position
        kept.append(row)
    organisation.goals = kept


def set_plan(assessment: Assessment, targets: Mapping[str, int], goals: list[str]) -> None:
    """Store chosen target levels and business goals; the roadmap follows from them."""
    questionnaire = questionnaire_for(assessment)
    scores = stored_scores(assessment)
    assessed = {d for d, result in scores.dimensions.items() if result.assessed}
    problems = plan_problems(questionnaire, targets, goals)
    problems += [f"targets: {d} is not assessed" for d in targets if d not in assessed]
    if problems:
        raise InvalidValue("; ".join(problems))
    existing = {target.dimension_id: target for target in assessment.targets}
    kept = []
    for dimension_id, level in targets.items():
        row = existing.get(dimension_id) or AssessmentTarget(dimension_id=dimension_id)
        row.level = level
        kept.append(row)
    assessment.targets = kept
    set_goals(assessment.organisation, questionnaire, goals)
    db.session.commit()


def peer_results(questionnaire_version_id: int) -> list[benchmark_core.PeerResult]:
    """The latest submitted result of every organisation on this questionnaire version."""
    latest = (
        select(Assessment.organisation_id, func.max(Assessment.round).label("round"))
        .where(
            Assessment.questionnaire_version_id == questionnaire_version_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
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


def comparison_of(earlier: Assessment, later: Assessment) -> Comparison:
    def values(assessment: Assessment) -> dict[str, AnswerValue]:
        return {qid: answer_value(a) for qid, a in answers_of(assessment).items()}

    return compare(
        questionnaire_for(earlier), values(earlier), questionnaire_for(later), values(later)
    )


def versions_by_id(ids: Iterable[int]) -> dict[int, QuestionnaireVersion]:
    return {
        row.id: row
        for row in db.session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(list(ids)))
        )
    }
