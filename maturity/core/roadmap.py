"""Roadmap, version 2: scores + targets + goals → ordered, phased, explained steps.

The rules are those of PRODUCT.md "Roadmap, exactly (version 2)": prerequisites
are level-scoped (a requirement applies from its ``from`` level on), the first two
phases hold at most the questionnaire's ``phase_capacity`` steps, and every step
says why it is there. ``PhasedSteps`` (targets, effective targets, steps, phases by
level and the phase rules) is what version 3 (``roadmap_items``) keeps of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, is_level
from maturity.core.items.wording import VariantChoice
from maturity.core.next_level import NextLevel, next_levels
from maturity.core.questionnaire import Question, Questionnaire, Recommendation
from maturity.core.refusals import Refusal, Refused
from maturity.core.scoring import MAX_LEVEL, Answers, ScoreResult

ROADMAP_VERSION = "2"
StepKey = tuple[str, int]  # (question id, level the step reaches)
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


class InvalidPlanInput(Refused):
    """Targets or goals refused: ``too_many_goals`` (its ``limit``) or ``invalid_plan``;
    ``problems`` lists each (its text is the exception's)."""

    def __init__(self, problems: list[PlanProblem], max_goals: int) -> None:
        too_many = any(problem.code == "too_many_goals" for problem in problems)
        super().__init__(
            Refusal.TOO_MANY_GOALS if too_many else Refusal.INVALID_PLAN, limit=max_goals
        )
        self.problems = problems
        self.args = ("\n".join(problems),)


def targets_from_text(given: Mapping[str, str]) -> dict[str, int]:
    """Target levels as a form gives them (dimension id → "0".."5"); Refused
    ``invalid_target`` when one is not a whole number. Whether it is a level, and which
    dimensions may have targets, is ``plan_problems``' question."""
    targets = {}
    for dimension_id, raw in given.items():
        text = raw.strip()
        if not (text.isdecimal() and text.isascii()):
            raise Refused(Refusal.INVALID_TARGET, dimension_id)
        targets[dimension_id] = int(text)
    return targets


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
    capacity: tuple[int, ...] = (5, 8)  # steps (version 2) or items (3) per phase
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


class PhasedSteps:
    """What versions 2 and 3 of the roadmap share (PRODUCT.md): targets, level-scoped
    prerequisites, effective targets, one step per level to the target, phases by the
    level reached and the phase rules. ``phase`` is the phase of every step, by
    (question, level reached); the versions move steps to later phases by their own
    rules and then call ``apply_phase_rules`` again."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        answers: Answers,
        scores: ScoreResult,
        targets: Mapping[str, int] | None = None,
        goals: Iterable[str] = (),
        variant: VariantChoice = None,
    ) -> None:
        self.questionnaire = questionnaire
        self.variant = variant
        self.goals = list(goals)
        chosen = dict(targets or {})
        problems = plan_problems(questionnaire, chosen, self.goals)
        if problems:
            raise InvalidPlanInput(problems, questionnaire.max_goals)
        self.targets: dict[str, int] = {
            dimension_id: chosen.get(dimension_id, default_target(result.level))
            for dimension_id, result in scores.dimensions.items()
            if result.assessed and result.level is not None
        }
        self.applicable: dict[str, Question] = {
            question.id: question
            for question in questionnaire.questions
            if answers[question.id] != NOT_APPLICABLE
        }
        self.value = {question_id: int(answers[question_id]) for question_id in self.applicable}
        self.effective = self._effective_targets()
        self.phase: dict[StepKey, int] = {
            (question_id, level): phase_of_level(level)
            for question_id in self.applicable
            for level in range(self.value[question_id] + 1, self.effective[question_id] + 1)
        }
        # A goal serves the dimensions it names (formats 1, 2) or its questions (format 3).
        self.served = {
            question_id
            for question_id, question in self.applicable.items()
            if any(questionnaire.goal(goal_id).serves(question) for goal_id in self.goals)
        }
        self.next_levels = next_levels(questionnaire, answers, scores)
        self.apply_phase_rules()

    def _effective_targets(self) -> dict[str, int]:
        """Whenever a question has a step reaching a level from which a requirement
        applies, raise the required question's target to the required level; until
        nothing changes."""
        effective = {
            question_id: self.targets[question.dimension_id]
            for question_id, question in self.applicable.items()
        }
        changed = True
        while changed:
            changed = False
            for question_id, question in self.applicable.items():
                target = effective[question_id]
                if self.value[question_id] >= target:
                    continue  # no steps, so it imposes nothing
                for requirement in question.requirements_for(target):
                    required_id = requirement.question_id
                    if (
                        required_id in self.applicable
                        and effective[required_id] < requirement.level
                    ):
                        effective[required_id] = requirement.level
                        changed = True
        return effective

    def depends_on(self, key: StepKey) -> list[StepKey]:
        """The steps a step comes after: its question's own step one level lower and
        the steps of the prerequisites that apply to its level."""
        question_id, level = key
        own = [(question_id, level - 1)] if (question_id, level - 1) in self.phase else []
        return own + [
            (r.question_id, r.level)
            for r in self.applicable[question_id].requirements_for(level)
            if (r.question_id, r.level) in self.phase
        ]

    def apply_phase_rules(self) -> None:
        """Never before the step of a prerequisite that applies to the step's level,
        nor before the question's own step one level lower; until nothing changes."""
        changed = True
        while changed:
            changed = False
            for key, current in self.phase.items():
                floor = max((self.phase[needed] for needed in self.depends_on(key)), default=1)
                if floor > current:
                    self.phase[key] = floor
                    changed = True

    def required_by(self) -> dict[StepKey, list[StepKey]]:
        """The steps of other questions that depend on each step."""
        found: dict[StepKey, list[StepKey]] = {}
        for key in self.phase:
            for needed in self.depends_on(key):
                if needed[0] != key[0]:
                    found.setdefault(needed, []).append(key)
        return found

    def steps(
        self, ordered: list[StepKey], priority: Callable[[StepKey], Fraction]
    ) -> tuple[Step, ...]:
        """``ordered`` as steps, with their reasons and prerequisites (version 2's
        reasons: the pages explain every step by them)."""
        rank = {key: position for position, key in enumerate(ordered)}
        required_by = self.required_by()
        steps = []
        for key in ordered:
            question_id, level = key
            question = self.applicable[question_id]
            upcoming = self.next_levels.get(question.dimension_id)
            reasons = set()
            if question_id in self.served:
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
                    phase=self.phase[key],
                    priority=float(priority(key)),
                    position=question.position,
                    recommendation=question.wording(self.variant).recommendations[level],
                    reasons=tuple(r for r in REASONS if r in reasons),
                    prerequisites=tuple(
                        Prerequisite(r.question_id, r.level, self.value[r.question_id] >= r.level)
                        for r in question.requirements_for(level)
                        if r.question_id in self.applicable
                    ),
                    required_by=tuple(sorted(required_by.get(key, ()), key=rank.__getitem__)),
                )
            )
        return tuple(steps)

    def services(self, steps: Iterable[Step]) -> tuple[str, ...]:
        """The support services the steps name, in the questionnaire's order."""
        named = {service for step in steps for service in step.services}
        return tuple(s.id for s in self.questionnaire.services if s.id in named)


def build_roadmap(
    questionnaire: Questionnaire,
    answers: Answers,
    scores: ScoreResult,
    targets: Mapping[str, int] | None = None,
    goals: Iterable[str] = (),
    variant: VariantChoice = None,
) -> Roadmap:
    """Version 2. ``variant``: the wording the profile chose (its recommendations are
    the steps')."""
    phased = PhasedSteps(questionnaire, answers, scores, targets, goals, variant)
    applicable, phase = phased.applicable, phased.phase
    priority: dict[str, Fraction] = {}
    for question_id, question in applicable.items():
        weight = question.weight * (phased.effective[question_id] - phased.value[question_id])
        bonus = GOAL_BONUS if question_id in phased.served else 1
        priority[question_id] = weight * bonus

    def order(key: StepKey) -> tuple[int, Fraction, int, int]:
        question_id, level = key
        return phase[key], -priority[question_id], applicable[question_id].position, level

    # Capacity: phase 1 then phase 2 gives its last steps in order to the next phase
    # until it holds no more than its capacity; dependants follow by the phase rules.
    # Roadmap 2 limits two phases; a format-3 file's third capacity is roadmap 3's.
    for limited, capacity in enumerate(questionnaire.phase_capacity[:2], start=1):
        while True:
            held = sorted((key for key in phase if phase[key] == limited), key=order)
            if len(held) <= capacity:
                break
            phase[held[-1]] = limited + 1
            phased.apply_phase_rules()

    steps = phased.steps(sorted(phase, key=order), lambda key: priority[key[0]])
    return Roadmap(
        targets=phased.targets,
        effective_targets=phased.effective,
        steps=steps,
        services=phased.services(steps),
        next_levels=phased.next_levels,
        capacity=(questionnaire.phase_capacity[0], questionnaire.phase_capacity[1]),
    )
