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
from maturity.centres import bp, exports
from maturity.core import reference
from maturity.core.releases import (
    epsilon_of,
    yearly_loss,
)
from maturity.extensions import db
from maturity.models import Centre, CentreRole, ImportStatus, Organisation, User
from maturity.reports.tables import build_tables, dashboard_charts
from maturity.services import audit, centres, credit_codes, organisation_imports, releases
from maturity.services import dashboard as dashboard_service
from maturity.services.branding import branding_of
from maturity.services.questionnaires import (
    NoQuestionnaire,
    current_questionnaire,
    published_version,
    questionnaire_of,
)
from maturity.web import current_locale, database_id
from maturity.web.messages import refusal_message


def load_centre(centre_id: int) -> Centre:
    return access.load(Centre, centre_id, lambda c: access.can_review_centre(current_user, c))


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
    organisation = access.load(
        Organisation,
        database_id(request.form.get("organisation_id")),
        lambda o: access.can_assign_consultant(current_user, centre, o),
    )
    consultant_id = database_id(request.form.get("consultant_id"))
    consultant = db.session.get(User, consultant_id) if consultant_id else None
    if consultant is None:
        flash(_("Please choose one of the centre's consultants."), "error")
    else:
        try:
            centres.assign_consultant(centre, organisation, consultant, current_user)
        except centres.CentreRefused as refused:
            flash(refusal_message(refused), "error")
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
        return dashboard_service.centre_dashboard(centre.id, request.args, date.today())
    except NoQuestionnaire:
        abort(404)


def version_labels(keys: list[str], locale: str) -> dict[str, str]:
    """Each questionnaire version of the release by its title and version in the
    reader's language ("中小企业数字化转型成熟度评估 2.0.0"); its key where the version
    is no longer published."""
    labels = {}
    for key in keys:
        row = published_version(key)
        if row is None:
            labels[key] = key
            continue
        questionnaire = questionnaire_of(row)
        labels[key] = f"{questionnaire.title.get(locale)} {questionnaire.version}"
    return labels


@bp.get("/methodology")
def methodology() -> str:
    """How centre figures are protected, in plain words (public: nothing in it is secret)."""
    return render_template("centres/methodology.html", **methodology_facts())


@bp.get("/<int:centre_id>/dashboard")
@login_required
def dashboard(centre_id: int) -> tuple[str, int]:
    centre = load_centre(centre_id)
    view = current_dashboard(centre)
    locale = current_locale()
    return render_template(
        "centres/dashboard.html",
        centre=centre,
        view=view,
        tables=build_tables(view, locale),
        charts=dashboard_charts(view, locale),
        about=exports.release_lines(view, locale),
        choices=dashboard_service.filter_choices(view),
        version_labels=version_labels(view.versions, locale),
        reference=reference,
        locale=locale,
        query=request.query_string.decode(),
    ), (400 if view.problems else 200)


@bp.get("/<int:centre_id>/dashboard.<export_format>")
@login_required
def dashboard_export(centre_id: int, export_format: str) -> FlaskResponse:
    centre = load_centre(centre_id)
    access.require(export_format in ("csv", "xlsx", "pdf"))
    view = current_dashboard(centre)
    if view.problems:
        return make_response(
            render_template(
                "errors/message.html",
                message=_("Some filters were not understood: correct them on the dashboard first."),
            ),
            400,
        )
    locale = current_locale()
    tables = build_tables(view, locale)
    audit.note_read(
        current_user,
        "export_dashboard",
        "centre",
        centre.id,
        format=export_format,
        release=view.stored.row.id if view.stored else None,
        filters=view.filters.as_args(),
    )
    return exports.export_response(centre, view, tables, export_format, locale)


def methodology_facts() -> dict[str, Any]:
    """The settings the methodology page states: k, the budget per release and what
    an organisation in one centre gives up per year."""
    centre, benchmark = releases.centre_settings(), releases.benchmark_settings()
    loss = yearly_loss(centre, benchmark)
    return {
        "k": centre.k,
        "rho": centre.rho,
        "epsilon": epsilon_of(centre.rho),
        "delta": centre.delta,
        "benchmark_rho": benchmark.rho,
        "yearly_rho": loss.rho,
        "yearly_epsilon": loss.epsilon,
    }
