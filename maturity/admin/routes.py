"""Administration: centres and their reviewers, users, questionnaire versions, audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from maturity import access, queue
from maturity.admin import bp
from maturity.admin.forms import CentreForm, ReleaseForm
from maturity.core import reference
from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreMembership,
    CentreRole,
    Membership,
    QuestionnaireVersion,
    User,
)
from maturity.services import audit, centres, credit_codes, releases, sessions
from maturity.services.questionnaires import catalogue, publish_all
from maturity.web import current_locale, database_id
from maturity.web.audit_labels import action_label, describe
from maturity.web.messages import refusal_message

AUDIT_PAGE = 100


@bp.before_request
@login_required
def require_admin() -> None:
    # Not found rather than forbidden: the admin area is not advertised.
    access.require(access.is_admin(current_user))


@bp.get("/")
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/centres", methods=["GET", "POST"])
def centres_page() -> str | Response:
    form = CentreForm(locale=current_locale())
    if form.validate_on_submit():
        name, province_code = form.name.data or "", form.province_code.data or None
        centre = Centre(name=name, province_code=province_code)
        db.session.add(centre)
        try:
            db.session.flush()
            audit.record(current_user, "create_centre", "centre", centre.id, name=name)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.name.errors = [_("A centre with this name already exists.")]
        else:
            flash(_("Centre created."), "success")
            return redirect(url_for("admin.centres_page"))
    rows = [
        (
            c,
            centres.staff_of(c, CentreRole.REVIEWER),
            centres.staff_of(c, CentreRole.CONSULTANT),
            centres.staff_of(c, CentreRole.VERIFIER),
        )
        for c in centres.all_centres()
    ]
    return render_template(
        "admin/centres.html", rows=rows, form=form, reference=reference, locale=current_locale()
    )


def staff_role(given: str | None) -> CentreRole:
    """The centre role a form names (a reviewer unless it names another)."""
    return {
        "consultant": CentreRole.CONSULTANT,
        "verifier": CentreRole.VERIFIER,
    }.get(given or "", CentreRole.REVIEWER)


@bp.post("/centres/<int:centre_id>/staff")
def add_staff(centre_id: int) -> Response:
    """Name a centre's reviewer or one of its consultants (whom it may assign)."""
    centre = access.load(Centre, centre_id)
    email = (request.form.get("email") or "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    role = staff_role(request.form.get("role"))
    if user is None:
        flash(_("No account with this email: the person must sign up first."), "error")
        return redirect(url_for("admin.centres_page"))
    try:
        centres.add_staff(centre, user, role, current_user)
    except centres.CentreRefused as refused:
        flash(refusal_message(refused), "error")
    else:
        if role is CentreRole.CONSULTANT:
            message = _(
                "%(name)s is now a consultant of %(centre)s.", name=user.name, centre=centre.name
            )
        elif role is CentreRole.VERIFIER:
            message = _(
                "%(name)s now verifies the answers of the organisations that consent to %(centre)s.",
                name=user.name,
                centre=centre.name,
            )
        else:
            message = _("%(name)s now reviews %(centre)s.", name=user.name, centre=centre.name)
        flash(message, "success")
    return redirect(url_for("admin.centres_page"))


@bp.post("/centres/<int:centre_id>/staff/<int:user_id>/remove")
def remove_staff(centre_id: int, user_id: int) -> Response:
    centre, user = access.load(Centre, centre_id), access.load(User, user_id)
    role = staff_role(request.form.get("role"))
    if centres.remove_staff(centre, user, role, current_user):
        flash(
            _(
                "%(name)s no longer has this role at %(centre)s.",
                name=user.name,
                centre=centre.name,
            ),
            "success",
        )
    return redirect(url_for("admin.centres_page"))


@bp.route("/releases", methods=["GET", "POST"])
def releases_page() -> str | Response:
    """Every population's releases, and a new revision of one on request."""
    named = [(releases.PLATFORM, _("The whole platform (benchmark)"))] + [
        (releases.centre_population(c.id), c.name) for c in centres.all_centres()
    ]
    form = ReleaseForm(populations=named)
    today = date.today()
    if form.validate_on_submit():
        population = form.population.data or ""
        period = releases.parse_closed(form.period.data or "", today)
        if period is None:
            form.period.errors = [
                _(
                    "%(period)s is not a closed period: a year or a quarter that is over.",
                    period=form.period.data,
                )
            ]
        else:
            revision = releases.next_revision(population, period.code)
            audit.record(
                current_user, "request_release", "release", None,
                population=population, period=period.code, revision=revision,
                reason=form.reason.data or "",
            )  # fmt: skip
            db.session.commit()
            try:
                queue.queue(queue.RELEASE_TASK, population, period.code, revision)
            except queue.QueueUnavailable:
                flash(_("The workers cannot be reached: try again in a minute."), "error")
            else:
                flash(
                    _(
                        "Revision %(revision)d of %(period)s is being computed.",
                        revision=revision,
                        period=period.code,
                    ),
                    "success",
                )
            return redirect(url_for("admin.releases_page"))
    labels = dict(named)
    rows = [
        (labels.get(row.population, row.population), row)
        for population, _label in named
        for row in releases.releases_of(population)
    ]
    return render_template(
        "admin/releases.html",
        form=form,
        rows=rows,
        due=len(releases.due(today)),
        next_due=releases.next_release_due(today),
    )


@bp.get("/credit-codes")
def credit_codes_page() -> str:
    return render_template("admin/credit_codes.html", to_verify=credit_codes.to_verify())


@bp.get("/users")
def users() -> str:
    rows = list(
        db.session.scalars(
            select(User)
            .options(
                selectinload(User.centre_memberships).selectinload(CentreMembership.centre),
                selectinload(User.memberships).selectinload(Membership.organisation),
            )
            .order_by(User.created_at.desc())
            .limit(500)
        )
    )
    return render_template("admin/users.html", users=rows)


# Changes to an account; the administrator role is given or taken only once confirmed.
USER_CHANGES = {
    "activate": ("active", True),
    "deactivate": ("active", False),
    "make_admin": ("is_admin", True),
    "revoke_admin": ("is_admin", False),
    "make_consultant": ("is_consultant", True),
    "revoke_consultant": ("is_consultant", False),
}
NEEDS_CONFIRMATION = ("make_admin", "revoke_admin")


@bp.post("/users/<int:user_id>")
def update_user(user_id: int) -> str | Response:
    user = access.load(User, user_id)
    action = request.form.get("action")
    if user.id == current_user.id and action in ("deactivate", "revoke_admin"):
        flash(_("You cannot lock yourself out."), "error")
        return redirect(url_for("admin.users"))
    if action not in USER_CHANGES:
        flash(_("Unknown action."), "error")
        return redirect(url_for("admin.users"))
    if action in NEEDS_CONFIRMATION and request.form.get("confirm") != "yes":
        # Nothing changes until the administrator confirms on this second page.
        return render_template("admin/confirm_admin.html", user=user, action=action)
    attribute, value = USER_CHANGES[action]
    setattr(user, attribute, value)
    if action == "deactivate":
        sessions.end_all(user)  # logged out everywhere, now
    audit.record(current_user, f"user_{action}", "user", user.id, user_id=user.id)
    db.session.commit()
    if action == "make_admin":
        flash(_("%(name)s is now an administrator.", name=user.name), "success")
    elif action == "revoke_admin":
        flash(_("%(name)s is no longer an administrator.", name=user.name), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("admin.users"))


@bp.get("/questionnaires")
def questionnaires() -> str:
    rows = list(
        db.session.scalars(
            select(QuestionnaireVersion).order_by(
                QuestionnaireVersion.key, QuestionnaireVersion.published_at
            )
        )
    )
    files = sorted(catalogue().files)
    return render_template("admin/questionnaires.html", rows=rows, files=files)


@bp.post("/questionnaires/publish")
def publish() -> Response:
    report = publish_all(catalogue())
    if report.problems:
        for problem in report.problems:
            flash(problem, "error")
        flash(_("Nothing was published."), "error")
    else:
        if report.published:
            audit.record(
                current_user, "publish_questionnaires", "questionnaire", ",".join(report.published)
            )
            db.session.commit()
        flash(
            _(
                "Published: %(published)s. Unchanged: %(unchanged)s.",
                published=", ".join(report.published) or "—",
                unchanged=", ".join(report.unchanged) or "—",
            ),
            "success",
        )
    return redirect(url_for("admin.questionnaires"))


@bp.get("/audit")
def audit_log() -> str:
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)
    chosen, bad_dates = audit_filter(request.args)
    found = audit.search(chosen, AUDIT_PAGE + 1, (page - 1) * AUDIT_PAGE)
    events = found[:AUDIT_PAGE]
    names = audit.names_for(events)
    locale = current_locale()
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    if chosen.organisation_id is None:
        filters.pop("organisation_id", None)
    return render_template(
        "admin/audit.html",
        events=events,
        actors=names.people,
        organisations=names.organisations,
        filtered_organisation=audit.organisation_filtered(chosen),
        other_filters={k: v for k, v in filters.items() if k != "organisation_id"},
        details={e.id: describe(e, names, locale) for e in events},
        page=page,
        has_next=len(found) > AUDIT_PAGE,
        total=audit.count(chosen),
        actions=audit.actions_in_use(),
        action_label=action_label,
        filters=filters,
        bad_dates=bad_dates,
    )


def audit_filter(args: Any) -> tuple[audit.AuditFilter, bool]:
    """The log's filters from the query string; bad dates are reported, not fatal."""
    bad_dates = False
    bounds: list[datetime | None] = []
    for name, shift in (("since", 0), ("until", 1)):
        raw = (args.get(name) or "").strip()
        try:
            day = date.fromisoformat(raw) if raw else None
        except ValueError:
            day, bad_dates = None, True
        bounds.append(
            None
            if day is None
            else datetime.combine(
                day + timedelta(days=shift),
                time(),
                tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]),
            )
        )
    return (
        audit.AuditFilter(
            action=(args.get("action") or "").strip()[:64] or None,
            actor=(args.get("actor") or "").strip()[:100] or None,
            organisation=(args.get("organisation") or "").strip()[:200] or None,
            organisation_id=database_id(args.get("organisation_id")),
            since=bounds[0],
            until=bounds[1],
        ),
        bad_dates,
    )
