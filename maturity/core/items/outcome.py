"""The outcome figure (成效): a business figure per round with its unit and plausible
range, unscored and optional; shown as a trend over rounds and, for centres, as an
aggregated change."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, ClassVar, Literal

from maturity.core.items.base import FileProblem, ItemRefused, ItemType
from maturity.core.items.level import ID_PATTERN
from maturity.core.text import TEXT_SCHEMA, Text

MAX_DECIMALS = 3
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


class OutcomeType(ItemType[OutcomeItem, Decimal]):
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
        )

    def file_problems(
        self, data: Mapping[str, Any], question_ids: set[str], dimension_ids: set[str]
    ) -> Iterator[FileProblem]:
        items = data.get(self.section)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            low, high = item.get("min"), item.get("max")
            if isinstance(low, int | float) and isinstance(high, int | float) and low >= high:
                yield [self.section, i, "max"], f"max ({high}) must be greater than min ({low})"

    def parse(self, item: OutcomeItem, raw: object) -> Decimal | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            number = parse_number(raw)
        except ValueError:
            raise ItemRefused("not_a_number", item.id) from None
        # More digits than the figure keeps are rounded, not refused.
        step = Decimal(1).scaleb(-item.decimals)
        if item.minimum - step <= number <= item.maximum + step:
            number = number.quantize(step, rounding=ROUND_HALF_EVEN)
        if not item.minimum <= number <= item.maximum:
            raise ItemRefused(
                "out_of_range",
                item.id,
                minimum=item.format(item.minimum),
                maximum=item.format(item.maximum),
            )
        return number

    def encode(self, item: OutcomeItem, value: Decimal) -> str:
        return str(value)

    def decode(self, item: OutcomeItem, stored: str) -> Decimal:
        return Decimal(stored)

    def to_json(self, item: OutcomeItem, value: Decimal) -> int | float:
        return int(value) if item.decimals == 0 else float(value)

    def value_schema(self, item: OutcomeItem) -> dict[str, Any]:
        return {
            "type": ["number", "null"],
            "minimum": _json_number(item.minimum),
            "maximum": _json_number(item.maximum),
            "description": f"{item.label.en} ({item.unit.en}); null clears it",
        }

    def export(self, item: OutcomeItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "label": item.label.as_dict(),
            "unit": item.unit.as_dict(),
            "min": _json_number(item.minimum),
            "max": _json_number(item.maximum),
            "decimals": item.decimals,
            "better": item.better,
        }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


OUTCOME = OutcomeType()
