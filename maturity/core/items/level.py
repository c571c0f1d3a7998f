"""The level question: the scored item type. One practice, six level statements, an
answer from 0 to 5 or "not applicable".

Everything a level question is defined by lives here: its entry in a questionnaire
file (schema, semantic checks, model), the value it takes, its API schema and its
export. Answers are stored with revisions and notes (``models.Answer``), checked
against a questionnaire by ``core.answers``, and shown by the dimension page's
widget (``assessments/dimension.html``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, TypeGuard

from maturity.core.items import action as actions
from maturity.core.items.base import FileProblem, PathPart
from maturity.core.items.wording import (
    LEVEL_SCHEMA,
    RECOMMENDATION_SCHEMA,
    Recommendation,
    VariantChoice,
    Wording,
    evidence_of,
    format_3_problems,
    recommendations_of,
    wording_json,
)
from maturity.core.text import NON_EMPTY, TEXT_SCHEMA, Text

LEVEL_VALUES = range(6)
MIN_STEP_LEVEL = 1
MAX_LEVEL = max(LEVEL_VALUES)
NOT_APPLICABLE: Literal["na"] = "na"

AnswerValue = int | Literal["na"]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
CROSSWALK_KEYS = ("miit_2024", "gbt_39116")


# --- The value ----------------------------------------------------------------


def is_level(value: object) -> TypeGuard[int]:
    """0..5 as an integer (``True`` is not a level, although Python counts it as 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in LEVEL_VALUES


def whole_number(raw: object) -> object:
    """Text of digits and JSON numbers without a fraction (``3.0`` is the integer 3 in
    JSON Schema) as ``int``; anything else as it is."""
    if isinstance(raw, str) and raw.strip().isdecimal() and len(raw.strip()) <= 10:
        return int(raw.strip())
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    return raw


class InvalidLevel(ValueError):
    pass


def parse_value(raw: object) -> AnswerValue:
    """A submitted value: a level as a number or as text ("0".."5"), or "na"."""
    if raw == NOT_APPLICABLE:
        return NOT_APPLICABLE
    value = whole_number(raw)
    if is_level(value):
        return value
    raise InvalidLevel(raw)


VALUE_SCHEMA: dict[str, Any] = {
    "oneOf": [{"type": "integer", "minimum": 0, "maximum": 5}, {"const": NOT_APPLICABLE}]
}


# --- The model (what a question says: core.items.wording) ------------------------


@dataclass(frozen=True)
class Requirement:
    """Reaching ``from_level`` or higher on the question needs ``question_id`` at
    ``level`` or higher (PRODUCT.md, roadmap version 2)."""

    from_level: int
    question_id: str
    level: int

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.from_level, "question": self.question_id, "level": self.level}


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
    requires: tuple[Requirement, ...] = ()
    crosswalk: Mapping[str, str] | None = None
    # Other wordings by variant id (e.g. "process" for process manufacturing): where
    # the practice exists in another form. Only the parts a variant names change.
    variants: Mapping[str, Wording] = field(default_factory=dict)
    evidence: tuple[Text | None, ...] = ()  # format 3, see Wording.evidence

    def wording(self, variant: VariantChoice = None) -> Wording:
        chosen = (variant,) if isinstance(variant, str) else (variant or ())
        for variant_id in chosen:
            if variant_id in self.variants:
                return self.variants[variant_id]
        return Wording(self.title, self.help, self.levels, self.recommendations, self.evidence)

    def requirements_for(self, level: int) -> tuple[Requirement, ...]:
        """The requirements that apply to reaching ``level``."""
        return tuple(r for r in self.requires if r.from_level <= level)


# --- The file entry -------------------------------------------------------------

_ID = {"type": "string", "pattern": ID_PATTERN}
_LEVEL_FROM_1 = {"type": "integer", "minimum": 1, "maximum": 5}
_LEVELS = {"type": "array", "minItems": 6, "maxItems": 6, "items": LEVEL_SCHEMA}
_RECOMMENDATIONS = {
    "type": "object",
    "additionalProperties": False,
    "patternProperties": {"^[1-5]$": RECOMMENDATION_SCHEMA},
}
_REQUIREMENT = {
    "type": "object",
    "required": ["from", "question", "level"],
    "properties": {"from": _LEVEL_FROM_1, "question": _ID, "level": _LEVEL_FROM_1},
    "additionalProperties": False,
}
FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "title", "help", "levels", "article_ref", "recommendations"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "title": TEXT_SCHEMA,
        "help": TEXT_SCHEMA,
        "weight": {"type": "number", "exclusiveMinimum": 0},
        "allow_na": {"type": "boolean"},
        "article_ref": {"type": "string", "pattern": r"^[0-9]+(\([0-9]+\))?$"},
        "levels": _LEVELS,
        "recommendations": {**_RECOMMENDATIONS, "required": ["1", "2", "3", "4", "5"]},
        **actions.QUESTION_FIELDS,
        # The list form is level-scoped; the mapping {question: level} means from 1.
        "requires": {
            "type": ["object", "array"],
            "if": {"type": "array"},
            "then": {"items": _REQUIREMENT},
            "else": {
                "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": _LEVEL_FROM_1,
            },
        },
        "crosswalk": {
            "type": "object",
            "required": list(CROSSWALK_KEYS),
            "properties": {key: NON_EMPTY for key in CROSSWALK_KEYS},
            "additionalProperties": False,
        },
        "variants": {
            "type": "object",
            "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": False,
                "properties": {
                    "title": TEXT_SCHEMA,
                    "help": TEXT_SCHEMA,
                    "levels": _LEVELS,
                    "recommendations": _RECOMMENDATIONS,
                },
            },
        },
    },
}


def requirements(raw: object) -> tuple[Requirement, ...]:
    """Both forms of ``requires`` as requirements (the mapping form means from 1)."""
    if isinstance(raw, list):
        return tuple(
            Requirement(int(entry["from"]), entry["question"], int(entry["level"])) for entry in raw
        )
    if isinstance(raw, dict):
        return tuple(Requirement(1, question_id, int(level)) for question_id, level in raw.items())
    return ()


def build(
    raw: Mapping[str, Any],
    dimension_id: str,
    position: int,
    level_defaults: Mapping[str, Any] | None = None,
) -> Question:
    defaults = level_defaults or {}
    title, help_text = Text.of(raw["title"]), Text.of(raw["help"])
    levels = tuple(Text.of(level) for level in raw["levels"])
    recommendations = recommendations_of(raw["recommendations"], raw, defaults)
    evidence = evidence_of(raw["levels"])
    variants = {
        variant_id: Wording(
            title=Text.of(entry["title"]) if "title" in entry else title,
            help=Text.of(entry["help"]) if "help" in entry else help_text,
            levels=tuple(Text.of(level) for level in entry["levels"])
            if "levels" in entry
            else levels,
            recommendations={
                **recommendations,
                **recommendations_of(entry.get("recommendations", {}), raw, defaults),
            },
            evidence=evidence_of(entry["levels"]) if "levels" in entry else evidence,
        )
        for variant_id, entry in raw.get("variants", {}).items()
    }
    weight = raw.get("weight")
    return Question(
        id=raw["id"],
        dimension_id=dimension_id,
        position=position,
        title=title,
        help=help_text,
        levels=levels,
        allow_na=bool(raw.get("allow_na", False)),
        weight=Fraction(str(weight)) if weight is not None else Fraction(1),
        article_ref=raw["article_ref"],
        recommendations=recommendations,
        requires=requirements(raw.get("requires")),
        crosswalk=dict(raw["crosswalk"]) if "crosswalk" in raw else None,
        variants=variants,
        evidence=evidence,
    )


def file_problems(
    base: list[PathPart],
    raw: Mapping[str, Any],
    *,
    file_format: int,
    question_ids: set[str],
    service_ids: set[str],
    variant_ids: set[str],
    project_ids: set[str] | None = None,
) -> Iterator[FileProblem]:
    """The rules of one question entry that a schema cannot state."""
    question_id = raw.get("id")
    required = raw.get("requires")
    if isinstance(required, list):
        if file_format < 2:
            yield [*base, "requires"], "the list form of requires needs format: 2"
        seen: set[tuple[object, object]] = set()
        for i, entry in enumerate(required):
            if not isinstance(entry, dict):
                continue
            key = (entry.get("from"), entry.get("question"))
            if key in seen:
                yield (
                    [*base, "requires", i],
                    (f"a second requirement on {key[1]!r} from level {key[0]}"),
                )
            seen.add(key)
            yield from _required_question(
                [*base, "requires", i, "question"], entry.get("question"), question_id, question_ids
            )
    elif isinstance(required, dict):
        for required_id in required:
            yield from _required_question(
                [*base, "requires", required_id], required_id, question_id, question_ids
            )
    for field_name in ("crosswalk", "variants", *actions.QUESTION_FIELDS):
        if file_format < 2 and field_name in raw:
            yield [*base, field_name], f"{field_name} needs format: 2"
    if file_format >= 2 and "crosswalk" not in raw:
        yield base, "format 2 needs a crosswalk {miit_2024, gbt_39116} for every question"
    variants = raw.get("variants")
    wordings: list[tuple[list[PathPart], Mapping[str, Any]]] = [(base, raw)]
    for variant_id, entry in (variants if isinstance(variants, dict) else {}).items():
        if variant_id not in variant_ids:
            yield [*base, "variants", variant_id], f"unknown variant {variant_id!r}"
        if isinstance(entry, dict):
            yield from _unknown_services(
                [*base, "variants", variant_id], entry.get("recommendations"), service_ids
            )
            wordings.append(([*base, "variants", variant_id], entry))
    yield from _unknown_services(base, raw.get("recommendations"), service_ids)
    for path, wording in wordings:
        yield from format_3_problems(path, wording, file_format, project_ids or set())


def _required_question(
    path: list[PathPart], required_id: object, question_id: object, question_ids: set[str]
) -> Iterator[FileProblem]:
    if not isinstance(required_id, str):
        return
    if required_id == question_id:
        yield path, "a question cannot require itself"
    elif required_id not in question_ids:
        yield path, f"requires unknown question {required_id!r}"


def _unknown_services(
    base: list[PathPart], recommendations: object, service_ids: set[str]
) -> Iterator[FileProblem]:
    if not isinstance(recommendations, dict):
        return
    for level, recommendation in recommendations.items():
        names = recommendation.get("services") if isinstance(recommendation, dict) else None
        for i, service_id in enumerate(names if isinstance(names, list) else []):
            if isinstance(service_id, str) and service_id not in service_ids:
                yield (
                    [*base, "recommendations", level, "services", i],
                    f"unknown service {service_id!r}",
                )


# --- The export -------------------------------------------------------------------


def number(value: Fraction) -> int | float:
    return int(value) if value == int(value) else float(value)


def export(question: Question, file_format: int) -> dict[str, Any]:
    """A question in the export; format 1 keeps the contract it was published with."""
    if file_format < 2:
        return {
            "id": question.id,
            "weight": number(question.weight),
            "allow_na": question.allow_na,
            "requires": {r.question_id: r.level for r in question.requires},
            "article_ref": question.article_ref,
            "title": question.title.as_dict(),
        }
    exported: dict[str, Any] = {
        "id": question.id,
        "weight": number(question.weight),
        "allow_na": question.allow_na,
        "requires": [r.as_dict() for r in question.requires],
        "crosswalk": dict(question.crosswalk or {}),
        "article_ref": question.article_ref,
        "title": question.title.as_dict(),
        "variants": sorted(question.variants),
    }
    if file_format >= 3:
        exported |= wording_json(question.wording())
        exported["wordings"] = {
            variant_id: wording_json(wording)
            for variant_id, wording in sorted(question.variants.items())
        }
    return exported
