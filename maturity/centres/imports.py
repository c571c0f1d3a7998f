"""Organisation lists a centre uploads, imported on the workers with visible progress.

The upload is stored and recorded, the task queued, and the centre sent to the
import's page, which refreshes itself until the worker is done and then says what
was imported or, row by row, why nothing was. Without a broker the task has run
before that page is shown.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Response as FlaskResponse
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access, queue
from maturity.centres import bp
from maturity.centres.import_messages import (
    column_label,
    failure_message,
    problem_message,
    unreadable_message,
)
from maturity.centres.routes import load_centre
from maturity.centres.tasks import import_organisations
from maturity.core.organisation_import import COLUMNS
from maturity.models import Centre, ImportStatus, OrganisationImport
from maturity.services import organisation_imports

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


@bp.post("/<int:centre_id>/import")
@login_required
def import_file(centre_id: int) -> Response | tuple[str, int]:
    centre = load_centre(centre_id)
    access.require(access.can_import_into_centre(current_user, centre), hide=False)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _refused(centre, _("Please choose a CSV or XLSX file."), "")
    if not organisation_imports.readable_type(upload.filename):
        return _refused(centre, _("Only CSV and XLSX files can be imported."), upload.filename)
    import_id = organisation_imports.record_upload(
        centre, current_user, upload.filename, upload.read()
    )
    try:
        queue.queue(import_organisations, import_id)
    except queue.QueueUnavailable as error:
        # Said at once on its page, rather than waiting in vain for a worker.
        logger.error("organisation import %s could not be queued: %s", import_id, error)
        organisation_imports.fail(
            import_id, f"not queued: {error}", organisation_imports.Failure.NOT_QUEUED
        )
    return redirect(url_for("centres.import_status", centre_id=centre_id, import_id=import_id), 303)


def _refused(centre: Centre, error: str, filename: str) -> tuple[str, int]:
    return render_template(
        "centres/import_report.html", centre=centre, job=None, error=error, filename=filename
    ), 400


@bp.get("/<int:centre_id>/imports/<int:import_id>")
@login_required
def import_status(centre_id: int, import_id: int) -> str:
    centre = load_centre(centre_id)
    access.require(access.can_import_into_centre(current_user, centre), hide=False)
    job = access.load(
        OrganisationImport,
        import_id,
        lambda j: j.centre_id == centre.id and j.user_id == current_user.id,
    )
    outcome = organisation_imports.outcome_of(job)
    failure = organisation_imports.failure_of(job)
    return render_template(
        "centres/import_report.html",
        centre=centre,
        job=job,
        statuses=ImportStatus,
        outcome=outcome,
        failure=failure_message(failure, job.filename) if failure else None,
        error=unreadable_message(outcome.unreadable) if outcome and outcome.unreadable else None,
        filename=job.filename,
        problem_message=problem_message,
        column_label=column_label,
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
