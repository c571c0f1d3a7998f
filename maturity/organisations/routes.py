from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access, mail
from maturity.core import reference
from maturity.core.profile import OrganisationProfile
from maturity.core.questionnaire import Questionnaire
from maturity.core.roadmap import InvalidPlanInput
from maturity.extensions import db
from maturity.models import Centre, MembershipRole, Organisation
from maturity.organisations import bp
from maturity.organisations.forms import OrganisationForm
from maturity.services import (
    accounts,
    centres,
    consultants,
    credit_codes,
    invitations,
    plans,
    results,
)
from maturity.services import assessments as assessment_service
from maturity.services.organisations import apply_profile, create_organisation
from maturity.services.questionnaires import (
    current_questionnaire,
)
from maturity.web import current_locale, database_id
from maturity.web.messages import refusal_message
from maturity.web.qr import qr_code_data_uri
from maturity.web.requests import mail_address


def make_form(
    questionnaire: Questionnaire | None, organisation: Organisation | None = None
) -> OrganisationForm:
    locale = current_locale()
    goal_choices = (
        [(goal.id, goal.label.get(locale)) for goal in questionnaire.goals] if questionnaire else []
    )
    form = OrganisationForm(
        obj=organisation,
        locale=locale,
        goal_choices=goal_choices,
    )
    if organisation is not None and request.method == "GET":
        form.goals.data = results.goals_of(organisation)
    return form


def save_goals(
    organisation: Organisation, form: OrganisationForm, questionnaire: Questionnaire | None
) -> None:
    if questionnaire is not None:
        plans.set_goals(organisation, questionnaire, list(form.goals.data or []))


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


def _profile_page(organisation: Organisation | None) -> str | Response:
    """Create (organisation None) or edit a profile; nothing is saved unless all is valid.

    A credit code is accepted whether or not another organisation claims it (saying so
    would tell anyone which codes are on the platform): it counts only once proved
    (services.credit_codes)."""
    questionnaire = current_questionnaire()
    form = make_form(questionnaire, organisation)
    if form.validate_on_submit():
        saved = organisation or create_organisation(_profile(form), current_user)
        old_code = organisation.credit_code if organisation else None
        apply_profile(saved, _profile(form))
        forgotten = credit_codes.code_changed(saved, old_code) if organisation else None
        try:
            save_goals(saved, form, questionnaire)
            db.session.commit()
        except InvalidPlanInput as refused:
            db.session.rollback()
            assert questionnaire is not None  # goals are only checked against one
            form.goals.errors = [refusal_message(refused)]
        else:
            credit_codes.forget_file(forgotten)
            flash(_("Organisation profile saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=saved.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


def _load(organisation_id: int) -> Organisation:
    return access.visible_organisation(current_user, organisation_id)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response:
    return _profile_page(None)


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int) -> str:
    organisation = _load(organisation_id)
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        reference=reference,
        questionnaire=current_questionnaire(),
        assessments=results.history_of(organisation),
        due=plans.due_steps(organisation),
        questionnaire_of_round=results.questionnaire_for,
        today=date.today(),
        draft=assessment_service.draft_of(organisation),
        can_edit=access.can_edit_organisation(current_user, organisation),
        can_invite=access.can_invite(current_user, organisation),
        can_assess=access.can_start_assessment(current_user, organisation),
        can_manage_consultants=access.can_manage_consultants(current_user, organisation),
        can_manage_centres=access.can_manage_centres(current_user, organisation),
        can_manage_data=access.can_manage_data(current_user, organisation),
        consultants=consultants.consultants_of(organisation),
        registrations=centres.registrations_of(organisation),
        requests=centres.requests_of(organisation),
        all_centres=centres.all_centres(),
        locale=current_locale(),
    )


@bp.post("/<int:organisation_id>/invitations")
@login_required
def invite(organisation_id: int) -> str:
    organisation = _load(organisation_id)
    access.require(access.can_invite(current_user, organisation), hide=False)
    days = current_app.config["INVITATION_DAYS"]
    role = (
        MembershipRole.CONSULTANT
        if request.form.get("role") == "consultant"
        else MembershipRole.MEMBER
    )
    token = invitations.create_invitation(organisation, current_user, days, role)
    link = url_for("organisations.join", token=token, _external=True)
    address = (request.form.get("email") or "").strip()
    sent_to, refused, unsent = None, None, None
    if address:
        recipient = mail_address(address)
        if recipient is None:
            refused = address
        else:
            known = accounts.find_by_email(recipient)
            language = request.form.get("language")
            sent = mail.send(
                recipient,
                "invitation",
                known.locale if known else (language if language in ("zh", "en") else "zh"),
                name=known.name if known else None,
                inviter=current_user.name,
                organisation=organisation.name,
                role=str(role),
                days=days,
                link=link,
            )
            sent_to, unsent = (recipient, None) if sent else (None, recipient)
    return render_template(
        "organisations/invitation.html",
        organisation=organisation,
        link=link,
        qr_code=qr_code_data_uri(link),
        days=days,
        role=role,
        sent_to=sent_to,
        refused=refused,
        unsent=unsent,
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str) -> str | Response | tuple[str, int]:
    try:
        invitation = invitations.find_invitation(token)
        if request.method == "POST":
            organisation = invitations.accept_invitation(token, current_user)
            flash(_("You have joined %(name)s.", name=organisation.name), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    except invitations.InvitationInvalid:
        return render_template(
            "errors/message.html",
            message=_(
                "This invitation link is not valid: it may have expired or been used already. Ask your colleague for a new one."
            ),
        ), 404
    return render_template(
        "organisations/join.html", organisation=invitation.organisation, role=invitation.role
    )


@bp.post("/<int:organisation_id>/consultants/<int:membership_id>/remove")
@login_required
def remove_consultant(organisation_id: int, membership_id: int) -> Response:
    organisation = _load(organisation_id)
    access.require(access.can_manage_consultants(current_user, organisation), hide=False)
    if consultants.remove_consultant(organisation, membership_id, current_user):
        flash(_("The consultant no longer has access to this organisation."), "success")
    return redirect(
        url_for("organisations.show", organisation_id=organisation.id, _anchor="consultants")
    )


@bp.post("/<int:organisation_id>/centres")
@login_required
def register_with_centre(organisation_id: int) -> Response:
    organisation = _load(organisation_id)
    access.require(access.can_manage_centres(current_user, organisation), hide=False)
    centre_id = database_id(request.form.get("centre_id"))
    centre = db.session.get(Centre, centre_id) if centre_id else None
    if centre is None:
        flash(_("Please choose a service centre."), "error")
    else:
        centres.register(organisation, centre, current_user)
        flash(
            _(
                "Registered with %(centre)s. The centre sees only aggregated, anonymised results unless you grant consent.",
                centre=centre.name,
            ),
            "success",
        )
    return redirect(
        url_for("organisations.show", organisation_id=organisation.id, _anchor="centres")
    )


@bp.post("/<int:organisation_id>/centres/<int:centre_id>/consent")
@login_required
def consent(organisation_id: int, centre_id: int) -> Response:
    organisation = _load(organisation_id)
    access.require(access.can_manage_centres(current_user, organisation), hide=False)
    centre = access.load(Centre, centre_id)
    registration = access.found(centres.registration(centre, organisation), lambda r: r.is_accepted)
    granted = request.form.get("action") == "grant"
    centres.set_consent(registration, granted, current_user)
    if granted:
        flash(
            _(
                "%(centre)s may now see your individual results. You can revoke this at any time.",
                centre=centre.name,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Consent revoked: %(centre)s no longer sees your individual results.",
                centre=centre.name,
            ),
            "success",
        )
    return redirect(
        url_for("organisations.show", organisation_id=organisation.id, _anchor="centres")
    )


@bp.post("/<int:organisation_id>/centres/<int:centre_id>/request")
@login_required
def answer_request(organisation_id: int, centre_id: int) -> Response:
    """Accept or decline a centre's request to register the organisation."""
    organisation = _load(organisation_id)
    access.require(access.can_manage_centres(current_user, organisation), hide=False)
    centre = access.load(Centre, centre_id)
    pending = access.found(centres.registration(centre, organisation), lambda r: not r.is_accepted)
    action = request.form.get("action")
    if action not in ("accept", "decline"):
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    accept = action == "accept"
    centres.answer_request(pending, accept, current_user)
    if accept:
        flash(
            _(
                "Registered with %(centre)s. The centre sees only aggregated, anonymised results unless you grant consent.",
                centre=centre.name,
            ),
            "success",
        )
    else:
        flash(_("Request of %(centre)s declined.", centre=centre.name), "success")
    return redirect(
        url_for("organisations.show", organisation_id=organisation.id, _anchor="centres")
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int) -> str | Response:
    organisation = _load(organisation_id)
    access.require(access.can_edit_organisation(current_user, organisation), hide=False)
    return _profile_page(organisation)
