"""A batch of reports on real Celery workers with 1, 2, … pool processes.

Each run starts a worker with the given number of processes on a queue of its
own, with an empty PDF cache and jobs folder, queues one batch the way the web
does and times it from queueing to the finished ZIP (the worker's start-up is
not counted: it is ready before the batch is queued)."""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from benchmarks.commands import app_environment
from benchmarks.workers import Worker
from maturity import create_app
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, ReportJob, ReportJobStatus, User
from maturity.reports.tasks import queue_batch


@dataclass
class BatchRun:
    processes: int
    reports: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds


def latest_submitted(limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Assessment.id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id.desc())
            .limit(limit)
        )
    )


def run_batch(assessment_ids: list[int], processes: int, broker_url: str, language: str) -> float:
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    instance_path = current_app.instance_path
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        storage = Path(folder)
        settings = {
            "BROKER_URL": broker_url,
            "TASK_QUEUE": f"bench-{uuid.uuid4().hex[:12]}",
            "REPORT_CACHE_DIR": str(storage / "report-cache"),
            "REPORT_JOBS_DIR": str(storage / "report-jobs"),
        }
        environment = {
            **app_environment(),
            **{f"MATURITY_{name}": value for name, value in settings.items()},
            "MATURITY_REQUEST_LOG": "off",
        }
        worker = Worker(environment, storage / "worker.log", concurrency=processes).start()
        try:
            app = create_app(
                {"SQLALCHEMY_DATABASE_URI": database_url, **settings}, instance_path=instance_path
            )
            with app.test_request_context():
                user = db.session.scalars(select(User).order_by(User.id).limit(1)).one()
                started = time.perf_counter()
                job_id = queue_batch(user, assessment_ids, language).id
            while True:
                with app.app_context():
                    job = db.session.get(ReportJob, job_id)
                    assert job is not None
                    if job.status == ReportJobStatus.FAILED:
                        raise RuntimeError(f"the batch failed: {job.error}")
                    if job.status == ReportJobStatus.DONE:
                        return time.perf_counter() - started
                time.sleep(0.05)
        finally:
            worker.stop()


def run(reports: int, processes: list[int], broker_url: str, language: str) -> list[BatchRun]:
    ids = latest_submitted(reports)
    db.session.commit()
    return [
        BatchRun(count, len(ids), run_batch(ids, count, broker_url, language))
        for count in processes
    ]
