from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from maturity import access
from maturity.centres import bp
from maturity.core.organisation_import import COLUMNS, RowProblem, UnreadableFile
from maturity.extensions import db
from maturity.models import Centre, Organisation, User
from maturity.services import centres
from maturity.web import current_locale


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
    centre = load_centre(centre_id)
    return render_template(
        "centres/show.html",
        centre=centre,
        overview=centres.overview(centre),
        locale=current_locale(),
        max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
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
        except centres.CentreError:
            error = _("Only CSV and XLSX files can be imported.")
        except UnreadableFile as unreadable:
            error = (
                _("The file's text encoding was not recognised: save it as UTF-8 or GBK.")
                if unreadable.code == "encoding"
                else _("The file could not be read as an XLSX workbook.")
            )
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
    organisation = db.session.get(Organisation, request.form.get("organisation_id", type=int) or -1)
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
        except centres.CentreError:
            flash(_("This person already has access to the organisation."), "error")
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
