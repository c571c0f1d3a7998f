"""Roadmap, version 3 (PRODUCT.md, "Roadmap, version 3"): the steps of version 2
bundled into items, ordered by inherited priority, fitted to three phases and to the
organisation's budget, and explained.

Version 2's targets, level-scoped prerequisites, effective targets, steps, phases by
level and phase rules are shared (``roadmap.PhasedSteps``). Then:

- A step's own priority is its question's weight, × 1.5 when the question serves a
  chosen goal, × 1.25 for a quick win. Its priority is the largest of its own and that
  of every step that needs it, directly or through a chain: an enabler is as urgent as
  what it enables. A step needs what the phase rules put it after (the prerequisites
  of its level and its question's step one level lower), so that nothing is ranked
  above a step it cannot do without.
- After the phase rules, steps of one project in one phase are one item; every other
  step is an item of its own. An item's priority is its largest step's.
- In a phase: priority descending; then an enabler before what it enables; then the
  foundations dimension first, then the questionnaire's order; then the level.
- Phases 1, 2 and 3 in turn: while the items, at their cost bands' midpoints, cost
  more than the phase's share of the budget, the first item that takes them over
  moves to the next phase (cheaper items after it may still fit); then, while the
  phase holds more items than its capacity, its last item moves. The phase rules are
  applied after every move. What leaves phase 3 is "after this plan" (``LATER``),
  never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache
from itertools import groupby

from maturity.core.applicability import applicability
from maturity.core.items.action import Band
from maturity.core.items.wording import VariantChoice
from maturity.core.questionnaire import Questionnaire, Recommendation
from maturity.core.roadmap import GOAL_BONUS, PhasedSteps, Roadmap, Step, StepKey, build_roadmap
from maturity.core.roadmap_costs import OrganisationFacts, PhaseCost, Pricing, organisation_of
from maturity.core.scoring import Answers, ScoreResult
from maturity.core.text import Text

ITEM_ROADMAP_VERSION = "3"
PLAN_PHASES = (1, 2, 3)
LATER = 4  # the phase of the items after this plan
DEFAULT_CAPACITY = (4, 6, 8)
QUICK_WIN_BONUS = Fraction(5, 4)
FOUNDATIONS = "foundations"
# Why an item is in the plan and where, in the order they are listed. ``target`` is
# given only when none of the first four is: a step toward a chosen target beyond the
# next level that nothing else needs.
ITEM_REASONS = ("goal", "enabler", "next_level", "quick_win", "moved", "target")
MOVED_BY = ("capacity", "budget")


@dataclass(frozen=True)
class Reason:
    """A reason code and what it names: the chosen goals the item serves (``goal``),
    the items that need it, in plan order (``enabler``), the dimensions and levels it
    helps reach (``next_level``), and what moved it later (``moved``: ``capacity`` or
    ``budget``). Codes and ids only: the pages and the report say it in words."""

    code: str
    goals: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    levels: tuple[tuple[str, int], ...] = ()
    by: str | None = None


@dataclass(frozen=True)
class Item:
    """What the organisation does as one piece of work: a project's steps in one phase,
    or a single step. ``id`` is ``<project>@<phase>`` or ``<question>:<level>``;
    ``cost`` is the band for the organisation's size class and ``cost_cny`` its range
    (None when unpriced); ``how`` and ``evidence`` merge the steps' own, without
    repeats; ``needs`` lists the items it comes after."""

    id: str
    project: str | None
    phase: int
    steps: tuple[Step, ...]
    reasons: tuple[Reason, ...]
    how: tuple[Text, ...]
    evidence: tuple[Text, ...]
    owner: str | None
    effort: str | None
    cost: Band | None
    cost_cny: tuple[Decimal, Decimal] | None
    watch: str | Text | None
    services: tuple[str, ...]
    needs: tuple[str, ...]
    priority: Fraction  # orders items; never shown to people

    @property
    def reason_codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


@dataclass(frozen=True)
class ItemRoadmap(Roadmap):
    """Version 3: ``items`` in plan order, those after this plan (phase ``LATER``) last;
    ``steps`` and ``services`` are those of the three phases, in the same order (what
    every page of version 2 shows), ``later_steps`` the rest; ``organisation`` is what
    priced it."""

    items: tuple[Item, ...] = ()
    phase_costs: tuple[PhaseCost, ...] = ()
    organisation: OrganisationFacts = field(default_factory=OrganisationFacts)
    version: str = ITEM_ROADMAP_VERSION

    def items_in(self, phase: int) -> list[Item]:
        return [item for item in self.items if item.phase == phase]

    @property
    def later(self) -> list[Item]:
        """The items after this plan."""
        return self.items_in(LATER)

    @property
    def later_steps(self) -> tuple[Step, ...]:
        return tuple(step for item in self.later for step in item.steps)


@dataclass(frozen=True)
class _Draft:
    """An item while the phases are being fitted: its steps in the order of the ties
    (foundations first, then the questionnaire's order, then the level)."""

    id: str
    phase: int
    keys: tuple[StepKey, ...]
    priority: Fraction
    needs: frozenset[str]


def item_id(project: str | None, key: StepKey, phase: int) -> str:
    """``<project>@<phase>`` for the steps of a project in a phase, ``<question>:<level>``
    for a step of no project (the same rule groups the steps of an edited plan)."""
    if project is None:
        return f"{key[0]}:{key[1]}"
    return f"{project}@{phase}"


def phase_capacities(questionnaire: Questionnaire) -> tuple[int, int, int]:
    """The questionnaire's capacities, the defaults where it gives fewer than three."""
    given = questionnaire.phase_capacity
    first, second, third = (*given, *DEFAULT_CAPACITY[len(given) :])
    return first, second, third


def _reachable(start: str, needs: Mapping[str, frozenset[str]], within: set[str]) -> set[str]:
    """The items among ``within`` that ``start`` needs, directly or through others."""
    found: set[str] = set()
    todo = [start]
    while todo:
        for needed in needs[todo.pop()] & within:
            if needed not in found:
                found.add(needed)
                todo.append(needed)
    return found


class _Planner:
    def __init__(self, phased: PhasedSteps, pricing: Pricing) -> None:
        self.phased = phased
        self.pricing = pricing
        self.recommendation: dict[StepKey, Recommendation] = {
            key: phased.applicable[key[0]].wording(phased.variant).recommendations[key[1]]
            for key in phased.phase
        }
        self.priority = self._priorities()
        self.moved: dict[StepKey, str] = {}

    def _priorities(self) -> dict[StepKey, Fraction]:
        """Own priorities, then each the largest of its own and its dependants' (the
        needs are acyclic: prerequisites have no cycles, and a step's own lower step is
        lower)."""
        phased = self.phased
        own: dict[StepKey, Fraction] = {}
        dependants: dict[StepKey, list[StepKey]] = {key: [] for key in phased.phase}
        for key in phased.phase:
            goal = GOAL_BONUS if key[0] in phased.served else 1
            quick = QUICK_WIN_BONUS if self.pricing.is_quick_win(self.recommendation[key]) else 1
            own[key] = phased.applicable[key[0]].weight * goal * quick
            for needed in phased.depends_on(key):
                dependants[needed].append(key)

        @cache
        def inherited(key: StepKey) -> Fraction:
            return max([own[key], *(inherited(other) for other in dependants[key])])

        return {key: inherited(key) for key in phased.phase}

    def tie(self, key: StepKey) -> tuple[bool, int, int]:
        question = self.phased.applicable[key[0]]
        return question.dimension_id != FOUNDATIONS, question.position, key[1]

    def group(self, key: StepKey) -> str:
        return item_id(self.recommendation[key].project, key, self.phased.phase[key])

    def drafts(self) -> list[_Draft]:
        """The items of the current phases, in plan order."""
        members: dict[str, list[StepKey]] = {}
        for key in self.phased.phase:
            members.setdefault(self.group(key), []).append(key)
        drafts = []
        for item_id, keys in members.items():
            keys.sort(key=self.tie)
            groups = {self.group(n) for key in keys for n in self.phased.depends_on(key)}
            drafts.append(
                _Draft(
                    item_id,
                    self.phased.phase[keys[0]],
                    tuple(keys),
                    max(self.priority[key] for key in keys),
                    frozenset(groups - {item_id}),
                )
            )
        ranked = sorted(drafts, key=lambda d: (d.phase, -d.priority, self.tie(d.keys[0])))
        needs = {d.id: d.needs for d in drafts}
        ordered: list[_Draft] = []
        for _rank, same in groupby(ranked, key=lambda d: (d.phase, d.priority)):
            waiting = list(same)
            while waiting:
                # The first in rank that needs none of the others, or only others that
                # need it in turn: then all those that need each other, in rank order.
                pending = {d.id for d in waiting}
                reach = {d.id: _reachable(d.id, needs, pending) for d in waiting}
                ready = next(
                    d for d in waiting if all(d.id in reach[other] for other in reach[d.id])
                )
                together = [d for d in waiting if d is ready or d.id in reach[ready.id]]
                ordered += together
                waiting = [d for d in waiting if d not in together]
        return ordered

    def fit(self, capacities: tuple[int, int, int]) -> None:
        for phase, capacity in enumerate(capacities, start=1):
            limit = self.pricing.limit(phase)
            while limit is not None and (over := self._over_budget(phase, limit)) is not None:
                self._move(over, "budget")
            while len(held := [d for d in self.drafts() if d.phase == phase]) > capacity:
                self._move(held[-1], "capacity")

    def _over_budget(self, phase: int, limit: Decimal) -> _Draft | None:
        """The first item in order that takes the phase over ``limit``."""
        spent = Decimal(0)
        for draft in self.drafts():
            if draft.phase == phase:
                spent += self.pricing.midpoint(self.recommendation[draft.keys[0]])
                if spent > limit:
                    return draft
        return None

    def _move(self, draft: _Draft, cause: str) -> None:
        """To the next phase, the steps that need it after it; each step that moved
        remembers why."""
        before = dict(self.phased.phase)
        for key in draft.keys:
            self.phased.phase[key] = draft.phase + 1
        self.phased.apply_phase_rules()
        for key, phase in self.phased.phase.items():
            if phase > before[key]:
                self.moved[key] = cause

    def items(self) -> tuple[tuple[Item, ...], tuple[Step, ...]]:
        drafts = self.drafts()
        steps = self.phased.steps([k for d in drafts for k in d.keys], self.priority.__getitem__)
        by_key = {step.key: step for step in steps}
        return tuple(self._item(d, drafts, by_key) for d in drafts), steps

    def _item(self, draft: _Draft, drafts: list[_Draft], by_key: dict[StepKey, Step]) -> Item:
        phased, pricing = self.phased, self.pricing
        steps = tuple(by_key[key] for key in draft.keys)
        lead = self.recommendation[draft.keys[0]]
        reasons = []
        goals = tuple(
            goal_id
            for goal_id in phased.goals
            if any(
                phased.questionnaire.goal(goal_id).serves(phased.applicable[k])
                for k, _ in draft.keys
            )
        )
        if goals:
            reasons.append(Reason("goal", goals=goals))
        enables = tuple(d.id for d in drafts if draft.id in d.needs)
        if enables:
            reasons.append(Reason("enabler", items=enables))
        closes = tuple(
            dict.fromkeys((s.dimension_id, s.to_level) for s in steps if "next_level" in s.reasons)
        )
        if closes:
            reasons.append(Reason("next_level", levels=closes))
        if pricing.is_quick_win(lead):
            reasons.append(Reason("quick_win"))
        explained = bool(reasons)
        causes = [self.moved[key] for key in draft.keys if key in self.moved]
        if causes:
            reasons.append(Reason("moved", by=causes[0]))
        if not explained:
            reasons.append(Reason("target"))
        evidence = (
            dict(enumerate(phased.applicable[q].wording(phased.variant).evidence)).get(level)
            for q, level in draft.keys
        )
        return Item(
            id=draft.id,
            project=lead.project,
            phase=draft.phase,
            steps=steps,
            reasons=tuple(reasons),
            how=tuple(dict.fromkeys(t for key in draft.keys for t in self.recommendation[key].how)),
            evidence=tuple(dict.fromkeys(text for text in evidence if text is not None)),
            owner=lead.action.owner,
            effort=pricing.effort(lead),
            cost=pricing.cost_band(lead),
            cost_cny=pricing.cny_range(lead),
            watch=lead.action.watch,
            services=phased.services(steps),
            needs=tuple(d.id for d in drafts if d.id in draft.needs),
            priority=draft.priority,
        )


def build_item_roadmap(
    questionnaire: Questionnaire,
    answers: Answers,
    scores: ScoreResult,
    targets: Mapping[str, int] | None = None,
    goals: Iterable[str] = (),
    variant: VariantChoice = None,
    organisation: OrganisationFacts | None = None,
) -> ItemRoadmap:
    """Version 3. ``variant``: the wording the profile chose; ``organisation``: its
    size class, revenue and budget (each optional)."""
    facts = organisation or OrganisationFacts()
    phased = PhasedSteps(questionnaire, answers, scores, targets, goals, variant)
    pricing = Pricing(questionnaire, facts)
    planner = _Planner(phased, pricing)
    capacities = phase_capacities(questionnaire)
    planner.fit(capacities)
    items, steps = planner.items()
    return ItemRoadmap(
        targets=phased.targets,
        effective_targets=phased.effective,
        steps=tuple(step for step in steps if step.phase != LATER),
        services=phased.services(step for step in steps if step.phase != LATER),
        next_levels=phased.next_levels,
        capacity=capacities,
        items=items,
        phase_costs=tuple(
            pricing.phase_cost(phase, ((i.id, i.cost_cny) for i in items if i.phase == phase))
            for phase in PLAN_PHASES
        ),
        organisation=facts,
    )


def roadmap_for(
    questionnaire: Questionnaire,
    answers: Answers,
    scores: ScoreResult,
    targets: Mapping[str, int],
    goals: Iterable[str],
    profile: Mapping[str, str],
    organisation: OrganisationFacts,
) -> Roadmap:
    """Roadmap version 3 for a format-3 questionnaire, version 2 before: a round keeps
    the roadmap of its questionnaire's version. ``answers`` as scored."""
    variant = applicability(questionnaire, profile).variant
    if questionnaire.file_format < 3:
        return build_roadmap(questionnaire, answers, scores, targets, goals, variant)
    facts = organisation_of(questionnaire, profile, organisation)
    return build_item_roadmap(questionnaire, answers, scores, targets, goals, variant, facts)
