"""The rules a schema cannot state: unique and known ids, prerequisites without
cycles, a size that fits the result summary.

They run on whatever parts of the file are well-formed, so that a file with a
shape error still gets these problems reported too."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from maturity.core.questionnaire.model import LEVEL_VALUES, MAX_DIMENSIONS, MAX_QUESTIONS

PathPart = str | int


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
    levels = [level.get("value") for _i, level in _entries(data, "levels")]
    if len(levels) == len(LEVEL_VALUES) and levels != list(LEVEL_VALUES):
        yield ["levels"], f"levels must have the values 0 to 5 in order, not {levels}"

    services = _ids(data, "services")
    yield from _duplicates(services, "service")
    service_ids = {service_id for _path, service_id in services}

    dimensions = _ids(data, "dimensions")
    yield from _duplicates(dimensions, "dimension")
    dimension_ids = {dimension_id for _path, dimension_id in dimensions}
    if len(_entries(data, "dimensions")) > MAX_DIMENSIONS:
        yield (
            ["dimensions"],
            f"has {len(_entries(data, 'dimensions'))} dimensions; at most {MAX_DIMENSIONS} fit "
            "the result summaries that centre dashboards read",
        )

    questions: list[tuple[list[PathPart], str]] = []
    requires: dict[str, dict[str, Any]] = {}
    for d, dimension in _entries(data, "dimensions"):
        for q, question in _entries(dimension, "questions"):
            base: list[PathPart] = ["dimensions", d, "questions", q]
            question_id = question.get("id")
            if not isinstance(question_id, str):
                continue
            questions.append(([*base, "id"], question_id))
            required = question.get("requires", {})
            if isinstance(required, dict) and question_id not in requires:
                requires[question_id] = required
            recommendations = question.get("recommendations", {})
            if not isinstance(recommendations, dict):
                continue
            for level, recommendation in recommendations.items():
                names = recommendation.get("services") if isinstance(recommendation, dict) else None
                for i, service_id in enumerate(names if isinstance(names, list) else []):
                    if isinstance(service_id, str) and service_id not in service_ids:
                        yield (
                            [*base, "recommendations", level, "services", i],
                            f"unknown service {service_id!r}",
                        )
    yield from _duplicates(questions, "question")
    if len(questions) > MAX_QUESTIONS:
        yield (
            ["dimensions"],
            f"has {len(questions)} questions; at most {MAX_QUESTIONS} fit "
            "the result summaries that centre dashboards read",
        )
    question_paths: dict[str, list[PathPart]] = {}
    for path, question_id in questions:
        question_paths.setdefault(question_id, path[:-1])

    for question_id, required in requires.items():
        for required_id in required:
            path = [*question_paths[question_id], "requires", required_id]
            if required_id not in question_paths:
                yield path, f"requires unknown question {required_id!r}"
            elif required_id == question_id:
                yield path, "a question cannot require itself"

    for cycle in _cycles(requires):
        yield (
            [*question_paths[cycle[0]], "requires"],
            "prerequisites form a cycle: " + " → ".join([*cycle, cycle[0]]),
        )

    yield from _duplicates(_ids(data, "goals"), "goal")
    for i, goal in _entries(data, "goals"):
        goal_dimensions = goal.get("dimensions")
        for j, dimension_id in enumerate(
            goal_dimensions if isinstance(goal_dimensions, list) else []
        ):
            if isinstance(dimension_id, str) and dimension_id not in dimension_ids:
                yield ["goals", i, "dimensions", j], f"unknown dimension {dimension_id!r}"


def _cycles(graph: Mapping[str, Mapping[str, int]]) -> list[list[str]]:
    """Every elementary cycle found by depth-first search, each reported once."""
    cycles: list[list[str]] = []
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for successor in graph.get(node, {}):
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
