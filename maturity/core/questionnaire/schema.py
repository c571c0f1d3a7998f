"""The JSON Schema of a questionnaire file, and short messages for its violations."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

VERSION_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"

_NON_EMPTY = {"type": "string", "pattern": r"\S"}
_TEXT = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": _NON_EMPTY, "en": _NON_EMPTY},
    "additionalProperties": False,
}
_ID = {"type": "string", "pattern": ID_PATTERN}
_WEIGHT = {"type": "number", "exclusiveMinimum": 0}
_ARTICLE_REF = {"type": "string", "pattern": r"^[0-9]+(\([0-9]+\))?$"}
_RECOMMENDATION = {
    "type": "object",
    "required": ["zh", "en", "services"],
    "properties": {
        "zh": _NON_EMPTY,
        "en": _NON_EMPTY,
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
VALIDATOR = Draft202012Validator(SCHEMA)


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
