"""Plan edits in their JSON shape (the API's, the editor's form's, the stored
revisions'): checked against the roadmap's steps, items of the plan expanded into
their steps, and stored revisions read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from maturity.core.plan import (
    MAX_SUMMARY,
    MAX_TEXT,
    PHASES,
    TOP_STEPS,
    Plan,
    PlanEdits,
    StepEdit,
    StepKey,
    key_json,
    planned_steps,
)
from maturity.core.roadmap import Roadmap
from maturity.core.roadmap_items import LATER, ItemRoadmap


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
    known = set(planned_steps(roadmap))
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
                edit = key_json(planned.key)
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
