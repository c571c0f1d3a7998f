"""The JSON Schema of a questionnaire file, and short messages for its violations."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

from maturity.core.items import ROUND_ITEM_TYPES, level
from maturity.core.items.action import TOP_LEVEL_SCHEMA as ACTION_SCHEMA
from maturity.core.items.level import ID_PATTERN
from maturity.core.questionnaire import projects
from maturity.core.text import TEXT_SCHEMA

VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"

_ID = {"type": "string", "pattern": ID_PATTERN}
_WEIGHT = {"type": "number", "exclusiveMinimum": 0}
_ARTICLE_REF = {"type": "string", "pattern": r"^[0-9]+(\([0-9]+\))?$"}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["key", "version", "title", "levels", "services", "dimensions", "goals"],
    "additionalProperties": False,
    "properties": {
        # 1: the first contract (no profile, outcomes, crosswalk; prerequisites as a
        # mapping); 2: the fields of questionnaire 2.0 and their export; 3: evidence,
        # actions and projects, goals naming questions, three phases (questionnaire 3.0).
        "format": {"enum": [1, 2, 3]},
        "key": {"type": "string", "pattern": r"^[a-z][a-z0-9-]{1,62}$"},
        "version": {"type": "string", "pattern": VERSION_PATTERN},
        "title": TEXT_SCHEMA,
        "gate": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "max_goals": {"type": "integer", "minimum": 1},
        "phase_capacity": {
            "type": "array",
            "minItems": 2,
            "maxItems": 3,
            "items": {"type": "integer", "minimum": 1},
        },
        "levels_source": TEXT_SCHEMA,
        "levels": {
            "type": "array",
            "minItems": 6,
            "maxItems": 6,
            "items": {
                "type": "object",
                "required": ["value", "label", "meaning"],
                "properties": {
                    "value": {"type": "integer"},
                    "label": TEXT_SCHEMA,
                    "meaning": TEXT_SCHEMA,
                },
                "additionalProperties": False,
            },
        },
        "glossary": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["term", "definition"],
                "properties": {"term": TEXT_SCHEMA, "definition": TEXT_SCHEMA},
                "additionalProperties": False,
            },
        },
        "variants": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "properties": {"id": _ID, "label": TEXT_SCHEMA},
                "additionalProperties": False,
            },
        },
        "services": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "properties": {"id": _ID, "label": TEXT_SCHEMA, "article_ref": _ARTICLE_REF},
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
                    "label": TEXT_SCHEMA,
                    "description": TEXT_SCHEMA,
                    "weight": _WEIGHT,
                    "article_ref": _ARTICLE_REF,
                    "questions": {"type": "array", "minItems": 1, "items": level.FILE_SCHEMA},
                },
            },
        },
        "goals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "label"],
                "additionalProperties": False,
                "properties": {
                    "id": _ID,
                    "label": TEXT_SCHEMA,
                    "dimensions": {
                        "type": "array",
                        "minItems": 1,
                        "items": _ID,
                        "uniqueItems": True,
                    },
                    # Format 3: the questions that serve the goal.
                    "questions": {
                        "type": "array",
                        "minItems": 1,
                        "items": _ID,
                        "uniqueItems": True,
                    },
                    # Where the goal's programme is described (an official page).
                    "source": TEXT_SCHEMA,
                },
            },
        },
        **{
            item_type.section: {"type": "array", "minItems": 1, "items": item_type.file_schema}
            for item_type in ROUND_ITEM_TYPES
        },
        **ACTION_SCHEMA,
        "projects": projects.SCHEMA,
    },
}


@cache
def validator() -> Draft202012Validator:
    """Built on first use: jsonschema takes a tenth of a second to import, which every
    command and worker would pay at start-up."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(SCHEMA)


def message(error: Any) -> str:
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
