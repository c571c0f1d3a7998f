"""Loading a questionnaire file: YAML text → validated, frozen objects.

A file is validated in two passes: a JSON Schema for its shape, then the rules
a schema cannot express (``checks``). Every problem is reported with its path
and line, not just the first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maturity.core.items import ROUND_ITEM_TYPES, action, level
from maturity.core.items.base import PathPart
from maturity.core.questionnaire import projects
from maturity.core.questionnaire.checks import format_path, semantic_problems
from maturity.core.questionnaire.errors import Problem, QuestionnaireError
from maturity.core.questionnaire.model import (
    DEFAULT_PHASE_CAPACITY,
    Dimension,
    Goal,
    Level,
    Questionnaire,
    Service,
    Term,
    Variant,
)
from maturity.core.questionnaire.schema import message, validator
from maturity.core.text import Text

if TYPE_CHECKING:
    import yaml

# PyYAML is imported by what parses a file (publishing, offline scoring), not at
# start-up: published questionnaires are read back from their JSON document.


def _yaml_loader() -> type[yaml.SafeLoader]:
    """libyaml's loader when PyYAML was built with it (the wheels are): several
    times faster."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_of(node: yaml.Node | None, parts: Iterable[PathPart]) -> int | None:
    """The 1-based line of the YAML node at ``parts`` (or of its nearest parent)."""
    import yaml

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


def _document(data: Any) -> str:
    """The parsed content as JSON, its mappings in the file's order (which the
    questionnaire keeps: variants, recommendations): what publishing stores."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _fraction(raw: Any, default: str = "1") -> Fraction:
    return Fraction(str(raw)) if raw is not None else Fraction(default)


def _build(data: dict[str, Any], digest: str) -> Questionnaire:
    dimensions = []
    position = 0
    for raw_dimension in data["dimensions"]:
        questions = []
        for raw in raw_dimension["questions"]:
            questions.append(
                level.build(raw, raw_dimension["id"], position, data.get("level_defaults"))
            )
            position += 1
        dimensions.append(
            Dimension(
                id=raw_dimension["id"],
                label=Text.of(raw_dimension["label"]),
                description=Text.of(raw_dimension["description"]),
                weight=_fraction(raw_dimension.get("weight")),
                article_ref=raw_dimension.get("article_ref", ""),
                questions=tuple(questions),
            )
        )
    capacity = data.get("phase_capacity", DEFAULT_PHASE_CAPACITY)
    return Questionnaire(
        key=data["key"],
        version=data["version"],
        title=Text.of(data["title"]),
        gate=_fraction(data.get("gate"), "0.8"),
        max_goals=int(data.get("max_goals", 3)),
        levels=tuple(
            Level(value=raw["value"], label=Text.of(raw["label"]), meaning=Text.of(raw["meaning"]))
            for raw in data["levels"]
        ),
        services=tuple(
            Service(id=raw["id"], label=Text.of(raw["label"]), article_ref=raw.get("article_ref"))
            for raw in data["services"]
        ),
        dimensions=tuple(dimensions),
        goals=tuple(
            Goal(
                id=raw["id"],
                label=Text.of(raw["label"]),
                dimensions=tuple(raw.get("dimensions", ())),
                questions=tuple(raw.get("questions", ())),
                source=Text.of(raw["source"]) if "source" in raw else None,
            )
            for raw in data["goals"]
        ),
        content_hash=digest,
        file_format=int(data.get("format", 1)),
        phase_capacity=tuple(int(c) for c in capacity),
        levels_source=Text.of(data["levels_source"]) if "levels_source" in data else None,
        glossary=tuple(
            Term(Text.of(raw["term"]), Text.of(raw["definition"]))
            for raw in data.get("glossary", ())
        ),
        variants=tuple(
            Variant(raw["id"], Text.of(raw["label"])) for raw in data.get("variants", ())
        ),
        bands=action.bands(data),
        sections={
            item_type.section: tuple(
                item_type.build(raw, position)
                for position, raw in enumerate(data.get(item_type.section, ()))
            )
            for item_type in ROUND_ITEM_TYPES
        },
        projects=projects.build(data),
    )


def parse(text: str, source: str = "<questionnaire>") -> Questionnaire:
    """Parse and validate questionnaire YAML; raise QuestionnaireError listing every problem."""
    return parse_with_document(text, source)[0]


def parse_with_document(text: str, source: str = "<questionnaire>") -> tuple[Questionnaire, str]:
    """`parse`, with the content as a JSON document (what publishing stores).

    The document keeps the file's key order, which the model relies on (variants and
    recommendations are read in order); only the sorted, canonical form is hashed.
    """
    import yaml

    loader = _yaml_loader()(text)
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
            format_path(error.absolute_path), _line_of(root, error.absolute_path), message(error)
        )
        for error in validator().iter_errors(data)
    ]
    problems += [
        Problem(format_path(path), _line_of(root, path), message)
        for path, message in semantic_problems(data)
    ]
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.path, p.message))
        raise QuestionnaireError(source, problems)
    return _build(data, content_hash(data)), _document(data)


def from_document(document: str, expected_hash: str, source: str) -> Questionnaire:
    """A questionnaire that `parse` validated when it was published, from the JSON
    document stored then: its content hash proves it unchanged, so the schema and the
    semantic checks (and jsonschema's import) are skipped, and JSON reads in a
    twentieth of the time the YAML source takes."""
    data = json.loads(document)
    digest = content_hash(data)
    if digest != expected_hash:
        raise QuestionnaireError(source, [Problem("", None, "content hash does not match")])
    return _build(data, digest)


def load_file(path: Path) -> Questionnaire:
    return parse(path.read_text(encoding="utf-8"), str(path))
