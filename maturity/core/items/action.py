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

Format 3 gives every effort and cost band its range, so that a roadmap can add costs
up, price a phase and tell a quick win (the cheapest cost band, at most three months):

    effort_bands: [{id: months_1_3, label: …, unit: months, low: 1, high: 3}, …]
    cost_bands: [{id: k50_200k, label: …, unit: cny, low: 50000, high: 200000},
                 {id: revenue_1_2, label: {zh: 营业收入的1%至2%, …},
                  unit: revenue_percent, low: 1, high: 2}, …]

A ``revenue_percent`` band is spending priced from the organisation's annual revenue
(``Band.cny_range``): the roadmap multiplies it out, so that "raise digital spending
to 1%" costs a firm with 86 million CNY of revenue 860,000 CNY, not a fixed band.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from maturity.core.items.base import FileProblem
from maturity.core.text import TEXT_SCHEMA, Text

ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
_ID = {"type": "string", "pattern": ID_PATTERN}
# Top-level lists of named bands, and the recommendation field that names one.
BANDS = {"roles": "owner", "effort_bands": "effort", "cost_bands": "cost"}
# The unit of a band's range (format 3): months of effort, CNY, or percent of the
# organisation's annual revenue.
BAND_UNITS = {"effort_bands": ("months",), "cost_bands": ("cny", "revenue_percent")}
BAND_LIST_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["id", "label"],
        "properties": {
            "id": _ID,
            "label": TEXT_SCHEMA,
            "unit": {"enum": ["months", "cny", "revenue_percent"]},
            "low": {"type": "number", "minimum": 0},
            "high": {"type": "number", "exclusiveMinimum": 0},
        },
        "additionalProperties": False,
    },
}
RANGE_FIELDS = ("unit", "low", "high")
WATCH_SCHEMA: dict[str, Any] = {"oneOf": [_ID, TEXT_SCHEMA]}
# What a recommendation may add, and what a question may give all its levels.
RECOMMENDATION_FIELDS: dict[str, Any] = {
    "owner": _ID,
    "effort": _ID,
    "cost": _ID,
    "watch": WATCH_SCHEMA,
    # Format 3: two to four concrete actions, and the project the step belongs to.
    "how": {"type": "array", "items": TEXT_SCHEMA},
    "project": _ID,
}
HOW_COUNT = range(2, 5)
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


BandUnit = Literal["months", "cny", "revenue_percent"]
REVENUE_PERCENT: BandUnit = "revenue_percent"


@dataclass(frozen=True)
class Band:
    """A role, an effort band or a cost band. From format 3 effort and cost bands have
    a range ``low``–``high`` in their ``unit``: months, CNY, or percent of the
    organisation's annual revenue (spending that scales with the firm)."""

    id: str
    label: Text
    unit: BandUnit | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def priced_from_revenue(self) -> bool:
        return self.unit == REVENUE_PERCENT

    def cny_range(
        self, annual_revenue_cny: Decimal | None = None
    ) -> tuple[Decimal, Decimal] | None:
        """The cost in CNY: the band's own range, or its share of ``annual_revenue_cny``
        (in CNY; the organisation stores revenue in 10,000 CNY, so multiply by 10,000).
        None for a band without a CNY range, or a revenue share when revenue is unknown."""
        if self.low is None or self.high is None or self.unit not in ("cny", REVENUE_PERCENT):
            return None
        if self.unit == "cny":
            return self.low, self.high
        if annual_revenue_cny is None:
            return None
        return annual_revenue_cny * self.low / 100, annual_revenue_cny * self.high / 100

    def midpoint_cny(self, annual_revenue_cny: Decimal | None = None) -> Decimal | None:
        """The middle of ``cny_range`` (what a roadmap adds up), or None."""
        found = self.cny_range(annual_revenue_cny)
        return None if found is None else (found[0] + found[1]) / 2


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

    def as_json(self) -> dict[str, Any]:
        """Band ids and the figure to watch (an outcome id, or a KPI as {zh, en}); only
        what the questionnaire gives."""
        found: dict[str, Any] = {
            name: value
            for name, value in (("owner", self.owner), ("effort", self.effort), ("cost", self.cost))
            if value is not None
        }
        if isinstance(self.watch, str):
            found["watch"] = self.watch
        elif self.watch is not None:
            found["watch"] = self.watch.as_dict()
        return found


def _decimal(raw: object) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def bands(data: Mapping[str, Any]) -> dict[str, tuple[Band, ...]]:
    return {
        kind: tuple(
            Band(
                raw["id"],
                Text.of(raw["label"]),
                unit=raw.get("unit"),
                low=_decimal(raw.get("low")),
                high=_decimal(raw.get("high")),
            )
            for raw in data.get(kind, ())
        )
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


def range_problems(data: Mapping[str, Any], file_format: int) -> Iterator[FileProblem]:
    """Band ranges: refused before format 3; from format 3 every effort and cost band
    has one, in a unit that fits its kind, ``high`` above ``low``, and the cost bands in
    CNY rise in the order given (the first is the cheapest: a quick win's)."""
    for kind in BANDS:
        entries = data.get(kind)
        previous_high: float | None = None
        for i, raw in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(raw, dict):
                continue
            path: list[Any] = [kind, i]
            given = [name for name in RANGE_FIELDS if name in raw]
            if file_format < 3:
                for name in given:
                    yield [*path, name], f"{name} needs format: 3"
                continue
            if kind not in BAND_UNITS:
                for name in given:
                    yield [*path, name], f"a role has no {name}"
                continue
            missing = [name for name in RANGE_FIELDS if name not in raw]
            if missing:
                yield path, f"format 3 needs {', '.join(missing)} for every band of {kind}"
                continue
            unit, low, high = raw["unit"], raw["low"], raw["high"]
            if unit not in BAND_UNITS[kind]:
                yield [*path, "unit"], f"{unit!r} is not a unit of {kind}"
            if isinstance(low, int | float) and isinstance(high, int | float):
                if high <= low:
                    yield [*path, "high"], f"high ({high}) must be greater than low ({low})"
                elif unit == "cny":
                    if previous_high is not None and low < previous_high:
                        yield (
                            [*path, "low"],
                            "cost bands in CNY must rise: this one starts below the one before",
                        )
                    previous_high = high


def how_problems(
    path: list[Any],
    entry: Mapping[str, Any],
    restated: set[object],
    file_format: int,
    project_ids: set[str],
) -> Iterator[FileProblem]:
    """A recommendation's ``how`` and ``project`` (format 3): two to four actions, none
    the same as the recommendation or the level statement (``restated``), and a project
    the catalogue has; refused before format 3."""
    for field_name in ("how", "project"):
        if field_name in entry and file_format < 3:
            yield [*path, field_name], f"{field_name} needs format: 3"
    if file_format < 3:
        return
    how = entry.get("how")
    if how is None:
        yield path, "format 3 needs how: two to four concrete actions"
    elif isinstance(how, list):
        if len(how) not in HOW_COUNT:
            yield [*path, "how"], f"gives {len(how)} action(s); two to four are required"
        for i, step in enumerate(how):
            if isinstance(step, dict) and step.get("zh") in restated:
                yield (
                    [*path, "how", i],
                    "an action must say how, not repeat the recommendation or the level",
                )
    project = entry.get("project")
    if isinstance(project, str) and project not in project_ids:
        yield [*path, "project"], f"unknown project {project!r}"


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
