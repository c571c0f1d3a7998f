"""Batches of reports built on the workers into one ZIP, with visible progress.

The web request records the batch and its items and queues one task; that task
queues one rendering task per report, so every worker shares a large batch. A
rendering task renders into the PDF cache and marks its item; the task that
renders the last item queues the assembly of the ZIP. Every task is idempotent
(an item already rendered is not rendered again, a finished batch is left alone,
files are written under a temporary name and moved into place), because Celery
redoes the task of a worker that died mid-way. Progress lives in the database,
where every web process reads it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Select, func, select, update

from maturity import tasks
from maturity.extensions import db, rows_changed
from maturity.models import ReportJob, ReportJobItem, ReportJobStatus, User
from maturity.models._types import utcnow
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data
from maturity.storage import report_archives, report_cache

if TYPE_CHECKING:
    from celery import Task


logger = logging.getLogger(__name__)
UNFINISHED = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING)
ARCHIVE_PREFIX = "reports-"
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def report_file_name(organisation_name: str, round_number: int | None, language: str) -> str:
    name = UNSAFE.sub("_", organisation_name).strip(" ._") or "report"
    suffix = f"-{round_number}" if round_number else ""
    return f"{name[:80]}{suffix}-{language}.pdf"


def queue_batch(user: User, assessment_ids: list[int], language: str) -> ReportJob:
    job = ReportJob(
        user_id=user.id,
        language=language,
        assessment_ids=",".join(str(i) for i in assessment_ids),
        total=len(assessment_ids),
    )
    db.session.add(job)
    db.session.flush()
    job_id = job.id  # read now: reading it after the commit would open a transaction
    db.session.add_all(
        ReportJobItem(job_id=job_id, position=position, assessment_id=assessment_id)
        for position, assessment_id in enumerate(assessment_ids)
    )
    db.session.commit()
    try:
        tasks.queue(start_batch, job_id)
    except tasks.QueueUnavailable as error:
        # Said at once on its page, rather than waiting in vain for a worker.
        logger.error("report job %s could not be queued: %s", job_id, error)
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id)
            .values(
                status=ReportJobStatus.FAILED,
                error=f"not queued: {error}"[:2000],
                finished_at=utcnow(),
            )
        )
        db.session.commit()
    return job


def _attempt(task: Task, job_id: int, work: Callable[[], None]) -> None:
    """Run one step of a batch: a transient failure is retried with back-off; any
    other failure, or too many retries, marks the batch failed (it must say so,
    not hang)."""
    try:
        work()
    except Exception as error:
        db.session.rollback()
        tasks.retry_if_transient(task, error, f"report job {job_id}")
        logger.exception("report job %s failed", job_id)
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(UNFINISHED))
            .values(
                status=ReportJobStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000],
                finished_at=utcnow(),
            )
        )
        db.session.commit()


def _unfinished(job_id: int) -> ReportJob | None:
    job = db.session.get(ReportJob, job_id)
    return job if job is not None and job.status in UNFINISHED else None


@tasks.task(name="maturity.reports.start_batch")
def start_batch(job_id: int) -> None:
    """Queue the rendering of every item not rendered yet (redone safely)."""
    if _unfinished(job_id) is None:
        return
    positions = db.session.scalars(
        select(ReportJobItem.position)
        .where(ReportJobItem.job_id == job_id, ReportJobItem.rendered_at.is_(None))
        .order_by(ReportJobItem.position)
    ).all()
    db.session.commit()
    if not positions:
        tasks.queue(assemble_batch, job_id)
    for position in positions:
        tasks.queue(render_batch_report, job_id, position)


@tasks.task(bind=True, name="maturity.reports.render_batch_report")
def render_batch_report(self: Task, job_id: int, position: int) -> None:
    def work() -> None:
        job = _unfinished(job_id)
        item = db.session.get(ReportJobItem, (job_id, position))
        if job is None or item is None:
            return
        if item.rendered_at is None:
            # Plain values: once load_report_data commits, reading an attribute of
            # a row would open a transaction and hold it (SQLite: the write lock)
            # through the rendering.
            assessment_id, language = item.assessment_id, job.language
            rows_changed(
                update(ReportJob)
                .where(ReportJob.id == job_id, ReportJob.status == ReportJobStatus.QUEUED)
                .values(status=ReportJobStatus.RUNNING)
            )
            db.session.commit()
            cached_pdf(load_report_data(assessment_id, language), assessment_id)
            _mark_rendered(job_id, position)
        remaining = db.session.scalar(_items_counted(job_id, rendered=False))
        db.session.commit()
        if remaining == 0:  # the last one (or a redo of it): several may get here
            tasks.queue(assemble_batch, job_id)

    _attempt(self, job_id, work)


def _mark_rendered(job_id: int, position: int) -> None:
    rows_changed(
        update(ReportJobItem)
        .where(ReportJobItem.job_id == job_id, ReportJobItem.position == position)
        .where(ReportJobItem.rendered_at.is_(None))
        .values(rendered_at=utcnow())
    )
    rendered = _items_counted(job_id, rendered=True).scalar_subquery()
    rows_changed(
        update(ReportJob)
        .where(ReportJob.id == job_id)
        .values(done=rendered, progressed_at=utcnow())
    )
    db.session.commit()


def _items_counted(job_id: int, rendered: bool) -> Select[int]:
    """How many of the batch's items are rendered (or not yet)."""
    state = (
        ReportJobItem.rendered_at.is_not(None) if rendered else ReportJobItem.rendered_at.is_(None)
    )
    return (
        select(func.count()).select_from(ReportJobItem).where(ReportJobItem.job_id == job_id, state)
    )


@tasks.task(bind=True, name="maturity.reports.assemble_batch")
def assemble_batch(self: Task, job_id: int) -> None:
    """Put the batch's rendered reports into its ZIP, in the order chosen."""

    def work() -> None:
        job = _unfinished(job_id)
        if job is None:
            return
        items = db.session.execute(
            select(ReportJobItem.assessment_id, ReportJobItem.rendered_at)
            .where(ReportJobItem.job_id == job_id)
            .order_by(ReportJobItem.position)
        ).all()
        if any(rendered_at is None for _id, rendered_at in items):
            return
        language = job.language
        db.session.commit()
        name = _write_archive([assessment_id for assessment_id, _ in items], language)
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(UNFINISHED))
            .values(
                status=ReportJobStatus.DONE, done=len(items), archive=name, finished_at=utcnow()
            )
        )
        db.session.commit()

    _attempt(self, job_id, work)


def _write_archive(assessment_ids: list[int], language: str) -> str | None:
    """The ZIP of these reports (its name); none for one report, which is
    downloaded as its PDF from the cache."""
    if len(assessment_ids) == 1:
        return None
    entries = _archive_entries(assessment_ids, language)
    name = archive_name(entries)
    archives, cache = report_archives(), report_cache()
    # Several assemblies of one batch may run at once, and batches of the same
    # reports share their ZIP: the same name always holds the same content.
    if not archives.touch(name):
        with (
            archives.writing(name) as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive,
        ):
            for entry, cached in entries:
                with cache.open(cached) as pdf, archive.open(entry, "w") as packed:
                    shutil.copyfileobj(pdf, packed)
    return name


def _archive_entries(assessment_ids: list[int], language: str) -> list[tuple[str, str]]:
    """(name in the ZIP, name in the report cache) of each report, in order."""
    entries: list[tuple[str, str]] = []
    names: set[str] = set()
    for assessment_id in assessment_ids:
        data = load_report_data(assessment_id, language)
        cached, _was_cached = cached_pdf(data, assessment_id)  # pruned meanwhile: again
        entry = report_file_name(data.organisation_name, data.round, language)
        if entry in names:
            entry = entry.replace(".pdf", f"-{assessment_id}.pdf")
        names.add(entry)
        entries.append((entry, cached))
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


@tasks.sweep
def requeue_stalled() -> list[int]:
    """On Celery beat: start stalled batches again (every step is idempotent, so
    what is done stays done). Not while tasks wait in the queue: the batch is then
    behind others, not lost."""
    found = stalled(utcnow())
    db.session.commit()
    if not found or tasks.waiting():
        return []
    for job_id in found:
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(UNFINISHED))
            .values(progressed_at=utcnow())
        )
        db.session.commit()
        logger.warning("report job %s made no progress: queued again", job_id)
        tasks.queue(start_batch, job_id)
    return found


def archive_ready(job: ReportJob) -> bool:
    """Finished, and its download is there: the ZIP, or for one report its PDF
    (served from the cache, rendered again if it was pruned)."""
    if job.status != ReportJobStatus.DONE:
        return False
    if job.total == 1:
        return True
    return job.archive is not None and report_archives().exists(job.archive)


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
