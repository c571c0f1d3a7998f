"""Real Celery workers for tests: separate processes on a real Redis broker.

A worker gets the test's database and instance folder through the same
environment variables as in production, and a queue of its own, so that nothing
another test queued reaches it."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import redis
from flask import Flask

from benchmarks.workers import Worker
from maturity.extensions import db
from maturity.models import ReportJob

__all__ = [
    "BROKER_URL",
    "Worker",
    "app_settings",
    "forget_queue",
    "wait_until",
    "worker_settings",
]

BROKER_URL = os.environ.get("MATURITY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")


def worker_settings(database_url: str, instance_path: Path) -> dict[str, str]:
    """The environment a worker of this test runs with, and its app's settings."""
    return {
        "MATURITY_DATABASE_URL": database_url,
        "MATURITY_INSTANCE_PATH": str(instance_path),
        "MATURITY_SECRET_KEY": "test-secret",
        "MATURITY_BROKER_URL": BROKER_URL,
        "MATURITY_TASK_QUEUE": f"test-{uuid.uuid4().hex[:12]}",
        "MATURITY_REQUEST_LOG": "off",
        # The address the links a worker builds name: the test apps' (tests/conftest.py).
        "MATURITY_BASE_URL": "http://localhost",
    }


def app_settings(environment: dict[str, str]) -> dict[str, str]:
    """The same settings for the test's own app (the one that queues)."""
    return {
        "BROKER_URL": environment["MATURITY_BROKER_URL"],
        "TASK_QUEUE": environment["MATURITY_TASK_QUEUE"],
    }


def forget_queue(environment: dict[str, str]) -> None:
    """Remove what a test left on the broker (its queue, unacknowledged tasks)."""
    broker = redis.Redis.from_url(environment["MATURITY_BROKER_URL"])
    broker.flushdb()
    broker.close()


def wait_until(
    app: Flask, job_id: int, reached: Callable[[ReportJob], bool], timeout: float = 300
) -> ReportJob:
    """Poll the batch in the database until ``reached``; fail if it failed or timed out."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context():
            job = db.session.get(ReportJob, job_id)
            assert job is not None and job.status != "failed", job and job.error
            if reached(job):
                return job
        assert time.monotonic() < deadline, f"batch {job_id}: {job.status} {job.done}/{job.total}"
        time.sleep(0.2)
