"""The profile question: asked before the questionnaire, unscored. Each answer (an
option) may mark questions or whole dimensions not applicable, with the reason shown
next to them, and may select a variant wording of the questions (process
manufacturing: recipes and DCS instead of CNC).

From format 3 an item may be ``derived`` from what the organisation already told us
instead of being asked twice: ``derived: size_class`` takes the organisation's size
class (大/中/小/微 from employees and revenue, ``core.reference``), so its options are
exactly ``large``, ``medium``, ``small`` and ``micro``. The services fill it in; a
value sent for it is refused (code ``derived``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from maturity.core.items.base import FileProblem, ItemRefused, ItemType
from maturity.core.items.level import ID_PATTERN
from maturity.core.reference import SizeClass
from maturity.core.refusals import Refusal
from maturity.core.text import TEXT_SCHEMA, Text

# What a derived profile item may be derived from, and the options it then has.
DERIVED_OPTIONS = {"size_class": tuple(size.value for size in SizeClass)}


@dataclass(frozen=True)
class ProfileOption:
    id: str
    label: Text
    not_applicable: tuple[str, ...]  # question or dimension ids
    reason: Text | None
    variant: str | None


@dataclass(frozen=True)
class ProfileItem:
    id: str
    position: int
    label: Text
    help: Text | None
    options: tuple[ProfileOption, ...]
    derived_from: str | None = None  # format 3: "size_class", filled in, never asked

    def option(self, option_id: str) -> ProfileOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


_ID = {"type": "string", "pattern": ID_PATTERN}


class ProfileType(ItemType[ProfileItem, str]):
    kind: ClassVar[str] = "profile"
    section: ClassVar[str] = "profile"
    widget: ClassVar[str] = "assessments/items/profile.html"
    asked_before_questions: ClassVar[bool] = True
    required_for_submission: ClassVar[bool] = True
    file_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["id", "label", "options"],
        "additionalProperties": False,
        "properties": {
            "id": _ID,
            "label": TEXT_SCHEMA,
            "help": TEXT_SCHEMA,
            "derived": {"enum": list(DERIVED_OPTIONS)},
            "options": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "required": ["id", "label"],
                    "additionalProperties": False,
                    "properties": {
                        "id": _ID,
                        "label": TEXT_SCHEMA,
                        "not_applicable": {
                            "type": "array",
                            "minItems": 1,
                            "items": _ID,
                            "uniqueItems": True,
                        },
                        "reason": TEXT_SCHEMA,
                        "variant": _ID,
                    },
                },
            },
        },
    }

    def build(self, raw: Mapping[str, Any], position: int) -> ProfileItem:
        return ProfileItem(
            id=raw["id"],
            position=position,
            label=Text.of(raw["label"]),
            help=Text.of(raw["help"]) if "help" in raw else None,
            options=tuple(
                ProfileOption(
                    id=option["id"],
                    label=Text.of(option["label"]),
                    not_applicable=tuple(option.get("not_applicable", ())),
                    reason=Text.of(option["reason"]) if "reason" in option else None,
                    variant=option.get("variant"),
                )
                for option in raw["options"]
            ),
            derived_from=raw.get("derived"),
        )

    def asked(self, item: ProfileItem) -> bool:
        return item.derived_from is None

    def file_problems(
        self, data: Mapping[str, Any], question_ids: set[str], dimension_ids: set[str]
    ) -> Iterator[FileProblem]:
        raw_variants = data.get("variants")
        variant_ids = {
            entry.get("id")
            for entry in (raw_variants if isinstance(raw_variants, list) else [])
            if isinstance(entry, dict)
        }
        items = data.get(self.section)
        file_format = data.get("format", 1)
        for i, item in enumerate(items if isinstance(items, list) else []):
            derived = item.get("derived") if isinstance(item, dict) else None
            if isinstance(derived, str) and derived in DERIVED_OPTIONS:
                if not isinstance(file_format, int) or file_format < 3:
                    yield [self.section, i, "derived"], "derived needs format: 3"
                raw_options = item.get("options")
                given = [
                    option.get("id")
                    for option in (raw_options if isinstance(raw_options, list) else [])
                    if isinstance(option, dict)
                ]
                if sorted(map(str, given)) != sorted(DERIVED_OPTIONS[derived]):
                    yield (
                        [self.section, i, "options"],
                        f"an item derived from {derived} has exactly the options "
                        + ", ".join(DERIVED_OPTIONS[derived]),
                    )
            options = item.get("options") if isinstance(item, dict) else None
            seen: set[str] = set()
            for j, option in enumerate(options if isinstance(options, list) else []):
                if not isinstance(option, dict):
                    continue
                path: list[str | int] = [self.section, i, "options", j]
                option_id = option.get("id")
                if isinstance(option_id, str):
                    if option_id in seen:
                        yield [*path, "id"], f"duplicate option id {option_id!r}"
                    seen.add(option_id)
                marked = option.get("not_applicable")
                for k, target in enumerate(marked if isinstance(marked, list) else []):
                    if isinstance(target, str) and target not in question_ids | dimension_ids:
                        yield (
                            [*path, "not_applicable", k],
                            (f"{target!r} is neither a question nor a dimension"),
                        )
                if marked and "reason" not in option:
                    yield path, "an option that marks questions not applicable needs a reason"
                if "reason" in option and not marked:
                    yield path, "a reason without not_applicable explains nothing"
                variant = option.get("variant")
                if isinstance(variant, str) and variant not in variant_ids:
                    yield [*path, "variant"], f"unknown variant {variant!r}"

    def parse(self, item: ProfileItem, raw: object) -> str | None:
        if item.derived_from is not None:
            raise ItemRefused(Refusal.DERIVED, item.id)
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str):
            raise ItemRefused(Refusal.MALFORMED, item.id)
        try:
            return item.option(raw).id
        except KeyError:
            raise ItemRefused(Refusal.UNKNOWN_OPTION, item.id) from None

    def encode(self, item: ProfileItem, value: str) -> str:
        return value

    def decode(self, item: ProfileItem, stored: str) -> str:
        return stored

    def to_json(self, item: ProfileItem, value: str) -> str:
        return value

    def value_schema(self, item: ProfileItem) -> dict[str, Any]:
        if item.derived_from is not None:
            return {
                "not": {},
                "description": f"derived from the organisation's {item.derived_from}",
            }
        return {"enum": [option.id for option in item.options]}

    def derive(self, item: ProfileItem, organisation: Mapping[str, str]) -> str | None:
        """The answer of a derived item from what the organisation gave (by what it is
        derived from, e.g. {"size_class": "small"}), or None."""
        if item.derived_from is None:
            return None
        value = organisation.get(item.derived_from)
        return value if value in {option.id for option in item.options} else None

    def export(self, item: ProfileItem) -> dict[str, Any]:
        return {
            "id": item.id,
            **({"derived": item.derived_from} if item.derived_from else {}),
            "label": item.label.as_dict(),
            "options": [
                {
                    "id": option.id,
                    "label": option.label.as_dict(),
                    "not_applicable": list(option.not_applicable),
                    **({"reason": option.reason.as_dict()} if option.reason else {}),
                    **({"variant": option.variant} if option.variant else {}),
                }
                for option in item.options
            ],
        }


PROFILE = ProfileType()
