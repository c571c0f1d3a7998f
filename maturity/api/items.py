"""The round's other items over the API: ``PUT /assessments/{id}/profile`` and
``PUT /assessments/{id}/outcomes`` (one route per section of core.items). A body
is taken whole or refused whole; a version that asks no such items answers 409."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_login import current_user

from maturity.api.blueprint import bp
from maturity.api.errors import ApiError
from maturity.api.lookups import answerable
from maturity.api.serialisers import items_json
from maturity.core.items import ROUND_ITEM_TYPES, ItemRefused, item_type
from maturity.services import items
from maturity.services.results import questionnaire_for

SECTIONS = ",".join(t.section for t in ROUND_ITEM_TYPES)


@bp.put(f"/assessments/<int:assessment_id>/<any({SECTIONS}):section>")
def put_items(assessment_id: int, section: str) -> Response:
    found = answerable(assessment_id)
    questionnaire = questionnaire_for(found)
    kind = item_type(section)
    if not questionnaire.sections.get(section):
        raise ApiError(
            409,
            "not_asked",
            f"Questionnaire {questionnaire.label} of this assessment asks no {section}.",
        )
    given = request.get_json(silent=True)
    if not isinstance(given, dict):
        raise ApiError(
            400, "bad_request", f"The body must be a JSON object of {section} item id → value."
        )
    refused = items.refusals(questionnaire, kind, given)
    if refused:
        status = 404 if all(r.code == "unknown_item" for r in refused.values()) else 400
        raise ApiError(
            status,
            "invalid_items",
            "Some values were refused; nothing was saved.",
            [_problem(item_id, error) for item_id, error in refused.items()],
        )
    items.save_items(found, questionnaire, kind, given, current_user)
    return jsonify(items_json(found))


def _problem(item_id: str, error: ItemRefused) -> str:
    if error.code == "out_of_range":
        return f"{item_id}: outside {error.details['minimum']} to {error.details['maximum']}"
    if error.code == "unknown_item":
        return f"{item_id}: no such item"
    if error.code == "unknown_option":
        return f"{item_id}: not one of the options"
    return f"{item_id}: {error.code.replace('_', ' ')}"
