"""An owner's rights over the organisation's data: download all of it, delete it."""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.accounts import bp
from maturity.accounts.forms import DeleteOrganisationForm
from maturity.models import Organisation
from maturity.reports.prune import remove_reports_of
from maturity.services import data_rights
from maturity.storage import documents, zip_entry
from maturity.storage import evidence as evidence_storage


def _owned(organisation_id: int) -> Organisation:
    organisation = access.visible_organisation(current_user, organisation_id)
    access.require(access.can_manage_data(current_user, organisation), hide=False)
    return organisation


def _file_name(organisation: Organisation, extension: str) -> str:
    return f"organisation-{organisation.id}-data.{extension}"


@bp.get("/organisations/<int:organisation_id>/data.json")
@login_required
def export_json(organisation_id: int) -> Response:
    organisation = _owned(organisation_id)
    data = data_rights.organisation_data(organisation)
    data_rights.record_export(current_user, organisation, "json")
    return Response(
        json.dumps(data, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={_file_name(organisation, 'json')}"},
    )


def _xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook  # only for this download

    workbook = Workbook(write_only=True)
    people = workbook.create_sheet("people")
    people.append(["id", "name", "email"])
    for person in data["people"]:
        name = _("a former member") if person.get("former_member") else person["name"]
        people.append([person["id"], name, person.get("email", "")])
    for table, rows in data["tables"].items():
        sheet = workbook.create_sheet(table[:31])
        columns = list(rows[0]) if rows else []
        sheet.append(columns or ["(no rows)"])
        for row in rows:
            sheet.append([_cell(row[column]) for column in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula in someone's spreadsheet
    return value


@bp.get("/organisations/<int:organisation_id>/data.xlsx")
@login_required
def export_xlsx(organisation_id: int) -> Response:
    organisation = _owned(organisation_id)
    content = _xlsx(data_rights.organisation_data(organisation))
    data_rights.record_export(current_user, organisation, "xlsx")
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={_file_name(organisation, 'xlsx')}"},
    )


@bp.get("/organisations/<int:organisation_id>/data.zip")
@login_required
def export_zip(organisation_id: int) -> Response:
    """The JSON export with the files the organisation uploaded: its evidence files
    (by round and question) and its business licence."""
    organisation = _owned(organisation_id)
    data = data_rights.organisation_data(organisation)
    # Closed by the response once sent (send_file closes the file it is given).
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(
            zip_entry("data.json", datetime.now(UTC), deflated=True),
            json.dumps(data, ensure_ascii=False, indent=1),
        )
        for path, row in data_rights.evidence_files(organisation):
            with (
                bundle.open(zip_entry(path, row.uploaded_at, deflated=True), "w") as target,
                evidence_storage().open(row.stored_name) as source,
            ):
                shutil.copyfileobj(source, target)
        if organisation.licence_file:
            with (
                bundle.open(
                    zip_entry(
                        f"licence/{organisation.licence_file}",
                        organisation.licence_uploaded_at or datetime.now(UTC),
                        deflated=True,
                    ),
                    "w",
                ) as target,
                documents().open(organisation.licence_file) as source,
            ):
                shutil.copyfileobj(source, target)
    data_rights.record_export(current_user, organisation, "zip")
    archive.seek(0)
    return send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=_file_name(organisation, "zip"),
    )


@bp.route("/organisations/<int:organisation_id>/delete", methods=["GET", "POST"])
@login_required
def delete_organisation(organisation_id: int) -> str | Response | tuple[str, int]:
    organisation = _owned(organisation_id)
    form = DeleteOrganisationForm()
    if form.validate_on_submit():
        if (form.name.data or "").strip() != organisation.name:
            form.name.errors = [_("This is not the organisation's name.")]
        elif not current_user.check_password(form.password.data or ""):
            form.password.errors = [_("This is not your password.")]
        else:
            name = organisation.name
            removed = data_rights.delete_organisation(organisation, current_user)
            remove_reports_of(removed)
            flash(_("%(name)s and all its data are deleted.", name=name), "info")
            return redirect(url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template(
        "accounts/delete_organisation.html", form=form, organisation=organisation
    ), status
