"""Batches of reports built in the background into one ZIP, with visible progress.

The web request only queues the job; a worker thread of the same process renders
(reusing the cache) and records its progress in the database, where any process
can read it.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app

from maturity.extensions import db
from maturity.models import ReportJob, ReportJobStatus, User
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data

logger = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-jobs")
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


def queue_batch(user: User, assessment_ids: list[int], language: str) -> ReportJob:
    job = ReportJob(
        user_id=user.id,
        language=language,
        assessment_ids=",".join(str(i) for i in assessment_ids),
        total=len(assessment_ids),
    )
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _executor.submit(run_job, app, job.id)
    return job


def run_job(app: Flask, job_id: int) -> None:
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        if job is None:
            return
        job.status = ReportJobStatus.RUNNING
        db.session.commit()
        target = zip_path(job)
        partial = target.with_suffix(".part")
        try:
            names: set[str] = set()
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
                for assessment_id in job.ids:
                    data = load_report_data(assessment_id, job.language)
                    pdf, _cached = cached_pdf(data)
                    name = report_file_name(data.organisation_name, data.round, job.language)
                    if name in names:
                        name = name.replace(".pdf", f"-{assessment_id}.pdf")
                    names.add(name)
                    archive.write(pdf, name)
                    job.done += 1
                    db.session.commit()
            os.replace(partial, target)
            job.status = ReportJobStatus.DONE
        except Exception as error:  # a failed batch must say so, not hang
            logger.exception("report job %s failed", job_id)
            db.session.rollback()
            job = db.session.get(ReportJob, job_id)
            assert job is not None
            job.status = ReportJobStatus.FAILED
            job.error = f"{type(error).__name__}: {error}"
            partial.unlink(missing_ok=True)
        job.finished_at = datetime.now(UTC)
        db.session.commit()


def drain(timeout: float = 120) -> None:
    """Wait until every queued job has run (the worker takes jobs in order)."""
    _executor.submit(lambda: None).result(timeout=timeout)
