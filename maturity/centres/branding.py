"""A centre's branding on its organisations' reports: its reviewers set the contact
and the logo printed on the cover."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.centres import bp
from maturity.centres.routes import load_centre, show_page
from maturity.services import branding
from maturity.web.messages import refusal_message


@bp.post("/<int:centre_id>/branding")
@login_required
def save_branding(centre_id: int) -> Response | tuple[str, int]:
    centre = load_centre(centre_id)
    access.require(access.can_keep_directory(current_user, centre), hide=False)
    upload = request.files.get("logo")
    logo = upload.read() if upload and upload.filename else None
    contact = request.form.get("contact", "")
    try:
        branding.save_branding(
            centre, contact, logo, request.form.get("remove_logo") == "1", current_user
        )
    except branding.BrandingRefused as refused:
        # Shown again as typed, with the reason; nothing was stored.
        return show_page(
            centre, branding_error=refusal_message(refused), branding_contact=contact
        ), 400
    flash(_("The report branding is saved."), "success")
    return redirect(url_for("centres.show", centre_id=centre.id, _anchor="branding"))
