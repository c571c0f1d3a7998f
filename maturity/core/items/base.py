"""What every item type defines, and how a refused value is reported."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from maturity.core.refusals import Refusal, Refused

PathPart = str | int
FileProblem = tuple[list[PathPart], str]


class Identified(Protocol):
    """What every item type's items have: an id, unique in the questionnaire."""

    @property
    def id(self) -> str: ...


ItemT = TypeVar("ItemT", bound=Identified)
ValueT = TypeVar("ValueT")


class ItemRefused(Refused):
    """A value an item cannot take: ``malformed`` (not a value of this kind at all),
    ``unknown_item``, ``unknown_option``, ``not_a_number``, ``out_of_range`` (with the
    range in ``details``), ``too_precise``, ``derived`` (the item follows the
    organisation's details and is not asked), ``not_applicable`` ("not applicable"
    where the item does not allow it)."""

    def __init__(self, code: Refusal, item_id: str | None = None, **details: Any) -> None:
        super().__init__(code, item_id, **details)
        self.item_id = item_id


class ItemType(ABC, Generic[ItemT, ValueT]):
    """One kind of item a round asks besides the level questions: its part of the
    questionnaire file (schema, semantic checks, model), how a submitted value is
    checked, stored and sent, and the template of its web widget.

    A new kind is one subclass in its own module, registered in ``core.items``, and
    its widget template; pages, storage, API and export go through this interface.
    """

    kind: ClassVar[str]  # "profile", "outcome"
    section: ClassVar[str]  # its list in a questionnaire file, and its page and API path
    widget: ClassVar[str]  # the template that renders one item on the web page
    asked_before_questions: ClassVar[bool]  # its page comes before the dimensions
    required_for_submission: ClassVar[bool]
    file_schema: ClassVar[dict[str, Any]]  # one entry of the section, as JSON Schema

    @abstractmethod
    def build(self, raw: Mapping[str, Any], position: int) -> ItemT:
        """The frozen item of a validated file entry."""

    def file_problems(
        self, data: Mapping[str, Any], question_ids: set[str], dimension_ids: set[str]
    ) -> Iterator[FileProblem]:
        """The rules of this section a schema cannot state (on well-formed parts)."""
        return iter(())

    def accepted(self, items: tuple[ItemT, ...]) -> tuple[ItemT, ...]:
        """Every item of a section that a value may be given for (outcome figures add
        their previous-year baselines)."""
        return items

    def asked(self, item: ItemT) -> bool:
        """Whether the round asks this item (a derived profile item is filled in)."""
        return True

    @abstractmethod
    def parse(self, item: ItemT, raw: object) -> ValueT | None:
        """A submitted value (form text or JSON), or None when it is cleared;
        ItemRefused when it cannot be taken."""

    @abstractmethod
    def encode(self, item: ItemT, value: ValueT) -> str:
        """The value as stored (one text column)."""

    @abstractmethod
    def decode(self, item: ItemT, stored: str) -> ValueT:
        """The stored text back as a value."""

    @abstractmethod
    def to_json(self, item: ItemT, value: ValueT) -> Any:
        """The value in API responses and the scoring input."""

    @abstractmethod
    def value_schema(self, item: ItemT) -> dict[str, Any]:
        """JSON Schema of the value the API accepts for this item."""

    @abstractmethod
    def export(self, item: ItemT) -> dict[str, Any]:
        """The item in the questionnaire export."""

    def decode_all(self, items: tuple[ItemT, ...], stored: Mapping[str, str]) -> dict[str, ValueT]:
        """Stored values of these items by id; rows of items this version lacks are skipped."""
        values = {}
        for item in items:
            item_id = item.id
            if item_id in stored:
                values[item_id] = self.decode(item, stored[item_id])
        return values
