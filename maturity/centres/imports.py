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
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from maturity import access, tasks
from maturity.centres import bp
from maturity.centres.import_messages import (
    column_label,
    failure_message,
    problem_message,
    unreadable_message,
)
from maturity.centres.routes import load_centre
from maturity.core.organisation_import import COLUMNS
from maturity.extensions import db
from maturity.mail import notices
from maturity.models import Centre, ImportStatus, Organisation, OrganisationImport
from maturity.services import organisation_imports

if TYPE_CHECKING:
    from celery import Task

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
        tasks.queue(import_organisations, import_id)
    except tasks.QueueUnavailable as error:
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
    job = db.session.get(OrganisationImport, import_id)
    access.require(
        job is not None and job.centre_id == centre.id and job.user_id == current_user.id
    )
    assert job is not None
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


@tasks.task(bind=True, name="maturity.centres.import_organisations")
def import_organisations(self: Task, import_id: int) -> None:
    """Import the file, then tell the owners of organisations already on the platform."""
    try:
        organisation_imports.run(import_id)
    except organisation_imports.UploadMissing as error:
        db.session.rollback()
        logger.error("organisation import %s failed: %s", import_id, error)
        organisation_imports.fail(
            import_id,
            f"{type(error).__name__}: {error}",
            organisation_imports.Failure.UPLOAD_MISSING,
        )
        return
    except Exception as error:
        db.session.rollback()
        tasks.retry_if_transient(self, error, f"organisation import {import_id}")
        logger.exception("organisation import %s failed", import_id)
        organisation_imports.fail(import_id, f"{type(error).__name__}: {error}")
        return
    try:
        _notify_owners(import_id)
    except Exception as error:
        # The import is done and stays so; its owners' e-mails wait in `to_notify`.
        db.session.rollback()
        tasks.retry_if_transient(self, error, f"e-mails of organisation import {import_id}")
        logger.exception("organisation import %s: telling the owners failed", import_id)


def _notify_owners(import_id: int) -> None:
    job = db.session.get(OrganisationImport, import_id)
    if job is None or not job.to_notify:
        db.session.commit()
        return
    centre = db.session.get_one(Centre, job.centre_id)
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(job.to_notify)).order_by(Organisation.id)
    ).all()
    for organisation in organisations:
        notices.centre_request(centre, organisation)
    organisation_imports.notified(import_id)


@tasks.sweep
def requeue_stalled_imports() -> list[int]:
    """On Celery beat: queue again imports whose task was lost (Redis restarted, or
    the instant a killed worker had taken it); running one twice does no harm. Not
    while tasks wait in the queue: the import is then behind others, not lost."""
    found = organisation_imports.stalled(2 * current_app.config["TASK_VISIBILITY_SECONDS"])
    if not found or tasks.waiting():
        return []
    for import_id in found:
        logger.warning("organisation import %s is not finished: queued again", import_id)
        tasks.queue(import_organisations, import_id)
    return found


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
