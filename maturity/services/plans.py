"""The plan of a submitted round: target levels per dimension and the
organisation's business goals, from which the roadmap follows; the revisions of
its edits (a consultant's or the owner's) and the status of its steps; and what
the next round shows of the steps that were done."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from maturity.core.answers import NOT_APPLICABLE
from maturity.core.evaluation import Evaluation
from maturity.core.plan import (
    MAX_TEXT,
    Plan,
    PlanEdits,
    StepKey,
    StepState,
    apply_edits,
    computed_plan,
)
from maturity.core.plan_edits import edits_from_json
from maturity.core.questionnaire import Questionnaire
from maturity.core.refusals import Refusal, Refused
from maturity.core.roadmap import InvalidPlanInput, Roadmap, plan_problems
from maturity.extensions import db
from maturity.models import (
    Assessment,
    AssessmentTarget,
    Organisation,
    OrganisationGoal,
    PlanRevision,
    StepStatus,
    User,
)
from maturity.services.audit import record
from maturity.services.results import (
    answer_values,
    latest_submitted,
    questionnaire_for,
    stored_scores,
)


def set_goals(organisation: Organisation, questionnaire: Questionnaire, goals: list[str]) -> None:
    """Replace the organisation's goals (in the caller's transaction); InvalidPlanInput
    lists what is wrong (unknown, repeated, more than the questionnaire allows)."""
    problems = plan_problems(questionnaire, {}, goals)
    if problems:
        raise InvalidPlanInput(problems, questionnaire.max_goals)
    # Keep rows that stay: replacing them would insert before deleting and trip
    # the (organisation, goal) unique constraint.
    existing = {goal.goal_id: goal for goal in organisation.goals}
    kept = []
    for position, goal_id in enumerate(goals):
        row = existing.get(goal_id) or OrganisationGoal(goal_id=goal_id)
        row.position = position
        kept.append(row)
    organisation.goals = kept


class KeepBudget(enum.Enum):
    """The budget left as it is (a form of a round on roadmap 2 does not ask it)."""

    KEEP = "keep"


KEEP_BUDGET = KeepBudget.KEEP


def set_plan(
    assessment: Assessment,
    targets: Mapping[str, int],
    goals: list[str],
    budget: Decimal | KeepBudget | None = KEEP_BUDGET,
) -> None:
    """Store chosen target levels, business goals and (roadmap 3) the organisation's
    annual digital budget in 万元 (None: none); the roadmap follows from them."""
    questionnaire = questionnaire_for(assessment)
    scores = stored_scores(assessment)
    assessed = [d for d, result in scores.dimensions.items() if result.assessed]
    problems = plan_problems(questionnaire, targets, goals, assessed)
    if problems:
        raise InvalidPlanInput(problems, questionnaire.max_goals)
    existing = {target.dimension_id: target for target in assessment.targets}
    kept = []
    for dimension_id, level in targets.items():
        row = existing.get(dimension_id) or AssessmentTarget(dimension_id=dimension_id)
        row.level = level
        kept.append(row)
    assessment.targets = kept
    set_goals(assessment.organisation, questionnaire, goals)
    if not isinstance(budget, KeepBudget):
        assessment.organisation.digital_budget = budget
    db.session.commit()


class StatusRefused(Refused):
    """A step status that cannot be stored: ``unknown_step``, ``invalid_state``,
    ``invalid_date`` or ``note_too_long`` (with its ``limit``)."""


@dataclass(frozen=True)
class CuratedPlan:
    plan: Plan
    revision: PlanRevision | None  # the newest revision, None when never edited
    statuses: dict[StepKey, StepStatus]


def revisions_of(assessment: Assessment) -> list[PlanRevision]:
    return list(
        db.session.scalars(
            select(PlanRevision)
            .where(PlanRevision.assessment_id == assessment.id)
            .order_by(PlanRevision.number.desc())
        )
    )


def latest_revision(assessment: Assessment) -> PlanRevision | None:
    return db.session.scalars(
        select(PlanRevision)
        .where(PlanRevision.assessment_id == assessment.id)
        .order_by(PlanRevision.number.desc())
        .limit(1)
    ).first()


def statuses_of(assessment: Assessment) -> dict[StepKey, StepStatus]:
    rows = db.session.scalars(select(StepStatus).where(StepStatus.assessment_id == assessment.id))
    return {(row.question_id, row.level): row for row in rows}


def plan_of(assessment: Assessment, evaluation: Evaluation, computed: bool = False) -> CuratedPlan:
    """The plan people act on (``computed``: the roadmap as computed, ignoring edits)."""
    revision = latest_revision(assessment)
    roadmap = evaluation.roadmap
    if computed or revision is None or revision.edits is None:
        plan = computed_plan(roadmap)
    else:
        plan = apply_edits(roadmap, edits_from_json(revision.edits))
    return CuratedPlan(plan, revision, statuses_of(assessment))


class TopRepeated(Exception):
    """Edits not saved: a chosen most important step repeats the practice (question or
    project) of an earlier choice, which the plan would leave out without a word.
    ``plan``: what the edits would give, for the editor to show them again."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan.repeated)
        self.plan = plan


def save_edits(
    assessment: Assessment, roadmap: Roadmap, edits: PlanEdits, user: User
) -> PlanRevision:
    """The edits as a new revision of the plan; TopRepeated when one of the chosen most
    important steps would be left out."""
    plan = apply_edits(roadmap, edits)
    if plan.repeated:
        raise TopRepeated(plan)
    return save_revision(assessment, edits, user)


def save_revision(assessment: Assessment, edits: PlanEdits | None, user: User) -> PlanRevision:
    """A new revision of the plan (``None``: back to the computed plan)."""
    for _attempt in range(3):
        number = (
            db.session.scalar(
                select(func.max(PlanRevision.number)).where(
                    PlanRevision.assessment_id == assessment.id
                )
            )
            or 0
        ) + 1
        revision = PlanRevision(
            assessment_id=assessment.id,
            number=number,
            edits=None if edits is None else edits.to_json(),
            author=user,
        )
        db.session.add(revision)
        record(
            user,
            "edit_plan",
            "assessment",
            assessment.id,
            assessment.organisation_id,
            revision=number,
        )
        try:
            db.session.commit()
            return revision
        except IntegrityError:  # a colleague saved the same number at the same moment
            db.session.rollback()
    raise RuntimeError("could not number the plan revision")


def set_status(
    assessment: Assessment,
    evaluation: Evaluation,
    key: StepKey,
    state: str,
    due_on: str,
    note: str,
    user: User,
) -> StepStatus:
    """Store where the organisation stands with a step of the current plan."""
    if plan_of(assessment, evaluation).plan.step(key) is None:
        raise StatusRefused(Refusal.UNKNOWN_STEP)
    try:
        chosen = StepState(state)
    except ValueError:
        raise StatusRefused(Refusal.INVALID_STATE) from None
    due: date | None = None
    if due_on.strip():
        try:
            due = date.fromisoformat(due_on.strip())
        except ValueError:
            raise StatusRefused(Refusal.INVALID_DATE) from None
        if not date(2000, 1, 1) <= due <= date(2099, 12, 31):
            raise StatusRefused(Refusal.INVALID_DATE)
    if len(note) > MAX_TEXT:
        raise StatusRefused(Refusal.NOTE_TOO_LONG, limit=MAX_TEXT)
    row = statuses_of(assessment).get(key)
    if row is None:
        row = StepStatus(assessment_id=assessment.id, question_id=key[0], level=key[1])
        db.session.add(row)
    row.state, row.due_on, row.note, row.updated_by = chosen, due, note.strip() or None, user
    record(
        user,
        "step_status",
        "assessment",
        assessment.id,
        assessment.organisation_id,
        step=f"{key[0]}:{key[1]}",
        state=chosen.value,
    )
    db.session.commit()
    return row


@dataclass(frozen=True)
class DueStep:
    assessment: Assessment
    status: StepStatus


def due_steps(organisation: Organisation, within_days: int = 30) -> list[DueStep]:
    """Open steps of the organisation's latest submitted round due within the days
    given (or overdue), soonest first."""
    latest = latest_submitted(organisation.id)
    if latest is None:
        return []
    horizon = date.today() + timedelta(days=within_days)
    rows = db.session.scalars(
        select(StepStatus)
        .where(
            StepStatus.assessment_id == latest.id,
            StepStatus.state != StepState.DONE,
            StepStatus.due_on.is_not(None),
            StepStatus.due_on <= horizon,
        )
        .order_by(StepStatus.due_on, StepStatus.question_id, StepStatus.level)
    )
    return [DueStep(latest, row) for row in rows]


@dataclass(frozen=True)
class DoneStep:
    question_id: str
    level: int
    earlier: int | None  # the question's answer in the earlier round (None: N/A or absent)
    later: int | None  # … in the later round
    note: str | None

    @property
    def reached(self) -> bool:
        return self.later is not None and self.later >= self.level


def done_between(earlier: Assessment, later: Assessment) -> list[DoneStep]:
    """The steps of the earlier round's plan marked done, with how the question's
    answer moved by the later round."""
    before = answer_values(earlier)
    after = answer_values(later)

    def level(values: Mapping[str, object], question_id: str) -> int | None:
        value = values.get(question_id)
        return None if value is None or value == NOT_APPLICABLE else int(str(value))

    return [
        DoneStep(key[0], key[1], level(before, key[0]), level(after, key[0]), row.note)
        for key, row in sorted(statuses_of(earlier).items())
        if row.state == StepState.DONE
    ]
