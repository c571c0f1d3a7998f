"""A centre's directory of service providers: its reviewers add, change and remove
providers; roadmap steps of the organisations registered with the centre name them."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.centres import bp
from maturity.centres.routes import load_centre, show_page
from maturity.services import providers
from maturity.services.questionnaires import current_questionnaire
from maturity.web.messages import refusal_message


def given() -> providers.ProviderInput:
    return providers.ProviderInput(
        name=request.form.get("name", ""),
        services=request.form.getlist("services"),
        contact=request.form.get("contact", ""),
        programmes=request.form.get("programmes", ""),
    )


@bp.post("/<int:centre_id>/providers", defaults={"provider_id": None})
@bp.post("/<int:centre_id>/providers/<int:provider_id>")
@login_required
def save_provider(centre_id: int, provider_id: int | None) -> Response | tuple[str, int]:
    centre = load_centre(centre_id)
    access.require(access.can_keep_directory(current_user, centre), hide=False)
    provider = None
    if provider_id is not None:
        provider = providers.provider_of(centre, provider_id)
        access.require(provider is not None)
    back = redirect(url_for("centres.show", centre_id=centre.id, _anchor="providers"))
    if provider is not None and request.form.get("action") == "delete":
        providers.delete_provider(centre, provider, current_user)
        flash(_("The provider is removed from the directory."), "success")
        return back
    questionnaire = current_questionnaire()
    service_ids = [s.id for s in questionnaire.services] if questionnaire else []
    typed = given()
    try:
        providers.save_provider(centre, provider, typed, service_ids, current_user)
    except providers.ProviderRefused as refused:
        # The form again as typed, with the reason: nothing the reviewer entered is lost.
        flash(refusal_message(refused), "error")
        return show_page(centre, draft=typed, draft_id=provider_id), 400
    flash(_("The directory is saved."), "success")
    return back
