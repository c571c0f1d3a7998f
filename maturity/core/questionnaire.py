"""The questionnaire model and its loader/validator (YAML text → frozen objects).

A questionnaire file is validated in two passes: a JSON Schema for its shape,
then the rules a schema cannot express (unique and known ids, prerequisite
cycles). Every problem is reported with its path and line, not just the first.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

LEVEL_VALUES = range(6)
VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"


@dataclass(frozen=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Level:
    value: int
    label: Text
    meaning: Text


@dataclass(frozen=True)
class Service:
    id: str
    label: Text


@dataclass(frozen=True)
class Recommendation:
    """What to do to reach a level of a question, and the support services it calls on."""

    level: int
    text: Text
    services: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    dimension_id: str
    position: int  # 0-based order in the whole questionnaire
    title: Text
    help: Text
    levels: tuple[Text, ...]  # six statements, index = level value
    allow_na: bool
    weight: Fraction
    article_ref: str
    recommendations: Mapping[int, Recommendation]  # levels 1-5
    requires: Mapping[str, int]


@dataclass(frozen=True)
class Dimension:
    id: str
    label: Text
    description: Text
    weight: Fraction
    article_ref: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Goal:
    id: str
    label: Text
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: str
    title: Text
    gate: Fraction
    max_goals: int
    levels: tuple[Level, ...]
    services: tuple[Service, ...]
    dimensions: tuple[Dimension, ...]
    goals: tuple[Goal, ...]
    content_hash: str
    _questions: dict[str, Question] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for dimension in self.dimensions:
            for question in dimension.questions:
                self._questions[question.id] = question

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"

    @cached_property
    def weight_units(self) -> dict[str, int]:
        """Question weights as integers in a common unit (exact ratios, fast sums)."""
        unit = math.lcm(*(q.weight.denominator for q in self.questions))
        return {q.id: int(q.weight * unit) for q in self.questions}

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def service(self, service_id: str) -> Service:
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)


# --- Errors -----------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: str  # e.g. dimensions[0].questions[2].levels
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line is not None else ""
        return f"{where}{self.path or '(top)'}: {self.message}"


class QuestionnaireError(ValueError):
    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(map(str, problems)))


# --- Schema -----------------------------------------------------------------

_TEXT = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {
        "zh": {"type": "string", "pattern": r"\S"},
        "en": {"type": "string", "pattern": r"\S"},
    },
    "additionalProperties": False,
}
_ID = {"type": "string", "pattern": ID_PATTERN}
_WEIGHT = {"type": "number", "exclusiveMinimum": 0}
_ARTICLE_REF = {"type": "string", "pattern": r"^[0-9]+(\([0-9]+\))?$"}
_RECOMMENDATION = {
    "type": "object",
    "required": ["zh", "en", "services"],
    "properties": {
        "zh": _TEXT["properties"]["zh"],  # type: ignore[index]
        "en": _TEXT["properties"]["en"],  # type: ignore[index]
        "services": {"type": "array", "items": _ID, "uniqueItems": True},
    },
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["key", "version", "title", "levels", "services", "dimensions", "goals"],
    "additionalProperties": False,
    "properties": {
        "key": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,62}$"},
        "version": {"type": "string", "pattern": VERSION_PATTERN},
        "title": _TEXT,
        "gate": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "max_goals": {"type": "integer", "minimum": 1},
        "levels": {
            "type": "array",
            "minItems": 6,
            "maxItems": 6,
            "items": {
                "type": "object",
                "required": ["value", "label", "meaning"],
                "properties": {"value": {"type": "integer"}, "label": _TEXT, "meaning": _TEXT},
                "additionalProperties": False,
            },
        },
        "services": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "properties": {"id": _ID, "label": _TEXT},
                "additionalProperties": False,
            },
        },
        "dimensions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label", "description", "questions"],
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "description": _TEXT,
                    "weight": _WEIGHT,
                    "article_ref": _ARTICLE_REF,
                    "questions": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": [
                                "id",
                                "title",
                                "help",
                                "levels",
                                "article_ref",
                                "recommendations",
                            ],
                            "additionalProperties": False,
                            "properties": {
                                "id": _ID,
                                "title": _TEXT,
                                "help": _TEXT,
                                "weight": _WEIGHT,
                                "allow_na": {"type": "boolean"},
                                "article_ref": _ARTICLE_REF,
                                "levels": {
                                    "type": "array",
                                    "minItems": 6,
                                    "maxItems": 6,
                                    "items": _TEXT,
                                },
                                "recommendations": {
                                    "type": "object",
                                    "required": ["1", "2", "3", "4", "5"],
                                    "additionalProperties": False,
                                    "patternProperties": {"^[1-5]$": _RECOMMENDATION},
                                },
                                "requires": {
                                    "type": "object",
                                    "propertyNames": {"pattern": ID_PATTERN},
                                    "additionalProperties": {
                                        "type": "integer",
                                        "minimum": 1,
                                        "maximum": 5,
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        "goals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label", "dimensions"],
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    "label": _TEXT,
                    "dimensions": {
                        "type": "array",
                        "minItems": 1,
                        "items": _ID,
                        "uniqueItems": True,
                    },
                },
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)
# libyaml's loader when PyYAML was built with it (the wheels are): several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _message(error: Any) -> str:
    """A short, specific message for the schema violations authors make most."""
    kind, instance, limit = error.validator, error.instance, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        names = {"zh": "the Chinese text (zh)", "en": "the English text (en)"}
        return f"missing {names.get(missing, repr(missing))}"
    if kind == "pattern" and limit == r"\S":
        return "the text is empty"
    if kind == "pattern" and limit == ID_PATTERN:
        return f"{instance!r} is not a valid id (lower-case letters, digits and _, starting with a letter)"
    if kind in ("minItems", "maxItems") and isinstance(instance, list):
        if error.schema.get("minItems") == error.schema.get("maxItems"):
            return f"has {len(instance)} entries; exactly {limit} are required"
        bound = "at least" if kind == "minItems" else "at most"
        return f"has {len(instance)} entries; {bound} {limit} are required"
    if kind == "exclusiveMinimum":
        return f"{instance!r} must be greater than {limit}"
    if kind == "maximum":
        return f"{instance!r} must be at most {limit}"
    if kind == "minimum":
        return f"{instance!r} must be at least {limit}"
    return str(error.message)


# --- Locations --------------------------------------------------------------

PathPart = str | int


def format_path(parts: Iterable[PathPart]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _line_of(node: yaml.Node | None, parts: Iterable[PathPart]) -> int | None:
    """The 1-based line of the YAML node at ``parts`` (or of its nearest parent)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == str(part):
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


# --- Loading ----------------------------------------------------------------


def _stringify_keys(value: Any) -> Any:
    """YAML reads ``1:`` as an integer key; the schema and JSON speak strings."""
    if isinstance(value, dict):
        return {str(key): _stringify_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(item) for item in value]
    return value


def content_hash(data: Any) -> str:
    """SHA-256 of the canonical JSON of the parsed content: comments and layout
    do not change it, any change of content does."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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


def _semantic_problems(data: Any) -> Iterator[tuple[list[PathPart], str]]:
    """What a schema cannot say: unique and known ids, no prerequisite cycles.

    Runs on whatever parts of the file are well-formed, so that a file with a
    shape error still gets these problems reported too."""
    levels = [level.get("value") for _i, level in _entries(data, "levels")]
    if len(levels) == len(LEVEL_VALUES) and levels != list(LEVEL_VALUES):
        yield ["levels"], f"levels must have the values 0 to 5 in order, not {levels}"

    services = _ids(data, "services")
    yield from _duplicates(services, "service")
    service_ids = {service_id for _path, service_id in services}

    dimensions = _ids(data, "dimensions")
    yield from _duplicates(dimensions, "dimension")
    dimension_ids = {dimension_id for _path, dimension_id in dimensions}

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


def _text(raw: Mapping[str, str]) -> Text:
    return Text(zh=raw["zh"].strip(), en=raw["en"].strip())


def _fraction(raw: Any, default: int = 1) -> Fraction:
    return Fraction(str(raw)) if raw is not None else Fraction(default)


def _build(data: dict[str, Any], digest: str) -> Questionnaire:
    dimensions = []
    position = 0
    for raw_dimension in data["dimensions"]:
        questions = []
        for raw in raw_dimension["questions"]:
            questions.append(
                Question(
                    id=raw["id"],
                    dimension_id=raw_dimension["id"],
                    position=position,
                    title=_text(raw["title"]),
                    help=_text(raw["help"]),
                    levels=tuple(_text(level) for level in raw["levels"]),
                    allow_na=bool(raw.get("allow_na", False)),
                    weight=_fraction(raw.get("weight")),
                    article_ref=raw["article_ref"],
                    recommendations={
                        int(level): Recommendation(
                            level=int(level),
                            text=_text(recommendation),
                            services=tuple(recommendation["services"]),
                        )
                        for level, recommendation in sorted(raw["recommendations"].items())
                    },
                    requires={key: int(value) for key, value in raw.get("requires", {}).items()},
                )
            )
            position += 1
        dimensions.append(
            Dimension(
                id=raw_dimension["id"],
                label=_text(raw_dimension["label"]),
                description=_text(raw_dimension["description"]),
                weight=_fraction(raw_dimension.get("weight")),
                article_ref=raw_dimension.get("article_ref", ""),
                questions=tuple(questions),
            )
        )
    return Questionnaire(
        key=data["key"],
        version=data["version"],
        title=_text(data["title"]),
        gate=_fraction(data.get("gate", "0.8")),
        max_goals=int(data.get("max_goals", 3)),
        levels=tuple(
            Level(
                value=level["value"], label=_text(level["label"]), meaning=_text(level["meaning"])
            )
            for level in data["levels"]
        ),
        services=tuple(Service(id=s["id"], label=_text(s["label"])) for s in data["services"]),
        dimensions=tuple(dimensions),
        goals=tuple(
            Goal(id=g["id"], label=_text(g["label"]), dimensions=tuple(g["dimensions"]))
            for g in data["goals"]
        ),
        content_hash=digest,
    )


def parse(text: str, source: str = "<questionnaire>") -> Questionnaire:
    """Parse and validate questionnaire YAML; raise QuestionnaireError listing every problem."""
    loader = _Loader(text)
    try:
        # One parse gives both the node tree (for line numbers) and the data.
        root = loader.get_single_node()
        raw = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = "; ".join(
            str(part)
            for part in (getattr(error, "context", None), getattr(error, "problem", None))
            if part
        )
        raise QuestionnaireError(
            source, [Problem("", line, f"not valid YAML: {detail or error}")]
        ) from None
    finally:
        loader.dispose()
    data = _stringify_keys(raw)

    problems = [
        Problem(
            format_path(error.absolute_path), _line_of(root, error.absolute_path), _message(error)
        )
        for error in _VALIDATOR.iter_errors(data)
    ]
    problems += [
        Problem(format_path(path), _line_of(root, path), message)
        for path, message in _semantic_problems(data)
    ]
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.path, p.message))
        raise QuestionnaireError(source, problems)
    return _build(data, content_hash(data))


def load_file(path: Path) -> Questionnaire:
    return parse(path.read_text(encoding="utf-8"), str(path))


def version_key(version: str) -> tuple[int, ...]:
    if not re.match(VERSION_PATTERN, version):
        raise ValueError(f"not a semantic version: {version!r}")
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Catalogue:
    """Every questionnaire file in a directory (``<key>/<version>.yaml``)."""

    files: Mapping[tuple[str, str], Path]

    @classmethod
    def scan(cls, directory: Path) -> Catalogue:
        files = {}
        for path in sorted(directory.glob("*/*.yaml")):
            files[(path.parent.name, path.stem)] = path
        return cls(files)

    def keys(self) -> list[str]:
        return sorted({key for key, _version in self.files})

    def versions(self, key: str) -> list[str]:
        return sorted((v for k, v in self.files if k == key), key=version_key)

    def resolve(self, reference: str) -> tuple[str, str]:
        """``KEY`` (latest version) or ``KEY@VERSION`` → (key, version); KeyError if unknown."""
        key, _, version = reference.partition("@")
        versions = self.versions(key)
        if not versions:
            raise KeyError(f"unknown questionnaire {key!r}")
        if not version:
            return key, versions[-1]
        if version not in versions:
            raise KeyError(f"questionnaire {key!r} has no version {version!r}")
        return key, version

    def load(self, reference: str) -> Questionnaire:
        key, version = self.resolve(reference)
        questionnaire = _load_cached(self.files[(key, version)])
        if (questionnaire.key, questionnaire.version) != (key, version):
            raise QuestionnaireError(
                str(self.files[(key, version)]),
                [
                    Problem(
                        "key",
                        None,
                        f"file declares {questionnaire.label}, path says {key}@{version}",
                    )
                ],
            )
        return questionnaire


@cache
def _load_cached_at(path: Path, mtime_ns: int, size: int) -> Questionnaire:
    return load_file(path)


def _load_cached(path: Path) -> Questionnaire:
    stat = path.stat()
    return _load_cached_at(path, stat.st_mtime_ns, stat.st_size)
