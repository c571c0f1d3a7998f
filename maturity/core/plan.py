"""The plan people act on: the computed roadmap as a consultant or the owner edited
it — steps pinned, removed, reordered, reworded, moved between phases, the three most
important next steps and a summary — and the status of each step.

Edits are plain data (stored as a revision, in the JSON shape of ``plan_edits``) about
steps; applying them to the roadmap of the current targets and goals gives the plan.
Edits that no longer fit (a step the roadmap no longer has) are reported, and steps
the roadmap gained since are added at the end of their phase and flagged, so a change
of targets never silently drops or hides anything; nor is a chosen most important step
that repeats the practice of an earlier choice (``Plan.repeated``).

Roadmap 3 bundles steps into items; the plan groups its steps by the same rule after
the edits, so an item moved, pinned, reworded or removed is its steps moved, pinned,
reworded or removed (``plan_edits.expand_items``), a step may still leave its item,
and statuses stay the steps'. Phase 4 is "after this plan": edits may move steps there and back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from maturity.core.roadmap import Roadmap, Step
from maturity.core.roadmap_items import LATER, Item, ItemRoadmap, item_id

StepKey = tuple[str, int]  # (question id, level the step reaches)
PHASES = (1, 2, 3)
TOP_STEPS = 3
MAX_TEXT = 2000
MAX_SUMMARY = 5000


class StepState(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


@dataclass(frozen=True)
class StepEdit:
    key: StepKey
    phase: int
    text: str | None = None  # the editor's wording of what to do
    pinned: bool = False


@dataclass(frozen=True)
class PlanEdits:
    steps: tuple[StepEdit, ...]  # kept steps, in the edited order
    removed: tuple[StepKey, ...] = ()
    top: tuple[StepKey, ...] = ()  # the most important next steps, at most TOP_STEPS
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": [
                {**key_json(e.key), "phase": e.phase, "text": e.text, "pinned": e.pinned}
                for e in self.steps
            ],
            "removed": [key_json(key) for key in self.removed],
            "top": [key_json(key) for key in self.top],
            "summary": self.summary,
        }


def key_json(key: StepKey) -> dict[str, Any]:
    return {"question": key[0], "level": key[1]}


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    phase: int
    text: str | None  # the edited wording, or None for the questionnaire's
    pinned: bool
    new: bool  # the roadmap gained it after the plan was edited
    item: Item | None = None  # the computed item it belongs to (roadmap 3)

    @property
    def key(self) -> StepKey:
        return self.step.key

    @property
    def moved(self) -> bool:
        return self.phase != self.step.phase


@dataclass(frozen=True)
class PlannedItem:
    """An item of the plan: its steps of one project in one phase, or a single step;
    ``sources``, the computed items they come from (two when edits joined them)."""

    id: str
    project: str | None
    phase: int
    steps: tuple[PlannedStep, ...]

    @property
    def sources(self) -> tuple[Item, ...]:
        return tuple({s.item.id: s.item for s in self.steps if s.item is not None}.values())

    @property
    def text(self) -> str | None:
        return "\n\n".join(dict.fromkeys(s.text for s in self.steps if s.text)) or None

    @property
    def pinned(self) -> bool:
        return any(s.pinned for s in self.steps)

    @property
    def new(self) -> bool:
        return all(s.new for s in self.steps)

    @property
    def moved(self) -> bool:
        return any(s.moved for s in self.steps)


def grouped(steps: Iterable[PlannedStep]) -> tuple[PlannedItem, ...]:
    """Steps as items, in the order of each item's first step."""
    members: dict[str, list[PlannedStep]] = {}
    for planned in steps:
        project = planned.step.recommendation.project
        members.setdefault(item_id(project, planned.key, planned.phase), []).append(planned)
    return tuple(
        PlannedItem(found, s[0].step.recommendation.project, s[0].phase, tuple(s))
        for found, s in members.items()
    )


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlannedStep, ...]  # phases 1 to 3
    removed: tuple[Step, ...]
    top: tuple[PlannedStep, ...]
    summary: str
    edited: bool
    stale: tuple[StepKey, ...]  # edits about steps the roadmap no longer has
    early: tuple[tuple[StepKey, StepKey], ...]  # (step, prerequisite step) placed after it
    later: tuple[PlannedStep, ...] = ()  # after this plan (roadmap 3)
    # Chosen most important steps left out: (step, the earlier choice naming its practice).
    repeated: tuple[tuple[StepKey, StepKey], ...] = ()

    def phase(self, phase: int) -> list[PlannedStep]:
        return [s for s in (*self.steps, *self.later) if s.phase == phase]

    def step(self, key: StepKey) -> PlannedStep | None:
        return next((s for s in (*self.steps, *self.later) if s.key == key), None)

    @property
    def items(self) -> tuple[PlannedItem, ...]:
        return grouped(self.steps)

    @property
    def later_items(self) -> tuple[PlannedItem, ...]:
        return grouped(self.later)


def planned_steps(roadmap: Roadmap) -> dict[StepKey, PlannedStep]:
    """Every step as computed, in plan order (roadmap 3: those after the plan last,
    each with its item)."""
    if not isinstance(roadmap, ItemRoadmap):
        return {s.key: PlannedStep(s, s.phase, None, False, False) for s in roadmap.steps}
    return {
        s.key: PlannedStep(s, s.phase, None, False, False, item)
        for item in roadmap.items
        for s in item.steps
    }


def _leads(
    chosen: Iterable[tuple[PlannedStep, PlannedItem]],
) -> tuple[tuple[PlannedStep, ...], tuple[tuple[StepKey, StepKey], ...]]:
    """The most important next steps: at most TOP_STEPS of the chosen, leaving out any
    whose item names a question or a project an earlier one named (never one question's
    next two levels, nor one project in two phases); and those left out, each with the
    first of the earlier ones it repeats."""
    leads: list[PlannedStep] = []
    named: dict[tuple[str, str | None], int] = {}  # → the position of the lead naming it
    repeated: list[tuple[StepKey, StepKey]] = []
    for planned, item in chosen:
        if len(leads) == TOP_STEPS:
            break
        names = {("q", s.key[0]) for s in item.steps} | {("p", item.project)} - {("p", None)}
        if names & named.keys():
            repeated.append((planned.key, leads[min(named[n] for n in names & named.keys())].key))
            continue
        named |= dict.fromkeys(names, len(leads))
        leads.append(planned)
    return tuple(leads), tuple(repeated)


def computed_plan(roadmap: Roadmap) -> Plan:
    planned = planned_steps(roadmap).values()
    steps = tuple(s for s in planned if s.phase != LATER)
    later = tuple(s for s in planned if s.phase == LATER)
    leads, _repeated = _leads((i.steps[0], i) for i in grouped(steps))
    return Plan(steps, (), leads, "", False, (), (), later)


def apply_edits(roadmap: Roadmap, edits: PlanEdits) -> Plan:
    computed = planned_steps(roadmap)
    mentioned = [e.key for e in edits.steps] + list(edits.removed) + list(edits.top)
    stale = tuple(dict.fromkeys(key for key in mentioned if key not in computed))
    kept = [
        replace(computed[e.key], phase=e.phase, text=e.text, pinned=e.pinned)
        for e in edits.steps
        if e.key in computed
    ]
    listed = {e.key for e in edits.steps} | set(edits.removed)
    # Steps after this plan are listed by name only: the editor need not have seen them.
    added = [replace(s, new=s.phase != LATER) for s in computed.values() if s.key not in listed]
    # Within a phase: pinned steps first, then the edited order, then new steps; the
    # steps of one item together, where its first step is.
    ordered = sorted(
        [*kept, *added], key=lambda s: (s.phase, not s.pinned, s.new)
    )  # stable: keeps the edited order
    ordered = [step for item in grouped(ordered) for step in item.steps]
    in_plan = [s for s in ordered if s.phase != LATER]
    item_of = {s.key: (s, item) for item in grouped(ordered) for s in item.steps}
    top, repeated = _leads(item_of[key] for key in edits.top if key in item_of)
    if not edits.top:
        top, _computed = _leads((item.steps[0], item) for item in grouped(in_plan))
    removed = tuple(computed[key].step for key in edits.removed if key in computed)
    return Plan(
        steps=tuple(in_plan),
        removed=removed,
        top=top,
        summary=edits.summary,
        edited=True,
        stale=stale,
        early=_placed_before_prerequisites(ordered),
        later=tuple(s for s in ordered if s.phase == LATER),
        repeated=repeated,
    )


def _placed_before_prerequisites(steps: list[PlannedStep]) -> tuple[tuple[StepKey, StepKey], ...]:
    """Steps the editor put in an earlier phase than a step they depend on."""
    phase = {s.key: s.phase for s in steps}
    found = []
    for planned in steps:
        step = planned.step
        needs = [(p.question_id, p.level) for p in step.prerequisites if not p.met]
        if (step.question_id, step.from_level) in phase:
            needs.append((step.question_id, step.from_level))
        found += [
            (planned.key, key) for key in needs if key in phase and phase[key] > planned.phase
        ]
    return tuple(found)
