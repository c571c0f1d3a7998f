from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from maturity import access
from maturity.core import reference
from maturity.extensions import db
from maturity.models import Organisation
from maturity.organisations import bp
from maturity.organisations.forms import OrganisationForm
from maturity.services.organisations import (
    OrganisationProfile,
    apply_profile,
    create_organisation,
)
from maturity.web import current_locale


def _profile(form: OrganisationForm) -> OrganisationProfile:
    return OrganisationProfile(
        name=form.name.data or "",
        credit_code=form.credit_code.data or None,
        industry_division=form.industry_division.data or "",
        employees=form.employees.data,
        revenue=form.revenue.data,
        total_assets=form.total_assets.data,
        province_code=form.province_code.data or "",
        city_code=form.city_code.data or None,
    )


def _credit_code_taken(form: OrganisationForm) -> None:
    db.session.rollback()
    form.credit_code.errors = [
        _("Another organisation is already registered with this credit code.")
    ]


def _load(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not access.can_view_organisation(current_user, organisation):
        abort(404)
    return organisation


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    form = OrganisationForm(locale=current_locale())
    if form.validate_on_submit():
        organisation = create_organisation(_profile(form), current_user)
        try:
            db.session.commit()
        except IntegrityError:
            _credit_code_taken(form)
        else:
            flash(_("Organisation profile saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int) -> str:
    organisation = _load(organisation_id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        reference=reference,
        can_edit=access.can_edit_organisation(current_user, organisation),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int) -> str | Response:
    organisation = _load(organisation_id)
    if not access.can_edit_organisation(current_user, organisation):
        abort(403)
    form = OrganisationForm(obj=organisation, locale=current_locale())
    if form.validate_on_submit():
        apply_profile(organisation, _profile(form))
        try:
            db.session.commit()
        except IntegrityError:
            _credit_code_taken(form)
        else:
            flash(_("Organisation profile saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)
