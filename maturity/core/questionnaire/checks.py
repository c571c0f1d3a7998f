"""The rules a schema cannot state: unique and known ids, prerequisites without
cycles, a size that fits the result summary, the sections of each format.

They run on whatever parts of the file are well-formed, so that a file with a
shape error still gets these problems reported too."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from maturity.core.items import ROUND_ITEM_TYPES, action, level
from maturity.core.items.base import PathPart
from maturity.core.items.level import LEVEL_VALUES
from maturity.core.questionnaire import projects
from maturity.core.questionnaire.model import (
    MAX_DIMENSION_QUESTIONS_3,
    MAX_DIMENSIONS,
    MAX_OUTCOMES,
    MAX_QUESTIONS,
    MAX_QUESTIONS_3,
)

# Sections a file may have only from format 2 on.
FORMAT_2_SECTIONS = (
    "phase_capacity",
    "levels_source",
    "glossary",
    "variants",
    *(item_type.section for item_type in ROUND_ITEM_TYPES),
    *action.TOP_LEVEL_SCHEMA,
)
# Sections a file may have only from format 3 on.
FORMAT_3_SECTIONS = ("projects",)


def format_path(parts: Iterable[PathPart]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _entries(container: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The well-formed entries of a list field; the schema reports the rest."""
    value = container.get(key) if isinstance(container, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _ids(container: Any, key: str) -> list[tuple[list[PathPart], str]]:
    return [
        ([key, i, "id"], item["id"])
        for i, item in _entries(container, key)
        if isinstance(item.get("id"), str)
    ]


def _duplicates(
    items: list[tuple[list[PathPart], str]], kind: str
) -> Iterator[tuple[list[PathPart], str]]:
    seen: dict[str, str] = {}
    for path, item_id in items:
        if item_id in seen:
            yield path, f"duplicate {kind} id {item_id!r} (first at {seen[item_id]})"
        else:
            seen[item_id] = format_path(path)


def semantic_problems(data: Any) -> Iterator[tuple[list[PathPart], str]]:
    """Every problem of ``data`` that the schema cannot find."""
    file_format = data.get("format", 1) if isinstance(data, dict) else 1
    file_format = file_format if isinstance(file_format, int) else 1
    levels = [level.get("value") for _i, level in _entries(data, "levels")]
    if len(levels) == len(LEVEL_VALUES) and levels != list(LEVEL_VALUES):
        yield ["levels"], f"levels must have the values 0 to 5 in order, not {levels}"
    if file_format < 2:
        for section in FORMAT_2_SECTIONS:
            if isinstance(data, dict) and section in data:
                yield [section], f"{section} needs format: 2"
    if file_format < 3:
        for section in FORMAT_3_SECTIONS:
            if isinstance(data, dict) and section in data:
                yield [section], f"{section} needs format: 3"
    capacity = data.get("phase_capacity") if isinstance(data, dict) else None
    if isinstance(capacity, list) and len(capacity) == 3 and file_format < 3:
        yield ["phase_capacity"], "a third phase capacity needs format: 3"
    project_ids = projects.project_ids(data) if isinstance(data, dict) else set()
    if isinstance(data, dict):
        yield from projects.file_problems(data)
        yield from action.range_problems(data, file_format)

    services = _ids(data, "services")
    yield from _duplicates(services, "service")
    service_ids = {service_id for _path, service_id in services}
    variants = _ids(data, "variants")
    yield from _duplicates(variants, "variant")
    variant_ids = {variant_id for _path, variant_id in variants}

    dimensions = _ids(data, "dimensions")
    yield from _duplicates(dimensions, "dimension")
    dimension_ids = {dimension_id for _path, dimension_id in dimensions}
    if len(_entries(data, "dimensions")) > MAX_DIMENSIONS:
        yield (
            ["dimensions"],
            f"has {len(_entries(data, 'dimensions'))} dimensions; at most {MAX_DIMENSIONS} fit "
            "the result summaries that centre dashboards read",
        )

    entries: list[tuple[list[PathPart], dict[str, Any]]] = [
        (["dimensions", d, "questions", q], question)
        for d, dimension in _entries(data, "dimensions")
        for q, question in _entries(dimension, "questions")
    ]
    questions = [
        ([*base, "id"], question["id"])
        for base, question in entries
        if isinstance(question.get("id"), str)
    ]
    question_ids = {question_id for _path, question_id in questions}
    for base, question in entries:
        yield from level.file_problems(
            base,
            question,
            file_format=file_format,
            question_ids=question_ids,
            service_ids=service_ids,
            variant_ids=variant_ids,
            project_ids=project_ids,
        )
    items = [entry for item_type in ROUND_ITEM_TYPES for entry in _ids(data, item_type.section)]
    # One namespace: a profile item, an outcome and a question never share an id.
    yield from _duplicates(questions, "question")
    yield from (
        problem
        for problem in _duplicates(questions + items, "item")
        if problem[0][0] != "dimensions"
    )
    if len(questions) > MAX_QUESTIONS:
        yield (
            ["dimensions"],
            f"has {len(questions)} questions; at most {MAX_QUESTIONS} fit "
            "the result summaries that centre dashboards read",
        )
    elif file_format >= 3 and len(questions) > MAX_QUESTIONS_3:
        yield (
            ["dimensions"],
            f"has {len(questions)} questions; format 3 allows at most {MAX_QUESTIONS_3} "
            "(about 30 minutes)",
        )
    if file_format >= 3:
        for d, dimension in _entries(data, "dimensions"):
            count = len(_entries(dimension, "questions"))
            if count > MAX_DIMENSION_QUESTIONS_3:
                yield (
                    ["dimensions", d, "questions"],
                    f"has {count} questions; format 3 allows at most "
                    f"{MAX_DIMENSION_QUESTIONS_3} in a dimension",
                )
    outcomes = _entries(data, "outcomes")
    if len(outcomes) > MAX_OUTCOMES:
        yield (
            ["outcomes"],
            f"has {len(outcomes)} outcome figures; at most {MAX_OUTCOMES} fit "
            "the result summaries that centre dashboards read",
        )
    for item_type in ROUND_ITEM_TYPES:
        if isinstance(data, dict):
            yield from item_type.file_problems(data, question_ids, dimension_ids)
    if isinstance(data, dict):
        yield from action.file_problems(
            data, {item_id for _path, item_id in _ids(data, "outcomes")}
        )

    question_paths: dict[str, list[PathPart]] = {}
    for path, question_id in questions:
        question_paths.setdefault(question_id, path[:-1])
    graph: dict[str, set[str]] = {}
    for _base, question in entries:
        question_id = question.get("id")
        if isinstance(question_id, str) and question_id not in graph:
            graph[question_id] = {
                r.question_id
                for r in _requirements(question.get("requires"))
                if r.question_id in question_ids and r.question_id != question_id
            }
    for cycle in _cycles(graph):
        yield (
            [*question_paths[cycle[0]], "requires"],
            "prerequisites form a cycle: " + " → ".join([*cycle, cycle[0]]),
        )

    yield from _duplicates(_ids(data, "goals"), "goal")
    for i, goal in _entries(data, "goals"):
        # Up to format 2 a goal names dimensions; from format 3 it names questions.
        named, wrong = (
            ("questions", "dimensions") if file_format >= 3 else ("dimensions", "questions")
        )
        if wrong in goal:
            yield (
                ["goals", i, wrong],
                f"a format-{file_format} goal names {named}, not {wrong}",
            )
        if named not in goal:
            yield ["goals", i], f"a format-{file_format} goal needs {named}"
        goal_dimensions = goal.get("dimensions")
        for j, dimension_id in enumerate(
            goal_dimensions if isinstance(goal_dimensions, list) else []
        ):
            if isinstance(dimension_id, str) and dimension_id not in dimension_ids:
                yield ["goals", i, "dimensions", j], f"unknown dimension {dimension_id!r}"
        goal_questions = goal.get("questions")
        for j, question_id in enumerate(goal_questions if isinstance(goal_questions, list) else []):
            if isinstance(question_id, str) and question_id not in question_ids:
                yield ["goals", i, "questions", j], f"unknown question {question_id!r}"


def _requirements(raw: object) -> list[level.Requirement]:
    """The well-formed requirements of a ``requires`` field (the schema reports the rest)."""
    if isinstance(raw, list):
        raw = [
            entry
            for entry in raw
            if isinstance(entry, dict)
            and isinstance(entry.get("question"), str)
            and isinstance(entry.get("from"), int)
            and isinstance(entry.get("level"), int)
        ]
    elif isinstance(raw, dict):
        raw = {key: value for key, value in raw.items() if isinstance(value, int)}
    return list(level.requirements(raw))


def _cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search, each reported once."""
    cycles: list[list[str]] = []
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for successor in graph.get(node, ()):
            if successor not in graph or successor == node:
                continue
            if state.get(successor) == 1:
                cycle = stack[stack.index(successor) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    cycles.append(cycle)
            elif successor not in state:
                visit(successor)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return cycles
