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
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from maturity import access, mail
from maturity.centres import bp
from maturity.core import periods, reference
from maturity.core.organisation_import import COLUMNS, RowProblem, UnreadableFile
from maturity.extensions import db
from maturity.models import Centre, Organisation, User
from maturity.reports.tables import (
    build_tables,
    dashboard_charts,
    method_note,
    period_label,
    to_csv,
    to_xlsx,
)
from maturity.services import audit, centres
from maturity.services import dashboard as dashboard_service
from maturity.services.branding import branding_of
from maturity.services.organisations import owners_of
from maturity.services.questionnaires import current_questionnaire
from maturity.web import current_locale, database_id


def load_centre(centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    access.require(centre is not None and access.can_review_centre(current_user, centre))
    assert centre is not None
    return centre


def column_label(column: str | None) -> str:
    labels = {
        "name": _("Organisation name"),
        "credit_code": _("Unified social credit code"),
        "industry_division": _("Industry division"),
        "employees": _("Employees"),
        "revenue": _("Annual operating revenue (10,000 CNY)"),
        "total_assets": _("Total assets (10,000 CNY)"),
        "province_code": _("Province"),
        "city_code": _("City"),
    }
    return labels.get(column or "", "")


def problem_message(problem: RowProblem) -> str:
    p = problem.params
    messages = {
        "missing_column": _("The header row has no column for this field."),
        "empty": _("The file contains no organisations."),
        "too_many_rows": _("At most %(max)s rows can be imported at once.", max=p.get("max", "")),
        "required": _("This field is required."),
        "too_long": _("At most %(max)s characters.", max=p.get("max", "")),
        "credit_code.length": _("A credit code has exactly 18 characters."),
        "credit_code.characters": _(
            "A credit code uses only digits and the capital letters A–Y except I, O, S, V and Z."
        ),
        "credit_code.region": _(
            "Characters 3 to 8 of a credit code are the digits of a region code."
        ),
        "credit_code.check_digit": _(
            "The last character (check digit) does not match: please check the code for typing errors."
        ),
        "duplicate": _("Same organisation as row %(row)s.", row=p.get("row", "")),
        "unknown_division": _("Unknown industry division %(value)s.", value=p.get("value", "")),
        "not_whole_number": _("Enter a whole number of 0 or more."),
        "not_amount": _("Enter an amount of 0 or more."),
        "unknown_province": _("Unknown province code %(value)s.", value=p.get("value", "")),
        "city_not_in_province": _(
            "City code %(value)s is not in this province.", value=p.get("value", "")
        ),
        "needed_for_size": _("Your industry's size class depends on this figure: please enter it."),
    }
    return messages.get(problem.code, problem.code)


def assignment_refusal(code: str, name: str) -> str:
    if code == "self_assignment":
        return _("You cannot assign yourself: a centre assigns consultants, not its reviewers.")
    if code == "not_consultant":
        return _(
            "%(name)s has no consultant role: an administrator gives it, or the person accepts a consultant invitation from an organisation.",
            name=name,
        )
    return _("This person already has access to the organisation.")


def unreadable_message(unreadable: UnreadableFile) -> str:
    """Why a file could not be read, naming the bound it passed."""
    p = unreadable.params
    messages = {
        "encoding": lambda: _(
            "The file's text encoding was not recognised: save it as UTF-8 or GBK."
        ),
        "csv": lambda: _("The file could not be read as CSV: check its quotes and separators."),
        "xlsx": lambda: _("The file could not be read as an XLSX workbook."),
        "too_many_lines": lambda: _(
            "The file has more than %(max)d lines: at most %(rows)d organisations can be imported at once.",
            max=p["max"],
            rows=p["rows"],
        ),
        "too_many_columns": lambda: _(
            "The file has more than %(max)d columns: keep only the columns of the template.",
            max=p["max"],
        ),
        "cell_too_long": lambda: _(
            "Line %(row)d has a cell of more than %(max)d characters.", row=p["row"], max=p["max"]
        ),
        "declared_size": lambda: _(
            "The sheet declares %(rows)d rows and %(columns)d columns; at most %(max_rows)d rows and %(max_columns)d columns can be imported. Copy the organisations into a new sheet.",
            **p,
        ),
        "unpacked_too_large": lambda: _(
            "The workbook unpacks to more than %(max)d MB: save only the sheet of organisations.",
            max=p["max_mb"],
        ),
        "too_slow": lambda: _(
            "The file could not be read within %(seconds)d seconds: split it into smaller files.",
            seconds=p["seconds"],
        ),
    }
    return messages.get(unreadable.code, messages["xlsx"])()


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
        **extra,
    )


@bp.post("/<int:centre_id>/import")
@login_required
def import_file(centre_id: int) -> str | tuple[str, int]:
    centre = load_centre(centre_id)
    access.require(access.can_import_into_centre(current_user, centre), hide=False)
    upload = request.files.get("file")
    error = None
    result = None
    if upload is None or not upload.filename:
        error = _("Please choose a CSV or XLSX file.")
    else:
        try:
            result = centres.import_organisations(
                centre, upload.filename, upload.read(), current_user
            )
            for organisation in result.to_notify:
                notify_owners_of_request(centre, organisation)
        except centres.CentreError:
            error = _("Only CSV and XLSX files can be imported.")
        except UnreadableFile as unreadable:
            error = unreadable_message(unreadable)
    status = 200 if result is not None and result.imported else 400
    return render_template(
        "centres/import_report.html",
        centre=centre,
        result=result,
        error=error,
        problem_message=problem_message,
        column_label=column_label,
        filename=upload.filename if upload else "",
    ), status


def notify_owners_of_request(centre: Centre, organisation: Organisation) -> None:
    link = url_for(
        "organisations.show", organisation_id=organisation.id, _anchor="centres", _external=True
    )
    for owner in owners_of(organisation):
        mail.send(
            owner.email,
            "centre_request",
            owner.locale,
            name=owner.name,
            centre=centre.name,
            organisation=organisation.name,
            link=link,
        )


@bp.get("/<int:centre_id>/import-template.csv")
@login_required
def import_template(centre_id: int) -> FlaskResponse:
    load_centre(centre_id)
    header = ",".join(names[0] for names in COLUMNS.values())
    example = "杭州示例科技有限公司,91350100M000100Y43,65,45,3200,,330000,330100"
    return FlaskResponse(
        "\ufeff" + header + "\r\n" + example + "\r\n",
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=organisations-template.csv"},
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
    email = (request.form.get("email") or "").strip().lower()
    consultant = (
        db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    )
    if consultant is None:
        flash(_("No account with this email: the consultant must sign up first."), "error")
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
