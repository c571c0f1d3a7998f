"""The round's other items (core.items): their stored values, and saving them.

A page or API call saves several items at once; each is checked by its item type,
the valid ones are stored and the refused ones are reported, so that one bad figure
never loses the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from maturity.core.items import OUTCOME, PROFILE, ROUND_ITEM_TYPES, ItemRefused, ItemType
from maturity.core.items.outcome import BASELINE_SUFFIX
from maturity.core.questionnaire import Questionnaire
from maturity.core.refusals import Refusal, Refused
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, ItemValue, User


class ItemsNotEditable(Refused):
    def __init__(self) -> None:
        super().__init__(Refusal.NOT_EDITABLE)


@dataclass
class SavedItems:
    """What a save did: the values now stored (by item id) and the refusals."""

    values: dict[str, Any] = field(default_factory=dict)
    refused: dict[str, ItemRefused] = field(default_factory=dict)


def stored_texts(assessment: Assessment) -> dict[str, str]:
    rows = db.session.scalars(select(ItemValue).where(ItemValue.assessment_id == assessment.id))
    return {row.item_id: row.value for row in rows}


def accepted_items(questionnaire: Questionnaire, item_type: ItemType[Any, Any]) -> dict[str, Any]:
    """Every item a value may be stored for, by id: a section's items, and for outcome
    figures their previous-year baselines (format 3)."""
    items = questionnaire.sections.get(item_type.section, ())
    return {item.id: item for item in item_type.accepted(items)}


def page_items(
    assessment: Assessment, questionnaire: Questionnaire, item_type: ItemType[Any, Any]
) -> tuple[Any, ...]:
    """What a section's page shows: its items, and at an organisation's first round the
    previous year of each outcome figure that asks for a baseline."""
    items = questionnaire.sections.get(item_type.section, ())
    if item_type is OUTCOME:
        return OUTCOME.form_items(items, first_round=assessment.round == 1)
    return tuple(items)


def derived_values(assessment: Assessment, questionnaire: Questionnaire) -> dict[str, str]:
    """The profile answers that follow the organisation's details (format 3: its size
    class), by item id."""
    if not any(item.derived_from for item in questionnaire.profile):
        return {}  # no query for the organisation where nothing is derived
    organisation = {"size_class": str(assessment.organisation.size_class)}
    found = {}
    for item in questionnaire.profile:
        value = PROFILE.derive(item, organisation)
        if value is not None:
            found[item.id] = value
    return found


def values_of(
    assessment: Assessment,
    questionnaire: Questionnaire,
    item_type: ItemType[Any, Any],
    stored: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The stored values of one section's items (and outcome baselines), by item id;
    a derived profile item not stored yet takes the organisation's value."""
    texts = stored_texts(assessment) if stored is None else stored
    values = item_type.decode_all(tuple(accepted_items(questionnaire, item_type).values()), texts)
    if item_type is PROFILE:
        for item_id, value in derived_values(assessment, questionnaire).items():
            values.setdefault(item_id, value)
    return values


def profile_of(
    assessment: Assessment, questionnaire: Questionnaire, stored: Mapping[str, str] | None = None
) -> dict[str, str]:
    return values_of(assessment, questionnaire, PROFILE, stored)


def outcomes_of(
    assessment: Assessment, questionnaire: Questionnaire, stored: Mapping[str, str] | None = None
) -> dict[str, Decimal]:
    """The round's outcome figures (not those marked not applicable, nor baselines)."""
    return OUTCOME.figures(values_of(assessment, questionnaire, OUTCOME, stored))


def baselines_of(
    assessment: Assessment, questionnaire: Questionnaire, stored: Mapping[str, str] | None = None
) -> dict[str, Decimal]:
    """The previous-year figures given at the first round, by the figure's id."""
    values = values_of(assessment, questionnaire, OUTCOME, stored)
    return {
        item.id: values[item.id + BASELINE_SUFFIX]
        for item in questionnaire.outcomes
        if isinstance(values.get(item.id + BASELINE_SUFFIX), Decimal)
    }


def refusals(
    questionnaire: Questionnaire,
    item_type: ItemType[Any, Any],
    given: Mapping[str, object],
) -> dict[str, ItemRefused]:
    """Why some of ``given`` cannot be stored (nothing is stored): for callers that
    take all or nothing, such as the API."""
    items = accepted_items(questionnaire, item_type)
    refused = {}
    for item_id, raw in given.items():
        if item_id not in items:
            refused[item_id] = ItemRefused(Refusal.UNKNOWN_ITEM, item_id)
            continue
        try:
            item_type.parse(items[item_id], raw)
        except ItemRefused as error:
            refused[item_id] = error
    return refused


def save_items(
    assessment: Assessment,
    questionnaire: Questionnaire,
    item_type: ItemType[Any, Any],
    given: Mapping[str, object],
    user: User,
) -> SavedItems:
    """Store every valid value of ``given`` (item id → submitted value; empty clears
    it) and report the refused ones; ids this section does not have are refused.
    The last save wins: these values carry no notes worth a conflict."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise ItemsNotEditable()
    try:
        return _save(assessment, questionnaire, item_type, given, user)
    except IntegrityError:
        # A colleague stored the first value of one of these items at the same moment.
        db.session.rollback()
        return _save(assessment, questionnaire, item_type, given, user)


def _save(
    assessment: Assessment,
    questionnaire: Questionnaire,
    item_type: ItemType[Any, Any],
    given: Mapping[str, object],
    user: User,
) -> SavedItems:
    items = accepted_items(questionnaire, item_type)
    result = SavedItems()
    existing = {
        row.item_id: row
        for row in db.session.scalars(
            select(ItemValue).where(
                ItemValue.assessment_id == assessment.id, ItemValue.item_id.in_(list(items))
            )
        )
    }
    now = datetime.now(UTC)
    for item_id, raw in given.items():
        item = items.get(item_id)
        if item is None:
            result.refused[item_id] = ItemRefused(Refusal.UNKNOWN_ITEM, item_id)
            continue
        try:
            value = item_type.parse(item, raw)
        except ItemRefused as refused:
            result.refused[item_id] = refused
            continue
        row = existing.get(item_id)
        if value is None:
            if row is not None:
                db.session.execute(delete(ItemValue).where(ItemValue.id == row.id))
            continue
        encoded = item_type.encode(item, value)
        if row is None:
            db.session.add(
                ItemValue(
                    assessment_id=assessment.id,
                    item_id=item_id,
                    value=encoded,
                    updated_by_id=user.id,
                    updated_at=now,
                )
            )
        elif row.value != encoded:
            row.value = encoded
            row.updated_by_id = user.id
            row.updated_at = now
        result.values[item_id] = value
    if item_type is PROFILE:
        # Derived answers are kept with the round once its profile is saved, so that a
        # later change of the organisation's details does not reword a submitted round.
        for item_id, value in derived_values(assessment, questionnaire).items():
            if item_id not in existing:
                db.session.add(
                    ItemValue(
                        assessment_id=assessment.id,
                        item_id=item_id,
                        value=value,
                        updated_by_id=user.id,
                        updated_at=now,
                    )
                )
    assessment.updated_at = now
    db.session.commit()
    return result


def missing_items(assessment: Assessment, questionnaire: Questionnaire) -> list[Any]:
    """The items a submission needs and that are not answered yet."""
    stored = stored_texts(assessment)
    return [
        item
        for item_type in ROUND_ITEM_TYPES
        if item_type.required_for_submission
        for item in questionnaire.sections.get(item_type.section, ())
        if item_type.asked(item) and item.id not in stored
    ]
