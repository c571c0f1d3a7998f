"""Item types: what a round asks. The level question (``level``) is scored; the
profile question (``profile``) and the outcome figure (``outcome``) are the round's
other items, each an ``ItemType`` with its own section of the questionnaire file,
page, storage codec, API schema and export."""

from typing import Any

from maturity.core.items.base import ItemRefused, ItemType
from maturity.core.items.outcome import OUTCOME, OutcomeItem
from maturity.core.items.profile import PROFILE, ProfileItem, ProfileOption

# The round's items besides the level questions, in the order a round asks them.
ROUND_ITEM_TYPES: tuple[ItemType[Any, Any], ...] = (PROFILE, OUTCOME)


def item_type(section: str) -> ItemType[Any, Any]:
    """The item type of a section ("profile", "outcomes"); KeyError if none."""
    for candidate in ROUND_ITEM_TYPES:
        if candidate.section == section:
            return candidate
    raise KeyError(section)


__all__ = [
    "OUTCOME",
    "PROFILE",
    "ROUND_ITEM_TYPES",
    "ItemRefused",
    "ItemType",
    "OutcomeItem",
    "ProfileItem",
    "ProfileOption",
    "item_type",
]
