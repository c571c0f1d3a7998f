"""Roadmap, version 2: scores + targets + goals → ordered, phased, explained steps.

The rules are those of PRODUCT.md "Roadmap, exactly (version 2)": prerequisites
are level-scoped (a requirement applies from its ``from`` level on), the first two
phases hold at most the questionnaire's ``phase_capacity`` steps, and every step
says why it is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, is_level
from maturity.core.next_level import NextLevel, next_levels
from maturity.core.questionnaire import Question, Questionnaire, Recommendation
from maturity.core.scoring import MAX_LEVEL, Answers, ScoreResult

ROADMAP_VERSION = "2"
GOAL_BONUS = Fraction(3, 2)
# Why a step is in the plan (PRODUCT.md), in the order they are listed.
REASONS = ("goal", "next_level", "prerequisite")
PHASE_MONTHS = {1: (0, 6), 2: (6, 18), 3: (18, 36)}


class PlanProblem(str):
    """A problem with chosen targets or goals: its text, and a ``code`` for the pages
    (``unknown_dimension``, ``invalid_target``, ``not_assessed``, ``unknown_goal``,
    ``duplicate_goal``, ``too_many_goals``)."""

    code: str

    def __new__(cls, code: str, text: str) -> PlanProblem:
        problem = super().__new__(cls, text)
        problem.code = code
        return problem


class InvalidPlanInput(ValueError):
    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def phase_of_level(level: int) -> int:
    """1-2 → phase 1 (0-6 months), 3 → phase 2 (6-18), 4-5 → phase 3 (18-36)."""
    if level <= 2:
        return 1
    if level == 3:
        return 2
    return 3


@dataclass(frozen=True)
class Prerequisite:
    """A requirement that applies to a step's level: ``question`` at ``level``."""

    question_id: str
    level: int
    met: bool


@dataclass(frozen=True)
class Step:
    question_id: str
    dimension_id: str
    from_level: int
    to_level: int
    phase: int
    priority: float
    position: int  # the question's position in the questionnaire
    recommendation: Recommendation
    reasons: tuple[str, ...] = ()  # of REASONS, sorted
    prerequisites: tuple[Prerequisite, ...] = ()
    required_by: tuple[tuple[str, int], ...] = ()  # (question, level) of dependent steps

    @property
    def services(self) -> tuple[str, ...]:
        return self.recommendation.services

    @property
    def key(self) -> tuple[str, int]:
        return self.question_id, self.to_level


@dataclass(frozen=True)
class Roadmap:
    targets: Mapping[str, int]  # per assessed dimension
    effective_targets: Mapping[str, int]  # per applicable question
    steps: tuple[Step, ...]
    services: tuple[str, ...]  # named by the steps, in questionnaire order
    next_levels: Mapping[str, NextLevel | None] = field(default_factory=dict)
    capacity: tuple[int, int] = (5, 8)
    version: str = ROADMAP_VERSION

    def phase(self, phase: int) -> list[Step]:
        return [step for step in self.steps if step.phase == phase]


def plan_problems(
    questionnaire: Questionnaire,
    targets: Mapping[str, object],
    goals: Iterable[object],
    assessed: Iterable[str] | None = None,
) -> list[PlanProblem]:
    """Every problem with chosen targets (per dimension, a level; only for ``assessed``
    dimensions when given) and business goals (known, once each, at most ``max_goals``)."""
    problems = []
    dimension_ids = {dimension.id for dimension in questionnaire.dimensions}
    scored = set(dimension_ids if assessed is None else assessed)
    for dimension_id, level in targets.items():
        if dimension_id not in dimension_ids:
            problems.append(
                PlanProblem("unknown_dimension", f"targets: unknown dimension id {dimension_id!r}")
            )
        elif not is_level(level):
            problems.append(
                PlanProblem(
                    "invalid_target",
                    f"targets: {dimension_id}: {level!r} is not a level from 0 to 5",
                )
            )
        elif dimension_id not in scored:
            problems.append(PlanProblem("not_assessed", f"targets: {dimension_id} is not assessed"))
    goal_list = list(goals)
    goal_ids = {goal.id for goal in questionnaire.goals}
    seen: set[object] = set()
    for goal_id in goal_list:
        if goal_id not in goal_ids:
            problems.append(PlanProblem("unknown_goal", f"goals: unknown goal id {goal_id!r}"))
        elif goal_id in seen:
            problems.append(PlanProblem("duplicate_goal", f"goals: {goal_id!r} is listed twice"))
        seen.add(goal_id)
    if len(goal_list) > questionnaire.max_goals:
        problems.append(
            PlanProblem(
                "too_many_goals",
                f"goals: at most {questionnaire.max_goals} goals may be chosen, not {len(goal_list)}",
            )
        )
    return problems


def default_target(level: int) -> int:
    return min(level + 1, MAX_LEVEL)


def build_roadmap(
    questionnaire: Questionnaire,
    answers: Answers,
    scores: ScoreResult,
    targets: Mapping[str, int] | None = None,
    goals: Iterable[str] = (),
    variant: str | None = None,
) -> Roadmap:
    """``variant``: the wording the profile chose (its recommendations are the steps')."""
    goals = list(goals)
    targets = dict(targets or {})
    problems = plan_problems(questionnaire, targets, goals)
    if problems:
        raise InvalidPlanInput(problems)

    dimension_targets: dict[str, int] = {}
    for dimension_id, result in scores.dimensions.items():
        if result.assessed and result.level is not None:
            dimension_targets[dimension_id] = targets.get(
                dimension_id, default_target(result.level)
            )

    applicable: dict[str, Question] = {
        question.id: question
        for question in questionnaire.questions
        if answers[question.id] != NOT_APPLICABLE
    }
    value = {question_id: int(answers[question_id]) for question_id in applicable}

    # Effective targets (level-scoped prerequisites): whenever a question has a step
    # reaching a level from which a requirement applies, raise the required
    # question's target to the required level; until nothing changes.
    effective = {qid: dimension_targets[q.dimension_id] for qid, q in applicable.items()}
    changed = True
    while changed:
        changed = False
        for question_id, question in applicable.items():
            target = effective[question_id]
            if value[question_id] >= target:
                continue  # no steps, so it imposes nothing
            for requirement in question.requirements_for(target):
                required_id = requirement.question_id
                if required_id in applicable and effective[required_id] < requirement.level:
                    effective[required_id] = requirement.level
                    changed = True

    # Phases: by the level a step reaches, then never before the step of a prerequisite
    # that applies to its level, nor before the question's own step one level lower.
    phase: dict[tuple[str, int], int] = {
        (question_id, level): phase_of_level(level)
        for question_id in applicable
        for level in range(value[question_id] + 1, effective[question_id] + 1)
    }

    def depends_on(question_id: str, level: int) -> list[tuple[str, int]]:
        own = [(question_id, level - 1)] if (question_id, level - 1) in phase else []
        return own + [
            (r.question_id, r.level)
            for r in applicable[question_id].requirements_for(level)
            if (r.question_id, r.level) in phase
        ]

    def apply_phase_rules() -> None:
        changed = True
        while changed:
            changed = False
            for (question_id, level), current in phase.items():
                floor = max((phase[key] for key in depends_on(question_id, level)), default=1)
                if floor > current:
                    phase[(question_id, level)] = floor
                    changed = True

    goal_dimensions = {
        dimension_id for goal_id in goals for dimension_id in questionnaire.goal(goal_id).dimensions
    }
    priority: dict[str, Fraction] = {}
    for question_id, question in applicable.items():
        weight = question.weight * (effective[question_id] - value[question_id])
        bonus = GOAL_BONUS if question.dimension_id in goal_dimensions else 1
        priority[question_id] = weight * bonus

    def order(key: tuple[str, int]) -> tuple[int, Fraction, int, int]:
        question_id, level = key
        return phase[key], -priority[question_id], applicable[question_id].position, level

    # Capacity: phase 1 then phase 2 gives its last steps in order to the next phase
    # until it holds no more than its capacity; dependants follow by the phase rules.
    apply_phase_rules()
    for limited, capacity in enumerate(questionnaire.phase_capacity, start=1):
        while True:
            held = sorted((key for key in phase if phase[key] == limited), key=order)
            if len(held) <= capacity:
                break
            phase[held[-1]] = limited + 1
            apply_phase_rules()

    levels = next_levels(questionnaire, answers, scores)
    required_by: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for question_id, level in phase:
        for key in depends_on(question_id, level):
            if key[0] != question_id:
                required_by.setdefault(key, []).append((question_id, level))
    steps = []
    for key in sorted(phase, key=order):
        question_id, level = key
        question = applicable[question_id]
        upcoming = levels.get(question.dimension_id)
        reasons = set()
        if question.dimension_id in goal_dimensions:
            reasons.add("goal")
        if upcoming and question_id in upcoming.questions and level == upcoming.level:
            reasons.add("next_level")
        if key in required_by:
            reasons.add("prerequisite")
        steps.append(
            Step(
                question_id=question_id,
                dimension_id=question.dimension_id,
                from_level=level - 1,
                to_level=level,
                phase=phase[key],
                priority=float(priority[question_id]),
                position=question.position,
                recommendation=question.wording(variant).recommendations[level],
                reasons=tuple(r for r in REASONS if r in reasons),
                prerequisites=tuple(
                    Prerequisite(r.question_id, r.level, value[r.question_id] >= r.level)
                    for r in question.requirements_for(level)
                    if r.question_id in applicable
                ),
                required_by=tuple(sorted(required_by.get(key, ()), key=order)),
            )
        )
    named = {service for step in steps for service in step.services}
    return Roadmap(
        targets=dimension_targets,
        effective_targets=effective,
        steps=tuple(steps),
        services=tuple(s.id for s in questionnaire.services if s.id in named),
        next_levels=levels,
        capacity=questionnaire.phase_capacity,
    )
