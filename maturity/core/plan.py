"""The plan people act on: the computed roadmap (version 2) as a consultant or the
owner edited it — steps pinned, removed, reordered, reworded, moved between phases,
the three most important next steps and a summary — and the status of each step.

Edits are plain data (stored as a revision); applying them to the roadmap of the
current targets and goals gives the plan. Edits that no longer fit (a step the
roadmap no longer has) are reported, and steps the roadmap gained since are added
at the end of their phase and flagged, so a change of targets never silently drops
or hides anything.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from maturity.core.roadmap import Roadmap, Step

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
                {
                    "question": e.key[0],
                    "level": e.key[1],
                    "phase": e.phase,
                    "text": e.text,
                    "pinned": e.pinned,
                }
                for e in self.steps
            ],
            "removed": [{"question": q, "level": level} for q, level in self.removed],
            "top": [{"question": q, "level": level} for q, level in self.top],
            "summary": self.summary,
        }


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    phase: int
    text: str | None  # the edited wording, or None for the questionnaire's
    pinned: bool
    new: bool  # the roadmap gained it after the plan was edited

    @property
    def key(self) -> StepKey:
        return self.step.key

    @property
    def moved(self) -> bool:
        return self.phase != self.step.phase


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlannedStep, ...]
    removed: tuple[Step, ...]
    top: tuple[PlannedStep, ...]
    summary: str
    edited: bool
    stale: tuple[StepKey, ...]  # edits about steps the roadmap no longer has
    early: tuple[tuple[StepKey, StepKey], ...]  # (step, prerequisite step) placed after it

    def phase(self, phase: int) -> list[PlannedStep]:
        return [s for s in self.steps if s.phase == phase]

    def step(self, key: StepKey) -> PlannedStep | None:
        return next((s for s in self.steps if s.key == key), None)


def computed_plan(roadmap: Roadmap) -> Plan:
    steps = tuple(PlannedStep(s, s.phase, None, False, False) for s in roadmap.steps)
    return Plan(steps, (), steps[:TOP_STEPS], "", False, (), ())


def apply_edits(roadmap: Roadmap, edits: PlanEdits) -> Plan:
    computed = {step.key: step for step in roadmap.steps}
    mentioned = [e.key for e in edits.steps] + list(edits.removed) + list(edits.top)
    stale = tuple(dict.fromkeys(key for key in mentioned if key not in computed))
    kept = [
        PlannedStep(computed[e.key], e.phase, e.text, e.pinned, False)
        for e in edits.steps
        if e.key in computed
    ]
    listed = {e.key for e in edits.steps} | set(edits.removed)
    added = [
        PlannedStep(s, s.phase, None, False, True) for s in roadmap.steps if s.key not in listed
    ]
    # Within a phase: pinned steps first, then the edited order, then new steps.
    ordered = sorted(
        [*kept, *added], key=lambda s: (s.phase, not s.pinned, s.new)
    )  # stable: keeps the edited order
    by_key = {s.key: s for s in ordered}
    top = tuple(by_key[key] for key in edits.top if key in by_key)
    if not edits.top:
        top = tuple(ordered[:TOP_STEPS])
    removed = tuple(computed[key] for key in edits.removed if key in computed)
    return Plan(
        steps=tuple(ordered),
        removed=removed,
        top=top,
        summary=edits.summary,
        edited=True,
        stale=stale,
        early=_placed_before_prerequisites(ordered),
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
        found += [(planned.key, key) for key in needs if phase.get(key, 0) > planned.phase]
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
    known = {step.key for step in roadmap.steps}

    def problem(text: str, conflict: bool = False) -> None:
        problems.append(EditProblem(text, conflict))

    def key_of(entry: object, where: str) -> StepKey | None:
        if not isinstance(entry, Mapping):
            problem(f"{where}: must be an object with question and level")
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
        if phase not in PHASES:
            problem(f"steps[{i}].phase: {entry.get('phase')!r} is not 1, 2 or 3")
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
        summary = ""
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
    return PlanEdits(tuple(steps), tuple(removed), tuple(top), summary.strip()), []


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
