"""What a level question says (part of the level item type, ``core.items.level``):
its six level statements with, from format 3, what counts as evidence of each, and
its recommendations with their support services, who acts, effort and cost
(``core.items.action``), the concrete actions (``how``) and the project they belong
to. A variant (process manufacturing, a micro firm, …) is another ``Wording``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from maturity.core.items import action as actions
from maturity.core.items.action import Action
from maturity.core.items.base import FileProblem, PathPart
from maturity.core.text import NON_EMPTY, TEXT_SCHEMA, Text

# The wordings a round's profile chose: none, one variant id, or several in profile
# order (a question takes the first of them that it has).
VariantChoice = str | tuple[str, ...] | None

_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,63}$"}
RECOMMENDATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["zh", "en", "services"],
    "properties": {
        "zh": NON_EMPTY,
        "en": NON_EMPTY,
        "services": {"type": "array", "items": _ID, "uniqueItems": True},
        **actions.RECOMMENDATION_FIELDS,
    },
    "additionalProperties": False,
}
# A level statement; from format 3 with what counts as evidence of it.
LEVEL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": NON_EMPTY, "en": NON_EMPTY, "evidence": TEXT_SCHEMA},
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Recommendation:
    """What to do to reach a level of a question, and the support services it calls on."""

    level: int
    text: Text
    services: tuple[str, ...]
    action: Action = field(default_factory=Action)  # who acts, effort, cost, what to watch
    # Format 3: two to four concrete actions (not the level statement again), and the
    # id of the project in the questionnaire's ``projects`` catalogue that this step is
    # part of in practice (one ERP purchase for several level-2 steps), if any.
    how: tuple[Text, ...] = ()
    project: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The recommendation in the format-3 export: what to do, how, its project
        (only where one applies), its services, who acts, effort, cost, what to watch."""
        return {
            "text": self.text.as_dict(),
            "how": [step.as_dict() for step in self.how],
            **({"project": self.project} if self.project else {}),
            "services": list(self.services),
            **self.action.as_json(),
        }


@dataclass(frozen=True)
class Wording:
    """What a question says: the general wording or one of its variants."""

    title: Text
    help: Text
    levels: tuple[Text, ...]  # six statements, index = level value
    recommendations: Mapping[int, Recommendation]  # levels 1-5
    # Format 3: what counts as evidence of each level (index = level value; None where
    # the file gives none, which only level 0 may do).
    evidence: tuple[Text | None, ...] = ()


def recommendations_of(
    raw: Mapping[str, Any], question: Mapping[str, Any], level_defaults: Mapping[str, Any]
) -> dict[int, Recommendation]:
    return {
        int(level): Recommendation(
            int(level),
            Text.of(entry),
            tuple(entry["services"]),
            actions.action(question, entry, int(level), level_defaults),
            how=tuple(Text.of(step) for step in entry.get("how", ())),
            project=entry.get("project"),
        )
        for level, entry in sorted(raw.items())
    }


def evidence_of(raw_levels: list[Mapping[str, Any]]) -> tuple[Text | None, ...]:
    """What counts as evidence of each level; () when the file gives none (format 1, 2)."""
    if not any("evidence" in level for level in raw_levels):
        return ()
    return tuple(
        Text.of(level["evidence"]) if "evidence" in level else None for level in raw_levels
    )


def format_3_problems(
    base: list[PathPart],
    wording: Mapping[str, Any],
    file_format: int,
    project_ids: set[str],
) -> Iterator[FileProblem]:
    """Evidence on every level from 1 to 5 and the concrete actions of every
    recommendation (``actions.how_problems``): required in format 3, refused before.
    A variant's levels and recommendations replace the question's, so they need the
    same."""
    levels = wording.get("levels")
    level_entries = levels if isinstance(levels, list) else []
    for value, level_entry in enumerate(level_entries):
        if not isinstance(level_entry, dict):
            continue
        if "evidence" in level_entry and file_format < 3:
            yield [*base, "levels", value, "evidence"], "evidence needs format: 3"
        elif file_format >= 3 and value >= 1 and "evidence" not in level_entry:
            yield (
                [*base, "levels", value],
                "format 3 needs the evidence that counts for every level from 1 to 5",
            )
    recommendations = wording.get("recommendations")
    entries = recommendations if isinstance(recommendations, dict) else {}
    for level_key, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        statement = (
            level_entries[int(level_key)]
            if level_key.isdecimal() and int(level_key) < len(level_entries)
            else None
        )
        restated = {entry.get("zh"), statement.get("zh") if isinstance(statement, dict) else None}
        yield from actions.how_problems(
            [*base, "recommendations", level_key], entry, restated, file_format, project_ids
        )


def wording_json(wording: Wording) -> dict[str, Any]:
    """Format 3: the help, the six level statements with what counts as evidence, and
    the recommendations with their actions, project and bands."""
    evidence = wording.evidence or (None,) * len(wording.levels)
    return {
        "help": wording.help.as_dict(),
        "levels": [
            {
                "value": value,
                "statement": statement.as_dict(),
                "evidence": None if proof is None else proof.as_dict(),
            }
            for value, (statement, proof) in enumerate(zip(wording.levels, evidence, strict=True))
        ],
        "recommendations": {
            str(level): recommendation.as_json()
            for level, recommendation in sorted(wording.recommendations.items())
        },
    }
