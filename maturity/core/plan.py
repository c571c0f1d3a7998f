"""The plan people act on: the computed roadmap as a consultant or the owner edited
it — steps pinned, removed, reordered, reworded, moved between phases, the three most
important next steps and a summary — and the status of each step.

Edits are plain data (stored as a revision) about steps; applying them to the roadmap
of the current targets and goals gives the plan. Edits that no longer fit (a step the
roadmap no longer has) are reported, and steps the roadmap gained since are added
at the end of their phase and flagged, so a change of targets never silently drops
or hides anything.

Roadmap 3 bundles steps into items; the plan groups its steps by the same rule after
the edits, so an item moved, pinned, reworded or removed is its steps moved, pinned,
reworded or removed (``expand_items``), a step may still leave its item, and statuses
stay the steps'. Phase 4 is "after this plan": edits may move steps there and back.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
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
                {**_key(e.key), "phase": e.phase, "text": e.text, "pinned": e.pinned}
                for e in self.steps
            ],
            "removed": [_key(key) for key in self.removed],
            "top": [_key(key) for key in self.top],
            "summary": self.summary,
        }


def _key(key: StepKey) -> dict[str, Any]:
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


def _planned(roadmap: Roadmap) -> dict[StepKey, PlannedStep]:
    """Every step as computed, in plan order (roadmap 3: those after the plan last,
    each with its item)."""
    if not isinstance(roadmap, ItemRoadmap):
        return {s.key: PlannedStep(s, s.phase, None, False, False) for s in roadmap.steps}
    return {
        s.key: PlannedStep(s, s.phase, None, False, False, item)
        for item in roadmap.items
        for s in item.steps
    }


def _leads(chosen: Iterable[tuple[PlannedStep, PlannedItem]]) -> tuple[PlannedStep, ...]:
    """The most important next steps: at most TOP_STEPS of the chosen, leaving out any
    whose item names a question or a project an earlier one named (never one question's
    next two levels, nor one project in two phases)."""
    leads: list[PlannedStep] = []
    named: set[tuple[str, str | None]] = set()
    for planned, item in chosen:
        names = {("q", s.key[0]) for s in item.steps} | {("p", item.project)} - {("p", None)}
        if len(leads) < TOP_STEPS and not names & named:
            leads.append(planned)
            named |= names
    return tuple(leads)


def computed_plan(roadmap: Roadmap) -> Plan:
    planned = _planned(roadmap).values()
    steps = tuple(s for s in planned if s.phase != LATER)
    later = tuple(s for s in planned if s.phase == LATER)
    return Plan(
        steps, (), _leads((i.steps[0], i) for i in grouped(steps)), "", False, (), (), later
    )


def apply_edits(roadmap: Roadmap, edits: PlanEdits) -> Plan:
    computed = _planned(roadmap)
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
    top = _leads(item_of[key] for key in edits.top if key in item_of)
    if not edits.top:
        top = _leads((item.steps[0], item) for item in grouped(in_plan))
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


class EditProblem(str):
    """A problem with plan edits, in plain text; ``conflict`` when the edits are well
    formed but do not fit the current roadmap (a step it does not have, one listed
    twice), as opposed to malformed."""

    conflict: bool

    def __new__(cls, text: str, conflict: bool = False) -> EditProblem:
        problem = super().__new__(cls, text)
        problem.conflict = conflict
        return problem


def _whole(value: object) -> int | None:
    """A JSON whole number (2 or 2.0), never a boolean."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_edits(roadmap: Roadmap, raw: object) -> tuple[PlanEdits | None, list[EditProblem]]:
    """Edits from their JSON shape (the API's and the stored revisions'), checked
    against the steps of ``roadmap``; the problems in plain text."""
    if not isinstance(raw, Mapping):
        shape = "the plan must be an object with steps, removed, top and summary"
        return None, [EditProblem(shape)]
    problems: list[EditProblem] = []
    known = set(_planned(roadmap))
    phases = (*PHASES, LATER) if isinstance(roadmap, ItemRoadmap) else PHASES
    phase_words = f"{', '.join(map(str, phases[:-1]))} or {phases[-1]}"

    def problem(text: str, conflict: bool = False) -> None:
        problems.append(EditProblem(text, conflict))

    def key_of(entry: object, where: str) -> StepKey | None:
        if not isinstance(entry, Mapping):
            problem(f"{where}: must be an object with question and level")
            return None
        if "item" in entry:  # left by expand_items: not an item of the plan
            problem(f"{where}: {entry['item']!r} is not an item of this plan", True)
            return None
        question, level = entry.get("question"), _whole(entry.get("level"))
        if not isinstance(question, str) or level is None:
            problem(f"{where}: needs a question id and a whole level")
            return None
        if (question, level) not in known:
            problem(f"{where}: {question!r} to level {level} is not a step of this roadmap", True)
            return None
        return question, level

    steps: list[StepEdit] = []
    for i, entry in enumerate(_list(raw, "steps", problems)):
        key = key_of(entry, f"steps[{i}]")
        if key is None or not isinstance(entry, Mapping):
            continue
        phase = _whole(entry.get("phase"))
        text, pinned = entry.get("text"), entry.get("pinned", False)
        if phase is None or phase not in phases:
            problem(f"steps[{i}].phase: {entry.get('phase')!r} is not {phase_words}")
            continue
        if text is not None and (not isinstance(text, str) or len(text) > MAX_TEXT):
            problem(f"steps[{i}].text: at most {MAX_TEXT} characters of text")
            continue
        if not isinstance(pinned, bool):
            problem(f"steps[{i}].pinned: must be true or false")
            continue
        steps.append(StepEdit(key, phase, (text or "").strip() or None, pinned))
    removed = [
        key
        for i, entry in enumerate(_list(raw, "removed", problems))
        if (key := key_of(entry, f"removed[{i}]")) is not None
    ]
    top = [
        key
        for i, entry in enumerate(_list(raw, "top", problems))
        if (key := key_of(entry, f"top[{i}]")) is not None
    ]
    summary = raw.get("summary", "")
    if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
        problem(f"summary: at most {MAX_SUMMARY} characters of text")
    unknown = set(raw) - {"steps", "removed", "top", "summary"}
    if unknown:
        problem(f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    kept = [e.key for e in steps]
    if len(set(kept)) != len(kept) or set(kept) & set(removed):
        problem("a step may be listed once, either kept or removed", True)
    if len(top) > TOP_STEPS:
        problem(f"top: at most {TOP_STEPS} steps")
    elif len(set(top)) != len(top):
        problem("top: each step once", True)
    if set(top) & set(removed):
        problem("top: a removed step cannot be among the most important", True)
    if problems:
        return None, problems
    return PlanEdits(tuple(steps), tuple(removed), tuple(top), str(summary).strip()), []


def expand_items(plan: Plan, raw: object) -> object:
    """Edits that name items of ``plan`` (``{"item": id, "phase", "text", "pinned"}``
    in steps, ``{"item": id}`` in removed and top) as edits of their steps: the item's
    phase and pin for each step, its text on the first; a removed item's steps removed;
    an item among the most important by its first step. Entries naming no item of the
    plan are left for ``parse_edits`` to refuse."""
    if not isinstance(raw, Mapping):
        return raw
    items = {item.id: item for item in (*plan.items, *plan.later_items)}
    expanded = dict(raw)
    for name in ("steps", "removed", "top"):
        entries = raw.get(name)
        if not isinstance(entries, list):
            continue
        replaced: list[object] = []
        for entry in entries:
            item = items.get(str(entry.get("item"))) if isinstance(entry, Mapping) else None
            if item is None or not isinstance(entry, Mapping):
                replaced.append(entry)
                continue
            for n, planned in enumerate(item.steps[:1] if name == "top" else item.steps):
                edit = _key(planned.key)
                if name == "steps":
                    edit |= {k: entry[k] for k in ("phase", "pinned") if k in entry}
                    edit["text"] = entry.get("text") if n == 0 else None
                replaced.append(edit)
        expanded[name] = replaced
    return expanded


def edits_from_json(stored: Mapping[str, Any]) -> PlanEdits:
    """A stored revision, trusted (it was checked when saved); steps it names that the
    current roadmap lacks stay in it, and show as stale."""

    def key(entry: Mapping[str, Any]) -> StepKey:
        return str(entry["question"]), int(entry["level"])

    return PlanEdits(
        steps=tuple(
            StepEdit(key(e), int(e["phase"]), e.get("text"), bool(e.get("pinned")))
            for e in stored.get("steps", [])
        ),
        removed=tuple(key(e) for e in stored.get("removed", [])),
        top=tuple(key(e) for e in stored.get("top", [])),
        summary=str(stored.get("summary", "")),
    )


def _list(raw: Mapping[str, object], name: str, problems: list[EditProblem]) -> Iterable[object]:
    """The list under ``name`` (absent: empty)."""
    value = raw.get(name, [])
    if not isinstance(value, list):
        problems.append(EditProblem(f"{name}: must be a list"))
        return []
    return value
