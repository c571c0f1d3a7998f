"""The outcome figure (成效): a business figure per round with its unit and plausible
range, unscored and optional; shown as a trend over rounds and, for centres, as an
aggregated change.

From format 3 a figure may allow "not applicable" (``allow_na``: a firm that develops
no products has no development lead time), stored as ``na`` and never counted as a
figure; may ask the previous year at the organisation's first round as a baseline
(``baseline: true``; the value is kept under the id ``<id>:previous``, an item of its
own on the page, in the API and in the scoring input); and carries its crosswalk to
the official indicator it corresponds to (``none`` where nothing does)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, ClassVar, Literal

from maturity.core.items.base import FileProblem, ItemRefused, ItemType
from maturity.core.items.level import CROSSWALK_KEYS, ID_PATTERN, NOT_APPLICABLE
from maturity.core.refusals import Refusal
from maturity.core.text import NON_EMPTY, TEXT_SCHEMA, Text

MAX_DECIMALS = 3
BASELINE_SUFFIX = ":previous"
# What people type for "not applicable" (compared case-insensitively, blanks dropped).
_NOT_APPLICABLE_WORDS = {"na", "n/a", "notapplicable", "不适用"}
FORMAT_3_FIELDS = ("allow_na", "baseline", "crosswalk")
OutcomeValue = Decimal | Literal["na"]
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?|[+-]?\.[0-9]+")
_GROUPED_NUMBER = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


@dataclass(frozen=True)
class OutcomeItem:
    id: str
    position: int
    label: Text
    help: Text | None
    unit: Text
    minimum: Decimal
    maximum: Decimal
    decimals: int
    better: Literal["higher", "lower"]
    allow_na: bool = False  # format 3
    baseline: bool = False  # format 3: the previous year is asked at the first round
    crosswalk: Mapping[str, str] | None = None  # format 3
    previous_of: str | None = None  # set on the baseline item of a figure

    @property
    def span(self) -> float:
        return float(self.maximum - self.minimum)

    def format(self, value: Decimal | float) -> str:
        return f"{float(value):,.{self.decimals}f}"


def parse_number(raw: object) -> Decimal:
    """A number as people type it: full-width digits, a thousands separator, blanks,
    a trailing % sign; or a JSON number. ValueError when it is none."""
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError(raw)
        return Decimal(repr(raw))
    if not isinstance(raw, str) or len(raw) > 40:
        raise ValueError(raw)
    text = unicodedata.normalize("NFKC", raw).replace(" ", "").strip().removesuffix("%")
    if _GROUPED_NUMBER.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise ValueError(raw)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None


_ID = {"type": "string", "pattern": ID_PATTERN}


class OutcomeType(ItemType[OutcomeItem, OutcomeValue]):
    kind: ClassVar[str] = "outcome"
    section: ClassVar[str] = "outcomes"
    widget: ClassVar[str] = "assessments/items/outcome.html"
    asked_before_questions: ClassVar[bool] = False
    required_for_submission: ClassVar[bool] = False
    file_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["id", "label", "unit", "min", "max", "better"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "label": TEXT_SCHEMA,
            "help": TEXT_SCHEMA,
            "unit": TEXT_SCHEMA,
            "min": {"type": "number"},
            "max": {"type": "number"},
            "decimals": {"type": "integer", "minimum": 0, "maximum": MAX_DECIMALS},
            "better": {"enum": ["higher", "lower"]},
            "allow_na": {"type": "boolean"},
            "baseline": {"type": "boolean"},
            "crosswalk": {
                "type": "object",
                "required": list(CROSSWALK_KEYS),
                "properties": dict.fromkeys(CROSSWALK_KEYS, NON_EMPTY),
                "additionalProperties": False,
            },
        },
    }

    def build(self, raw: Mapping[str, Any], position: int) -> OutcomeItem:
        return OutcomeItem(
            id=raw["id"],
            position=position,
            label=Text.of(raw["label"]),
            help=Text.of(raw["help"]) if "help" in raw else None,
            unit=Text.of(raw["unit"]),
            minimum=Decimal(str(raw["min"])),
            maximum=Decimal(str(raw["max"])),
            decimals=int(raw.get("decimals", 1)),
            better=raw["better"],
            allow_na=bool(raw.get("allow_na", False)),
            baseline=bool(raw.get("baseline", False)),
            crosswalk=dict(raw["crosswalk"]) if "crosswalk" in raw else None,
        )

    def baseline_item(self, item: OutcomeItem) -> OutcomeItem:
        """The previous year's figure of ``item``, asked at the first round."""
        return replace(
            item,
            id=item.id + BASELINE_SUFFIX,
            label=Text(f"{item.label.zh}（上一年度）", f"{item.label.en} (previous year)"),
            help=Text(
                "首轮评估时填写上一完整年度之前一年的同一数字，作为今后比较的基准；不知道可以不填。",
                "At the first round, the same figure for the year before the last full "
                "year, as the baseline later rounds are compared with; leave it empty if "
                "you do not know it.",
            ),
            allow_na=False,
            baseline=False,
            previous_of=item.id,
        )

    def form_items(
        self, items: tuple[OutcomeItem, ...], *, first_round: bool
    ) -> tuple[OutcomeItem, ...]:
        """What a round's page asks: every figure, and at the first round each
        figure's previous year right after it where the figure asks for a baseline."""
        asked: list[OutcomeItem] = []
        for item in items:
            asked.append(item)
            if first_round and item.baseline:
                asked.append(self.baseline_item(item))
        return tuple(asked)

    def accepted(self, items: tuple[OutcomeItem, ...]) -> tuple[OutcomeItem, ...]:
        return self.form_items(items, first_round=True)

    def file_problems(
        self, data: Mapping[str, Any], question_ids: set[str], dimension_ids: set[str]
    ) -> Iterator[FileProblem]:
        items = data.get(self.section)
        file_format = data.get("format", 1)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            if not isinstance(file_format, int) or file_format < 3:
                for name in FORMAT_3_FIELDS:
                    if name in item:
                        yield [self.section, i, name], f"{name} needs format: 3"
            elif "crosswalk" not in item:
                yield (
                    [self.section, i],
                    "format 3 needs a crosswalk {miit_2024, gbt_39116} for every outcome figure",
                )
            low, high = item.get("min"), item.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low >= high:
                yield [self.section, i, "max"], f"max ({high}) must be greater than min ({low})"

    def parse(self, item: OutcomeItem, raw: object) -> OutcomeValue | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, str) and _is_not_applicable(raw):
            if not item.allow_na:
                raise ItemRefused(Refusal.NOT_APPLICABLE, item.id)
            return NOT_APPLICABLE
        try:
            number = parse_number(raw)
        except ValueError:
            raise ItemRefused(Refusal.NOT_A_NUMBER, item.id) from None
        # More digits than the figure keeps are rounded, not refused.
        step = Decimal(1).scaleb(-item.decimals)
        if item.minimum - step <= number <= item.maximum + step:
            number = number.quantize(step, rounding=ROUND_HALF_EVEN)
        if not item.minimum <= number <= item.maximum:
            raise ItemRefused(
                Refusal.OUT_OF_RANGE,
                item.id,
                minimum=item.format(item.minimum),
                maximum=item.format(item.maximum),
            )
        return number

    def encode(self, item: OutcomeItem, value: OutcomeValue) -> str:
        return str(value)

    def decode(self, item: OutcomeItem, stored: str) -> OutcomeValue:
        return NOT_APPLICABLE if stored == NOT_APPLICABLE else Decimal(stored)

    def to_json(self, item: OutcomeItem, value: OutcomeValue) -> int | float | str:
        if value == NOT_APPLICABLE:
            return NOT_APPLICABLE
        return int(value) if item.decimals == 0 else float(value)

    def value_schema(self, item: OutcomeItem) -> dict[str, Any]:
        number = {
            "type": ["number", "null"],
            "minimum": _json_number(item.minimum),
            "maximum": _json_number(item.maximum),
            "description": f"{item.label.en} ({item.unit.en}); null clears it",
        }
        if not item.allow_na:
            return number
        return {
            "anyOf": [number, {"const": NOT_APPLICABLE}],
            "description": f'{item.label.en} ({item.unit.en}), or "na" (not applicable); null clears it',
        }

    def figures(self, values: Mapping[str, OutcomeValue]) -> dict[str, Decimal]:
        """The figures among stored values: neither "not applicable" nor a baseline."""
        return {
            item_id: value
            for item_id, value in values.items()
            if isinstance(value, Decimal) and BASELINE_SUFFIX not in item_id
        }

    def export(self, item: OutcomeItem) -> dict[str, Any]:
        exported: dict[str, Any] = {
            "id": item.id,
            "label": item.label.as_dict(),
            "unit": item.unit.as_dict(),
            "min": _json_number(item.minimum),
            "max": _json_number(item.maximum),
            "decimals": item.decimals,
            "better": item.better,
        }
        if item.crosswalk is not None:  # format 3
            exported |= {
                "help": None if item.help is None else item.help.as_dict(),
                "allow_na": item.allow_na,
                "baseline": item.baseline,
                "crosswalk": dict(item.crosswalk),
            }
        return exported


def _is_not_applicable(raw: str) -> bool:
    text = unicodedata.normalize("NFKC", raw).replace(" ", "").strip().casefold()
    return text in _NOT_APPLICABLE_WORDS


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


OUTCOME = OutcomeType()
