"""Batches of reports built into one ZIP, with visible progress: the batches' rows,
their items, the rendering of one item and the assembly of the ZIP. The workers run
them as tasks (maturity/reports/tasks.py).

Every step is idempotent (an item already rendered is not rendered again, a finished
batch is left alone, files are written under a temporary name and moved into place),
because Celery redoes the task of a worker that died mid-way. Progress lives in the
database, where every web process reads it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select, update

from maturity.extensions import db, rows_changed
from maturity.models import AuditEvent, ReportJob, ReportJobItem, ReportJobStatus, User
from maturity.models._types import utcnow
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data
from maturity.storage import report_archives, report_cache, zip_entry

logger = logging.getLogger(__name__)
UNFINISHED = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING)
ARCHIVE_PREFIX = "reports-"
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# The audit log's action for a batch's file handed out (the PDF of a single report).
DOWNLOADED = "download_batch"


def report_file_name(organisation_name: str, round_number: int | None, language: str) -> str:
    name = UNSAFE.sub("_", organisation_name).strip(" ._") or "report"
    suffix = f"-{round_number}" if round_number else ""
    return f"{name[:80]}{suffix}-{language}.pdf"


def unfinished(job_id: int) -> ReportJob | None:
    job = db.session.get(ReportJob, job_id)
    return job if job is not None and job.status in UNFINISHED else None


def mark_rendered(job_id: int, position: int) -> None:
    rows_changed(
        update(ReportJobItem)
        .where(ReportJobItem.job_id == job_id, ReportJobItem.position == position)
        .where(ReportJobItem.rendered_at.is_(None))
        .values(rendered_at=utcnow())
    )
    rendered = items_counted(job_id, rendered=True).scalar_subquery()
    rows_changed(
        update(ReportJob)
        .where(ReportJob.id == job_id)
        .values(done=rendered, progressed_at=utcnow())
    )
    db.session.commit()


def items_counted(job_id: int, rendered: bool) -> Select[int]:
    """How many of the batch's items are rendered (or not yet)."""
    state = (
        ReportJobItem.rendered_at.is_not(None) if rendered else ReportJobItem.rendered_at.is_(None)
    )
    return (
        select(func.count()).select_from(ReportJobItem).where(ReportJobItem.job_id == job_id, state)
    )


def write_archive(assessment_ids: list[int], language: str) -> str | None:
    """The ZIP of these reports (its name); none for one report, which is
    downloaded as its PDF from the cache."""
    if len(assessment_ids) == 1:
        return None
    dated = _archive_entries(assessment_ids, language)
    entries, dates = [entry for entry, _when in dated], [when for _entry, when in dated]
    name = archive_name(entries)
    archives, cache = report_archives(), report_cache()
    # Several assemblies of one batch may run at once, and batches of the same
    # reports share their ZIP: the same name always holds the same content.
    if not archives.touch(name):
        with (
            archives.writing(name) as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive,
        ):
            for (entry, cached), when in zip(entries, dates, strict=True):
                with cache.open(cached) as pdf, archive.open(zip_entry(entry, when), "w") as packed:
                    shutil.copyfileobj(pdf, packed)
    return name


def _archive_entries(
    assessment_ids: list[int], language: str
) -> list[tuple[tuple[str, str], datetime]]:
    """(name in the ZIP, name in the report cache) of each report, in order, with the
    date its entry carries: when the round was submitted."""
    entries: list[tuple[tuple[str, str], datetime]] = []
    names: set[str] = set()
    for assessment_id in assessment_ids:
        data = load_report_data(assessment_id, language)
        cached, _was_cached = cached_pdf(data, assessment_id)  # pruned meanwhile: again
        entry = report_file_name(data.organisation_name, data.round, language)
        if entry in names:
            entry = entry.replace(".pdf", f"-{assessment_id}.pdf")
        names.add(entry)
        entries.append(((entry, cached), data.submitted_at or datetime.now(UTC)))
    return entries


def archive_name(entries: list[tuple[str, str]]) -> str:
    """A fingerprint of the ZIP's content: its entries' names and the cached PDFs'
    names, which are fingerprints of theirs."""
    digest = hashlib.sha256()
    for entry, cached in entries:
        digest.update(f"{entry}\t{cached}\n".encode())
    return f"{ARCHIVE_PREFIX}{digest.hexdigest()[:32]}.zip"


def stalled(now: datetime) -> list[int]:
    """Unfinished batches without progress for twice the visibility timeout.

    By then a task held by a vanished worker has long been given back to the
    queue, so none of the batch's tasks is anywhere: Kombu's Redis transport loses
    the one a worker was killed with in the instant between taking it and
    recording it as unacknowledged."""
    quiet = timedelta(seconds=2 * current_app.config["TASK_VISIBILITY_SECONDS"])
    return list(
        db.session.scalars(
            select(ReportJob.id)
            .where(ReportJob.status.in_(UNFINISHED), ReportJob.progressed_at < now - quiet)
            .order_by(ReportJob.id)
        )
    )


def archive_ready(job: ReportJob) -> bool:
    """Finished, and its download is there: the ZIP, or for one report its PDF
    (served from the cache, rendered again if it was pruned)."""
    if job.status != ReportJobStatus.DONE:
        return False
    if job.total == 1:
        return True
    return job.archive is not None and report_archives().exists(job.archive)


def downloaded(job: ReportJob) -> bool:
    """Whether the batch's owner has had its file at least once: the audit log notes
    every download."""
    return bool(
        db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.at >= job.created_at,  # the time index narrows the search
                AuditEvent.action == DOWNLOADED,
                AuditEvent.object_type == "report_job",
                AuditEvent.object_id == str(job.id),
                AuditEvent.actor_id == job.user_id,
            )
            .limit(1)
        )
    )


def zip_removed(job: ReportJob) -> bool:
    """A finished batch whose ZIP file `flask report prune` has since removed."""
    return job.status == ReportJobStatus.DONE and not archive_ready(job)


def recent_for(user: User, limit: int = 10) -> list[ReportJob]:
    """The user's latest batches, newest first."""
    return list(
        db.session.scalars(
            select(ReportJob)
            .where(ReportJob.user_id == user.id)
            .order_by(ReportJob.created_at.desc(), ReportJob.id.desc())
            .limit(limit)
        )
    )
