"""Batches of reports built in the background into one ZIP, with visible progress.

The web request only queues the job; a worker thread of the same process renders
(reusing the cache) and records its progress in the database, where any process
can read it. Progress doubles as a lease: a job whose process dies is resumed by
the next process that shows its progress page.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import ColumnElement, select, update

from maturity.extensions import db, rows_changed
from maturity.models import ReportJob, ReportJobStatus, User
from maturity.models._types import utcnow
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data

logger = logging.getLogger(__name__)
UNFINISHED = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING)
MAX_ATTEMPTS = 3
_worker: tuple[int, str] | None = None
_pool: tuple[int, ThreadPoolExecutor] | None = None
_owned: set[int] = set()  # jobs this process has queued and not finished
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def jobs_dir() -> Path:
    folder = Path(current_app.config["REPORT_JOBS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def zip_path(job: ReportJob) -> Path:
    return jobs_dir() / f"reports-{job.id}.zip"


def report_file_name(organisation_name: str, round_number: int | None, language: str) -> str:
    name = UNSAFE.sub("_", organisation_name).strip(" ._") or "report"
    suffix = f"-{round_number}" if round_number else ""
    return f"{name[:80]}{suffix}-{language}.pdf"


def worker_id() -> str:
    """This process's name in job leases (a forked worker gets its own)."""
    global _worker
    pid = os.getpid()
    if _worker is None or _worker[0] != pid:
        _worker = (pid, f"{socket.gethostname()[:60]}:{pid}:{secrets.token_hex(4)}")
    return _worker[1]


def _executor() -> ThreadPoolExecutor:
    global _pool
    pid = os.getpid()
    if _pool is None or _pool[0] != pid:
        _pool = (pid, ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs"))
    return _pool[1]


def queue_batch(user: User, assessment_ids: list[int], language: str) -> ReportJob:
    job = ReportJob(
        user_id=user.id,
        language=language,
        assessment_ids=",".join(str(i) for i in assessment_ids),
        total=len(assessment_ids),
        worker=worker_id(),
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    db.session.commit()
    _submit(job.id)
    return job


def _submit(job_id: int) -> None:
    # The app itself, not the context-bound proxy: the worker thread outlives the request.
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method Flask's types omit
    _owned.add(job_id)
    _executor().submit(run_job, app, job_id)


def _mine(job_id: int) -> ColumnElement[bool]:
    return (ReportJob.id == job_id) & (ReportJob.worker == worker_id())


def _heartbeat(job_id: int, **progress: object) -> bool:
    """Record progress on our job and keep our waiting jobs' leases fresh.

    Returns False when another process has taken the job over."""
    now = utcnow()
    kept = rows_changed(update(ReportJob).where(_mine(job_id)).values(heartbeat_at=now, **progress))
    waiting = _owned - {job_id}
    if waiting:
        db.session.execute(
            update(ReportJob)
            .where(ReportJob.id.in_(waiting), ReportJob.worker == worker_id())
            .where(ReportJob.status == ReportJobStatus.QUEUED)
            .values(heartbeat_at=now)
        )
    db.session.commit()
    return kept == 1


def run_job(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            _run(job_id)
        finally:
            _owned.discard(job_id)


def _run(job_id: int) -> None:
    claimed = rows_changed(
        update(ReportJob)
        .where(_mine(job_id), ReportJob.status.in_(UNFINISHED))
        .values(status=ReportJobStatus.RUNNING, done=0, attempts=ReportJob.attempts + 1)
        .values(heartbeat_at=utcnow())
    )
    db.session.commit()
    job = db.session.get(ReportJob, job_id)
    if not claimed or job is None:
        return
    target = zip_path(job)
    # Per attempt: a process that lost its lease may still be writing its own.
    partial = target.with_name(f"{target.stem}.{secrets.token_hex(4)}.part")
    try:
        names: set[str] = set()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
            for done, assessment_id in enumerate(job.ids, start=1):
                data = load_report_data(assessment_id, job.language)
                pdf, _cached = cached_pdf(data, assessment_id)
                name = report_file_name(data.organisation_name, data.round, job.language)
                if name in names:
                    name = name.replace(".pdf", f"-{assessment_id}.pdf")
                names.add(name)
                archive.write(pdf, name)
                if not _heartbeat(job_id, done=done):
                    logger.warning("report job %s was taken over; stopping", job_id)
                    partial.unlink(missing_ok=True)
                    return
        # Whoever finishes first moves an identical file into place.
        os.replace(partial, target)
        _heartbeat(job_id, status=ReportJobStatus.DONE, finished_at=utcnow())
    except Exception as error:  # a failed batch must say so, not hang
        logger.exception("report job %s failed", job_id)
        db.session.rollback()
        partial.unlink(missing_ok=True)
        _heartbeat(
            job_id,
            status=ReportJobStatus.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=utcnow(),
        )


def take_over_if_abandoned(job: ReportJob) -> ReportJob:
    """Resume a job whose process stopped showing progress (it died or was
    recycled), here; after MAX_ATTEMPTS such restarts it is marked failed.

    The conditional update lets exactly one of several processes looking at the
    same abandoned job take it."""
    now = utcnow()
    cutoff = now - timedelta(seconds=current_app.config["REPORT_JOB_STALE_SECONDS"])
    if job.status not in UNFINISHED or (job.heartbeat_at and job.heartbeat_at >= cutoff):
        return job  # nothing to take over: no write (the page refreshes every 2 s)
    abandoned = (
        (ReportJob.id == job.id)
        & ReportJob.status.in_(UNFINISHED)
        & ((ReportJob.heartbeat_at.is_(None)) | (ReportJob.heartbeat_at < cutoff))
    )
    if job.attempts >= MAX_ATTEMPTS:
        outcome = {
            "status": ReportJobStatus.FAILED,
            "error": f"abandoned by its worker {job.attempts} times",
            "finished_at": now,
        }
    else:
        outcome = {"status": ReportJobStatus.QUEUED, "worker": worker_id(), "heartbeat_at": now}
    taken = rows_changed(update(ReportJob).where(abandoned).values(**outcome))
    db.session.commit()
    if taken:
        logger.warning(
            "report job %s was abandoned by %s; %s", job.id, job.worker, outcome["status"]
        )
        if outcome["status"] == ReportJobStatus.QUEUED:
            _submit(job.id)
    db.session.refresh(job)
    return job


def zip_removed(job: ReportJob) -> bool:
    """A finished batch whose ZIP file `flask report prune` has since removed."""
    return job.status == ReportJobStatus.DONE and not zip_path(job).exists()


def recent_for(user: User, limit: int = 10) -> list[ReportJob]:
    """The user's latest batches, newest first; abandoned ones are resumed here too."""
    found = db.session.scalars(
        select(ReportJob)
        .where(ReportJob.user_id == user.id)
        .order_by(ReportJob.created_at.desc(), ReportJob.id.desc())
        .limit(limit)
    ).all()
    return [take_over_if_abandoned(job) for job in found]


def drain(timeout: float = 120) -> None:
    """Wait until every job queued in this process has run (they run in order)."""
    _executor().submit(lambda: None).result(timeout=timeout)
