"""Report batches and the storage's upkeep on the workers.

The web request records the batch and its items and queues one task; that task
queues one rendering task per report, so every worker shares a large batch. A
rendering task renders into the PDF cache and marks its item; the task that renders
the last item queues the assembly of the ZIP (maturity/reports/jobs.py does each
step). Celery beat runs the daily upkeep and the sweep for lost batches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from maturity import queue
from maturity.extensions import db, rows_changed
from maturity.models import ReportJob, ReportJobItem, ReportJobStatus, User
from maturity.models._types import utcnow
from maturity.reports import jobs
from maturity.reports.prune import prune, retention
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data

if TYPE_CHECKING:
    from celery import Task

logger = logging.getLogger("maturity.reports.jobs")


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
        queue.queue(start_batch, job_id)
    except queue.QueueUnavailable as error:
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


def attempt(task: Task, job_id: int, work: Callable[[], None]) -> None:
    """Run one step of a batch: a transient failure is retried with back-off; any
    other failure, or too many retries, marks the batch failed (it must say so,
    not hang)."""
    try:
        work()
    except Exception as error:
        db.session.rollback()
        queue.retry_if_transient(task, error, f"report job {job_id}")
        logger.exception("report job %s failed", job_id)
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(jobs.UNFINISHED))
            .values(
                status=ReportJobStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:2000],
                finished_at=utcnow(),
            )
        )
        db.session.commit()


@queue.task(name="maturity.reports.start_batch")
def start_batch(job_id: int) -> None:
    """Queue the rendering of every item not rendered yet (redone safely)."""
    if jobs.unfinished(job_id) is None:
        return
    positions = db.session.scalars(
        select(ReportJobItem.position)
        .where(ReportJobItem.job_id == job_id, ReportJobItem.rendered_at.is_(None))
        .order_by(ReportJobItem.position)
    ).all()
    db.session.commit()
    if not positions:
        queue.queue(assemble_batch, job_id)
    for position in positions:
        queue.queue(render_batch_report, job_id, position)


@queue.task(bind=True, name="maturity.reports.render_batch_report")
def render_batch_report(self: Task, job_id: int, position: int) -> None:
    def work() -> None:
        job = jobs.unfinished(job_id)
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
            jobs.mark_rendered(job_id, position)
        remaining = db.session.scalar(jobs.items_counted(job_id, rendered=False))
        db.session.commit()
        if remaining == 0:  # the last one (or a redo of it): several may get here
            queue.queue(assemble_batch, job_id)

    attempt(self, job_id, work)


@queue.task(bind=True, name="maturity.reports.assemble_batch")
def assemble_batch(self: Task, job_id: int) -> None:
    """Put the batch's rendered reports into its ZIP, in the order chosen."""

    def work() -> None:
        job = jobs.unfinished(job_id)
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
        name = jobs.write_archive([assessment_id for assessment_id, _ in items], language)
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(jobs.UNFINISHED))
            .values(
                status=ReportJobStatus.DONE, done=len(items), archive=name, finished_at=utcnow()
            )
        )
        db.session.commit()

    attempt(self, job_id, work)


@queue.sweep
def requeue_stalled() -> list[int]:
    """On Celery beat: start stalled batches again (every step is idempotent, so
    what is done stays done). Not while tasks wait in the queue: the batch is then
    behind others, not lost."""
    found = jobs.stalled(utcnow())
    db.session.commit()
    if not found or queue.waiting():
        return []
    for job_id in found:
        rows_changed(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.status.in_(jobs.UNFINISHED))
            .values(progressed_at=utcnow())
        )
        db.session.commit()
        logger.warning("report job %s made no progress: queued again", job_id)
        queue.queue(start_batch, job_id)
    return found


@queue.task(name=queue.PRUNE_TASK)
def prune_report_files() -> None:
    """Daily, on Celery beat: what `flask report prune` does with its defaults."""
    pruned = prune(retention())
    logger.info(
        "pruned %d cached PDFs, %d batch ZIPs, %d partial files (%d bytes)",
        pruned.cached_pdfs,
        pruned.batch_zips,
        pruned.partial_files,
        pruned.bytes_freed,
    )
