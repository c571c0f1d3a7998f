"""Report downloads and batch jobs on the web."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from maturity import access, queue
from maturity.core.report import ReportData
from maturity.downloads import bp
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, ReportJob, ReportJobStatus
from maturity.reports import jobs
from maturity.reports import tasks as reports_tasks
from maturity.reports.render import cached_name, cached_pdf
from maturity.services import audit
from maturity.services.reports import load_report_data
from maturity.storage import report_archives, report_cache
from maturity.web import database_id

LANGUAGES = ("zh", "en")
MAX_BATCH = 200


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@login_required
def download(assessment_id: int) -> Response:
    assessment = access.visible_assessment(current_user, assessment_id, "report")
    access.require(assessment.status == AssessmentStatus.SUBMITTED)
    language = request.args.get("lang", "zh")
    access.require(language in LANGUAGES)
    data = load_report_data(assessment.id, language)
    if not queue.run_at_once() and not report_cache().exists(cached_name(data, assessment.id)):
        # Rendering takes seconds: a worker does it while a page shows progress.
        job = reports_tasks.queue_batch(current_user, [assessment.id], language)
        if job.status != ReportJobStatus.FAILED:
            return redirect(url_for("downloads.job", job_id=job.id, then="download"))
        # The broker is unreachable: render here, as without one (it was logged).
    return send_pdf(data, assessment.id, language)


def send_pdf(data: ReportData, assessment_id: int, language: str) -> Response:
    name, _cached = cached_pdf(data, assessment_id)
    return send_file(
        report_cache().open(name),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=jobs.report_file_name(data.organisation_name, data.round, language),
        max_age=0,
    )


@bp.post("/reports/batch")
@login_required
def batch() -> Response:
    language = request.form.get("lang", "zh")
    raw_ids = request.form.getlist("assessment_id")
    ids: list[int] = []
    for raw in raw_ids:
        ids.append(access.found(database_id(raw)))
    ids = list(dict.fromkeys(ids))
    if not ids or language not in LANGUAGES or len(ids) > MAX_BATCH:
        flash(_("Choose between 1 and %(count)d submitted assessments.", count=MAX_BATCH), "error")
        return redirect(request.referrer or url_for("consultants.workspace"))
    for assessment_id in ids:
        assessment = access.load(
            Assessment,
            assessment_id,
            lambda a: (
                access.can_view_assessment(current_user, a)
                and a.status == AssessmentStatus.SUBMITTED
            ),
        )
        access.audit_read(current_user, assessment.organisation_id, "report", assessment.id)
    job = reports_tasks.queue_batch(current_user, ids, language)
    return redirect(url_for("downloads.job", job_id=job.id))


def own_job(job_id: int) -> ReportJob:
    return access.load(ReportJob, job_id, lambda j: j.user_id == current_user.id)


def no_longer_visible(job: ReportJob) -> list[int]:
    """The batch's assessments its owner may no longer see (consent revoked, access
    removed): while there are any, the ZIP file is not handed out."""
    found = {
        assessment.id: assessment
        for assessment in db.session.scalars(select(Assessment).where(Assessment.id.in_(job.ids)))
    }
    return [
        assessment_id
        for assessment_id in job.ids
        if assessment_id not in found
        or not access.can_view_assessment(current_user, found[assessment_id])
    ]


@bp.get("/reports/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> Response:
    found = own_job(job_id)
    removed = jobs.zip_removed(found)
    single = found.total == 1
    # What the report is of, and the way back: its round's results (when still visible).
    report_of = db.session.get(Assessment, found.ids[0]) if single else None
    if report_of is not None and not access.can_view_assessment(current_user, report_of):
        report_of = None
    # Reached from "download the PDF": the file follows by itself once ready, once
    # only: the page reloaded or gone back to after the download offers the button.
    download_when_ready = (
        single
        and request.args.get("then") == "download"
        and not (found.status == ReportJobStatus.DONE and jobs.downloaded(found))
    )
    response = make_response(
        render_template(
            "downloads/job.html",
            job=found,
            single=single,
            report_of=report_of,
            download_when_ready=download_when_ready,
            statuses=ReportJobStatus,
            removed=removed,
            withdrawn=len(no_longer_visible(found)),
            retention_days=current_app.config["REPORT_RETENTION_DAYS"],
        )
    )
    # Back must ask again rather than show a stored copy that would download again.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/jobs/<int:job_id>/download")
@login_required
def job_download(job_id: int) -> Response:
    found = own_job(job_id)
    access.require(jobs.archive_ready(found))
    withdrawn = no_longer_visible(found)
    if withdrawn:
        return make_response(
            render_template(
                "errors/message.html",
                message=ngettext(
                    "This batch holds %(num)d report you may no longer see (its organisation withdrew consent or your access ended), so it cannot be downloaded. Build a new batch of the reports you may still see.",
                    "This batch holds %(num)d reports you may no longer see (their organisations withdrew consent or your access ended), so it cannot be downloaded. Build a new batch of the reports you may still see.",
                    len(withdrawn),
                ),
            ),
            403,
        )
    audit.note_read(
        current_user, jobs.DOWNLOADED, "report_job", found.id, assessments=found.assessment_ids
    )
    for assessment in db.session.scalars(select(Assessment).where(Assessment.id.in_(found.ids))):
        access.audit_read(current_user, assessment.organisation_id, "report", assessment.id)
    if found.total == 1:  # one report: the PDF itself
        (assessment_id,) = found.ids
        return send_pdf(
            load_report_data(assessment_id, found.language), assessment_id, found.language
        )
    assert found.archive is not None
    return send_file(
        report_archives().open(found.archive),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"reports-{found.id}-{found.language}.zip",
    )
