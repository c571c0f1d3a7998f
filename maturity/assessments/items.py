"""The round's pages for items besides the level questions (core.items): the
applicability profile asked first and the outcome figures asked last. One route
serves every section; each item type brings its own widget template."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.journey import Journey
from maturity.assessments.routes import load_assessment, neighbours, page_saved
from maturity.core.items import ROUND_ITEM_TYPES, item_type
from maturity.services import items as items_service
from maturity.web import current_locale
from maturity.web.messages import refusal_message

SECTIONS = ",".join(t.section for t in ROUND_ITEM_TYPES)
FIELD_PREFIX = "item-"


@bp.route(f"/assessments/<int:assessment_id>/<any({SECTIONS}):section>", methods=["GET", "POST"])
@login_required
def items_page(assessment_id: int, section: str) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    journey = Journey.of(assessment)
    kind = item_type(section)
    entries = items_service.page_items(assessment, journey.questionnaire, kind)
    if not entries:
        abort(404)  # this questionnaire version does not ask them
    locale = current_locale()
    editable = access.can_answer(current_user, assessment)
    here = url_for("assessments.items_page", assessment_id=assessment.id, section=section)
    errors: dict[str, str] = {}
    submitted: dict[str, str] = {}
    if request.method == "POST":
        access.require(editable, hide=False)
        known = {entry.id for entry in entries if kind.asked(entry)}
        unknown = [
            key for key in request.form if key.startswith(FIELD_PREFIX) and key[5:] not in known
        ]
        if unknown:
            return render_template(
                "errors/message.html",
                message=_("This item does not belong to this assessment's questionnaire."),
            ), 400
        submitted = {
            entry.id: request.form[FIELD_PREFIX + entry.id]
            for entry in entries
            if kind.asked(entry) and FIELD_PREFIX + entry.id in request.form
        }
        try:
            saved = items_service.save_items(
                assessment, journey.questionnaire, kind, submitted, current_user
            )
        except items_service.ItemsNotEditable as error:
            flash(refusal_message(error), "error")
            return redirect(here)
        by_id = {entry.id: entry for entry in entries}
        errors = {
            item_id: refusal_message(refused, by_id[item_id], locale)
            for item_id, refused in saved.refused.items()
        }
        if not errors:
            return page_saved(assessment, here)
        journey = Journey.of(assessment)
        # Refused values are shown as typed, with their message; saved ones as stored.
        submitted = {item_id: submitted[item_id] for item_id in errors}
    previous_url, next_url = neighbours(journey, here)
    return render_template(
        "assessments/items.html",
        assessment=assessment,
        questionnaire=journey.questionnaire,
        journey=journey,
        section=section,
        item_type=kind,
        entries=entries,
        values=items_service.values_of(
            assessment, journey.questionnaire, kind, journey.stored_items
        ),
        progress=journey.progress(),
        editable=editable,
        previous_url=previous_url,
        next_url=next_url,
        errors=errors,
        submitted=submitted,
        locale=locale,
    ), (400 if errors else 200)
