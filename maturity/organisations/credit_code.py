"""The proof of an organisation's credit code: its owners upload the business licence;
an administrator or a reviewer of its centre compares it with the code."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.mail import notices
from maturity.models import CreditCodeState, Organisation
from maturity.organisations import bp
from maturity.services import credit_codes
from maturity.services.audit import note_read
from maturity.storage import documents
from maturity.web.downloads import attachment, sandboxed
from maturity.web.messages import refusal_message


def _load(organisation_id: int) -> Organisation:
    return access.load(
        Organisation, organisation_id, lambda o: access.can_see_licence(current_user, o)
    )


def _page(
    organisation: Organisation, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "organisations/credit_code.html",
        organisation=organisation,
        states=CreditCodeState,
        is_staff=access.can_edit_organisation(current_user, organisation),
        can_verify=access.can_verify_credit_code(current_user, organisation),
        kind=credit_codes.licence_kind(organisation),
        max_mb=credit_codes.MAX_LICENCE_BYTES // (1024 * 1024),
        error=error,
    ), status


@bp.get("/<int:organisation_id>/credit-code")
@login_required
def credit_code(organisation_id: int) -> tuple[str, int]:
    return _page(_load(organisation_id))


@bp.post("/<int:organisation_id>/credit-code/licence")
@login_required
def upload_licence(organisation_id: int) -> Response | tuple[str, int]:
    organisation = _load(organisation_id)
    access.require(access.can_edit_organisation(current_user, organisation), hide=False)
    upload = request.files.get("licence")
    try:
        credit_codes.upload_licence(organisation, upload.read() if upload else b"", current_user)
    except credit_codes.LicenceRefused as refused:
        return _page(organisation, refusal_message(refused), 400)
    flash(
        _("The business licence is uploaded. An administrator or your centre will check it."),
        "success",
    )
    return redirect(url_for("organisations.credit_code", organisation_id=organisation.id))


@bp.get("/<int:organisation_id>/credit-code/licence")
@login_required
@sandboxed
def licence(organisation_id: int) -> FlaskResponse:
    organisation = _load(organisation_id)
    kind = credit_codes.licence_kind(organisation)
    if organisation.licence_file is None or kind is None:
        abort(404)
    if not access.standing(current_user, organisation.id).is_staff:
        note_read(
            current_user, "view_business_licence", "organisation", organisation.id, organisation.id
        )
    try:
        with documents().open(organisation.licence_file) as handle:
            data = handle.read()
    except FileNotFoundError:
        abort(404)
    return attachment(data, kind, f"business-licence-{organisation.id}")


@bp.post("/<int:organisation_id>/credit-code/verification")
@login_required
def verify_credit_code(organisation_id: int) -> Response | tuple[str, int]:
    organisation = _load(organisation_id)
    access.require(access.can_verify_credit_code(current_user, organisation), hide=False)
    try:
        if request.form.get("action") == "reject":
            credit_codes.reject(organisation, current_user)
            notices.licence_rejected(organisation)
            flash(_("The licence is returned: its owners are asked for the right one."), "success")
        else:
            outcome = credit_codes.verify(organisation, current_user)
            notices.credit_code_verified(organisation, outcome)
            flash(_("The credit code is verified."), "success")
    except credit_codes.VerificationRefused as refused:
        return _page(organisation, refusal_message(refused), 409)
    return redirect(url_for("organisations.credit_code", organisation_id=organisation.id))
