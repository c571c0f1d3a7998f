from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response as FlaskResponse
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.centres import bp
from maturity.core import periods, reference
from maturity.extensions import db
from maturity.models import Centre, CentreRole, ImportStatus, Organisation, User
from maturity.reports.tables import (
    build_tables,
    dashboard_charts,
    method_note,
    period_label,
    to_csv,
    to_xlsx,
)
from maturity.services import audit, centres, credit_codes, organisation_imports
from maturity.services import dashboard as dashboard_service
from maturity.services.branding import branding_of
from maturity.services.questionnaires import current_questionnaire
from maturity.web import current_locale, database_id


def load_centre(centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    access.require(centre is not None and access.can_review_centre(current_user, centre))
    assert centre is not None
    return centre


def assignment_refusal(code: str, name: str) -> str:
    if code == "self_assignment":
        return _("You cannot assign yourself: a centre assigns consultants, not its reviewers.")
    if code == "not_centre_consultant":
        return _(
            "%(name)s is not a consultant of this centre: an administrator names the centre's consultants.",
            name=name,
        )
    return _("This person already has access to the organisation.")


@bp.get("/")
@login_required
def index() -> str:
    mine = (
        centres.all_centres()
        if access.is_admin(current_user)
        else centres.centres_of_reviewer(current_user)
    )
    access.require(bool(mine) or access.is_admin(current_user))
    return render_template("centres/index.html", centres=mine)


@bp.get("/<int:centre_id>")
@login_required
def show(centre_id: int) -> str:
    return show_page(load_centre(centre_id))


def show_page(centre: Centre, **extra: Any) -> str:
    """The centre's page; ``extra``: e.g. a refused provider form to show as typed."""
    return render_template(
        "centres/show.html",
        centre=centre,
        overview=centres.overview(centre),
        questionnaire=current_questionnaire(),
        locale=current_locale(),
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        logo_uri=branding_of(centre).logo_uri,
        imports=organisation_imports.recent_for(centre, current_user),
        centre_consultants=centres.staff_of(centre, CentreRole.CONSULTANT),
        to_verify=credit_codes.to_verify_for_centre(centre),
        import_statuses=ImportStatus,
        **extra,
    )


@bp.post("/<int:centre_id>/consultants")
@login_required
def assign_consultant(centre_id: int) -> Response:
    centre = load_centre(centre_id)
    organisation_id = database_id(request.form.get("organisation_id"))
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    access.require(
        organisation is not None
        and access.can_assign_consultant(current_user, centre, organisation)
    )
    assert organisation is not None
    consultant_id = database_id(request.form.get("consultant_id"))
    consultant = db.session.get(User, consultant_id) if consultant_id else None
    if consultant is None:
        flash(_("Please choose one of the centre's consultants."), "error")
    else:
        try:
            centres.assign_consultant(centre, organisation, consultant, current_user)
        except centres.CentreError as refused:
            flash(assignment_refusal(refused.code, consultant.name), "error")
        else:
            flash(
                _(
                    "%(name)s is now a consultant of %(organisation)s.",
                    name=consultant.name,
                    organisation=organisation.name,
                ),
                "success",
            )
    return redirect(url_for("centres.show", centre_id=centre.id))


# --- Dashboard -----------------------------------------------------------------


def current_dashboard(centre: Centre) -> dashboard_service.CentreDashboard:
    try:
        return dashboard_service.centre_dashboard(centre.id, request.args)
    except dashboard_service.NoQuestionnaire:
        abort(404)


@bp.get("/methodology")
def methodology() -> str:
    """How centre figures are protected, in plain words (public: nothing in it is secret)."""
    return render_template("centres/methodology.html", k=current_app.config["BENCHMARK_MIN_COHORT"])


@bp.get("/<int:centre_id>/dashboard")
@login_required
def dashboard(centre_id: int) -> tuple[str, int]:
    centre = load_centre(centre_id)
    found = current_dashboard(centre)
    questionnaire, filters, data = found.questionnaire, found.filters, found.dashboard
    locale = current_locale()
    tables = build_tables(data, questionnaire, locale)
    charts = dashboard_charts(data, questionnaire, locale)
    return render_template(
        "centres/dashboard.html",
        centre=centre,
        data=data,
        tables=tables,
        charts=charts,
        filters=filters,
        problems=found.ignored_filters,
        reference=reference,
        locale=locale,
        periods=periods.offered(date.today()),
        period_label=period_label,
        query=request.query_string.decode(),
    ), (400 if found.ignored_filters else 200)


@bp.get("/<int:centre_id>/dashboard.<export_format>")
@login_required
def dashboard_export(centre_id: int, export_format: str) -> FlaskResponse:
    centre = load_centre(centre_id)
    access.require(export_format in ("csv", "xlsx", "pdf"))
    found = current_dashboard(centre)
    if found.ignored_filters:
        return make_response(
            render_template(
                "errors/message.html",
                message=_("Some filters were not understood: correct them on the dashboard first."),
            ),
            400,
        )
    questionnaire, filters, data = found.questionnaire, found.filters, found.dashboard
    locale = current_locale()
    tables = build_tables(data, questionnaire, locale)
    audit.note_read(current_user, "export_dashboard", "centre", centre.id, format=export_format)
    name = f"dashboard-{centre.id}-{date.today().isoformat()}"
    note = method_note(url_for("centres.methodology", _external=True))
    if export_format == "csv":
        return FlaskResponse(
            to_csv(tables, note),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    if export_format == "xlsx":
        return FlaskResponse(
            to_xlsx(tables, note),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
        )
    from maturity.reports.pdf import html_to_pdf

    html = render_template(
        "centres/dashboard_print.html",
        centre=centre,
        data=data,
        tables=tables,
        charts=dashboard_charts(data, questionnaire, locale),
        filters=filters,
        today=date.today(),
        note=note,
        period=period_label(filters.period) if filters.period else None,
    )
    return FlaskResponse(
        html_to_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f"attachment; filename={name}.pdf"},
    )
