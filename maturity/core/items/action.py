"""Who acts on a roadmap step, how long and how much it takes, and what figure shows
it worked (format 2 of the questionnaire file).

The file names its roles and its effort and cost bands once, gives each level a
default effort and cost (``level_defaults``), each question its owner and the
figure to watch, and any recommendation may say otherwise:

    roles: [{id: it_lead, label: {zh: IT负责人, en: Head of IT}}, …]
    effort_bands: [{id: months_1_3, label: …}, …]
    cost_bands: [{id: under_50k, label: {zh: 5万元以下, en: …}}, …]
    level_defaults: {"3": {effort: months_3_6, cost: k50_200k}, …}
    questions: [{…, owner: it_lead, watch: first_pass_yield, recommendations:
                 {"3": {…, cost: k200k_1m}}}]

``watch`` is an outcome figure's id where one fits, otherwise a KPI in words.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from maturity.core.items.base import FileProblem
from maturity.core.text import TEXT_SCHEMA, Text

ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
_ID = {"type": "string", "pattern": ID_PATTERN}
# Top-level lists of named bands, and the recommendation field that names one.
BANDS = {"roles": "owner", "effort_bands": "effort", "cost_bands": "cost"}
BAND_LIST_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {"id": _ID, "label": TEXT_SCHEMA},
        "additionalProperties": False,
    },
}
WATCH_SCHEMA: dict[str, Any] = {"oneOf": [_ID, TEXT_SCHEMA]}
# What a recommendation may add, and what a question may give all its levels.
RECOMMENDATION_FIELDS: dict[str, Any] = {
    "owner": _ID,
    "effort": _ID,
    "cost": _ID,
    "watch": WATCH_SCHEMA,
}
QUESTION_FIELDS: dict[str, Any] = {"owner": _ID, "watch": WATCH_SCHEMA}
LEVEL_DEFAULTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "patternProperties": {
        "^[1-5]$": {
            "type": "object",
            "properties": {"effort": _ID, "cost": _ID},
            "additionalProperties": False,
        }
    },
}
TOP_LEVEL_SCHEMA: dict[str, Any] = {
    **dict.fromkeys(BANDS, BAND_LIST_SCHEMA),
    "level_defaults": LEVEL_DEFAULTS_SCHEMA,
}


@dataclass(frozen=True)
class Band:
    id: str
    label: Text


@dataclass(frozen=True)
class Action:
    """Ids of a role, an effort band and a cost band (None where the file gives none),
    and the figure to watch: an outcome id, a KPI in words, or None."""

    owner: str | None = None
    effort: str | None = None
    cost: str | None = None
    watch: str | Text | None = None

    @property
    def empty(self) -> bool:
        return self == Action()


def bands(data: Mapping[str, Any]) -> dict[str, tuple[Band, ...]]:
    return {
        kind: tuple(Band(raw["id"], Text.of(raw["label"])) for raw in data.get(kind, ()))
        for kind in BANDS
    }


def _watch(raw: object) -> str | Text | None:
    """An outcome id, a KPI in words ({zh, en}, checked by the schema), or nothing."""
    if isinstance(raw, Mapping):
        return Text.of(raw)
    return raw if isinstance(raw, str) else None


def action(
    question: Mapping[str, Any],
    recommendation: Mapping[str, Any],
    level: int,
    level_defaults: Mapping[str, Any],
) -> Action:
    """A recommendation's own fields, else its question's, else its level's defaults."""
    defaults = level_defaults.get(str(level), {})
    return Action(
        owner=recommendation.get("owner", question.get("owner")),
        effort=recommendation.get("effort", defaults.get("effort")),
        cost=recommendation.get("cost", defaults.get("cost")),
        watch=_watch(recommendation.get("watch", question.get("watch"))),
    )


def file_problems(data: Mapping[str, Any], outcome_ids: set[str]) -> Iterator[FileProblem]:
    """Names of roles, bands and outcome figures that the file does not define."""
    known = {
        field: {raw.get("id") for raw in data.get(kind) or () if isinstance(raw, dict)}
        for kind, field in BANDS.items()
    }

    def check(path: list[Any], entry: Mapping[str, Any]) -> Iterator[FileProblem]:
        for field, ids in known.items():
            value = entry.get(field)
            if isinstance(value, str) and value not in ids:
                yield [*path, field], f"unknown {field} {value!r}"
        watch = entry.get("watch")
        if isinstance(watch, str) and watch not in outcome_ids:
            yield [*path, "watch"], f"unknown outcome figure {watch!r}"

    defaults = data.get("level_defaults")
    for level, entry in (defaults if isinstance(defaults, dict) else {}).items():
        if isinstance(entry, dict):
            yield from check(["level_defaults", level], entry)
    dimensions = data.get("dimensions")
    for d, dimension in enumerate(dimensions if isinstance(dimensions, list) else []):
        questions = dimension.get("questions") if isinstance(dimension, dict) else None
        for q, question in enumerate(questions if isinstance(questions, list) else []):
            if not isinstance(question, dict):
                continue
            base = ["dimensions", d, "questions", q]
            yield from check(base, question)
            recommendations = question.get("recommendations")
            for level, entry in (
                recommendations if isinstance(recommendations, dict) else {}
            ).items():
                if isinstance(entry, dict):
                    yield from check([*base, "recommendations", level], entry)
