"""Report batches on real Celery workers and Redis: killed and stopped workers.

A batch survives its worker: a pool process killed mid-report has its task
redone (acknowledged late, rejected back to the queue when its process is lost),
a worker stopped mid-batch leaves the rest in the queue for the next one; either
way every report is in the ZIP once."""

from __future__ import annotations

import os
import signal
import time
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import select

from maturity import queue
from maturity.extensions import db
from maturity.models import ReportJob, ReportJobItem, User
from maturity.models._types import utcnow
from maturity.reports import jobs
from maturity.reports import tasks as report_tasks
from maturity.storage import report_archives
from tests.conftest import make_app
from tests.helpers import log_in
from tests.reports.conftest import quiet_since, submit_round
from tests.workers import Worker, app_settings, forget_queue, wait_until, worker_settings

pytestmark = pytest.mark.slow
ROUNDS = 6


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    settings = worker_settings(database_url, tmp_path)
    yield settings
    forget_queue(settings)


@pytest.fixture
def queueing_app(app: Flask, environment: dict[str, str], tmp_path: Path) -> Flask:
    """The web side: same database and folders as `app`, with the broker set."""
    return make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, **app_settings(environment))


@pytest.fixture
def worker(environment: dict[str, str], tmp_path: Path) -> Iterator[Worker]:
    started = Worker(environment, tmp_path / "worker.log").start()
    yield started
    started.stop(signal.SIGKILL)


def answers_shifted_by(shift: int) -> Callable[[int, object], int]:
    return lambda index, _question: 1 + (index + shift) % 4


@pytest.fixture
def many_rounds(app: Flask, reported: dict[str, int]) -> list[int]:
    """Six submitted rounds of one organisation: six reports to render."""
    more = [
        submit_round(app, reported["organisation"], reported["user"], answers_shifted_by(n))
        for n in range(ROUNDS - 2)
    ]
    return [reported["first"], reported["second"], *more]


def queue_reports(app: Flask, user_id: int, assessment_ids: list[int]) -> int:
    with app.test_request_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return report_tasks.queue_batch(user, assessment_ids, "zh").id


def finish_on(worker: Worker, app: Flask, job_id: int, timeout: float = 300) -> None:
    """Wait until the batch is done on this started worker, then kill the worker."""
    try:
        wait_until(app, job_id, finished, timeout=timeout)
    finally:
        worker.stop(signal.SIGKILL)


def progress(app: Flask, job_id: int) -> int:
    """Reports of the batch rendered so far."""
    return wait_until(app, job_id, lambda job: True).done


def finished(job: ReportJob) -> bool:
    return job.status == "done"


def assert_complete(app: Flask, job_id: int, assessment_ids: list[int]) -> None:
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None and (job.status, job.done) == ("done", len(assessment_ids))
        items = db.session.scalars(select(ReportJobItem).where(ReportJobItem.job_id == job_id))
        assert all(item.rendered_at is not None for item in items)
        assert job.archive is not None
        names = zipfile.ZipFile(report_archives().open(job.archive)).namelist()
    assert len(names) == len(set(names)) == len(assessment_ids)
    folder = Path(app.config["REPORT_JOBS_DIR"])
    assert [path.name for path in folder.iterdir()] == [job.archive]  # nothing partial


def test_a_batch_runs_on_the_worker(
    queueing_app: Flask, worker: Worker, reported: dict[str, int]
) -> None:
    ids = [reported["first"], reported["second"]]
    job_id = queue_reports(queueing_app, reported["user"], ids)
    wait_until(queueing_app, job_id, finished)
    assert_complete(queueing_app, job_id, ids)
    assert "maturity.reports.assemble_batch" in worker.log()


def test_a_worker_process_killed_mid_report_has_its_report_redone(
    queueing_app: Flask, worker: Worker, reported: dict[str, int], many_rounds: list[int]
) -> None:
    job_id = queue_reports(queueing_app, reported["user"], many_rounds)
    wait_until(queueing_app, job_id, lambda job: job.done >= 2)
    (busy,) = worker.pool_processes()
    signal_time = time.monotonic()
    os.kill(busy, signal.SIGKILL)
    wait_until(queueing_app, job_id, finished)
    assert_complete(queueing_app, job_id, many_rounds)
    log = worker.log()
    assert "WorkerLostError" in log and "signal 9" in log, log
    assert worker.pool_processes() != [busy]  # a new pool process took over
    print(f"completed {time.monotonic() - signal_time:.1f} s after the kill")


def test_a_worker_stopped_mid_batch_leaves_the_rest_to_the_next(
    queueing_app: Flask,
    environment: dict[str, str],
    tmp_path: Path,
    reported: dict[str, int],
    many_rounds: list[int],
) -> None:
    first = Worker(environment, tmp_path / "first.log").start()
    job_id = queue_reports(queueing_app, reported["user"], many_rounds)
    wait_until(queueing_app, job_id, lambda job: job.done >= 1)
    first.stop(signal.SIGTERM)  # warm: finishes its report, returns the rest
    stopped_at = progress(queueing_app, job_id)
    assert stopped_at < len(many_rounds)
    time.sleep(1)
    assert progress(queueing_app, job_id) == stopped_at  # nobody works on it now
    second = Worker(environment, tmp_path / "second.log").start()
    finish_on(second, queueing_app, job_id)
    assert_complete(queueing_app, job_id, many_rounds)


def test_a_worker_killed_outright_has_its_tasks_redone_by_the_next(
    queueing_app: Flask,
    environment: dict[str, str],
    tmp_path: Path,
    reported: dict[str, int],
    many_rounds: list[int],
) -> None:
    # The machine died: no goodbye to the broker. Its unacknowledged task goes back to
    # the queue once MATURITY_TASK_VISIBILITY_SECONDS have passed (here 5, normally 300).
    hasty = {**environment, "MATURITY_TASK_VISIBILITY_SECONDS": "5"}
    first = Worker(hasty, tmp_path / "first.log").start()
    job_id = queue_reports(queueing_app, reported["user"], many_rounds)
    wait_until(queueing_app, job_id, lambda job: job.done >= 1)
    # Mid-report, as the test's name says. (Killed in the instant between taking a task
    # from Redis and recording it as unacknowledged, Kombu's Redis transport loses that
    # one task: the next test shows how beat recovers it.)
    time.sleep(0.5)
    first.stop(signal.SIGKILL)
    killed_at = progress(queueing_app, job_id)
    assert killed_at < len(many_rounds)
    second = Worker(hasty, tmp_path / "second.log", beat=True).start()
    finish_on(second, queueing_app, job_id, timeout=120)
    assert_complete(queueing_app, job_id, many_rounds)


def lose_queued_tasks(environment: dict[str, str]) -> None:
    """What Kombu's Redis transport does to a task whose worker was killed in the
    instant between taking it and recording it as unacknowledged."""
    broker = redis.Redis.from_url(environment["MATURITY_BROKER_URL"])
    assert broker.delete(environment["MATURITY_TASK_QUEUE"]) == 1
    broker.close()


def test_a_batch_whose_task_was_lost_is_started_again_by_beat(
    queueing_app: Flask,
    environment: dict[str, str],
    tmp_path: Path,
    reported: dict[str, int],
    many_rounds: list[int],
) -> None:
    job_id = queue_reports(queueing_app, reported["user"], many_rounds)
    with queueing_app.app_context():
        assert queue.waiting() == 1
        assert report_tasks.requeue_stalled() == []  # not stalled yet
    lose_queued_tasks(environment)
    with queueing_app.app_context():
        assert queue.waiting() == 0
    # Beat sweeps every MATURITY_TASK_VISIBILITY_SECONDS (here 2, normally 300) for
    # batches quiet for twice as long.
    hasty = {**environment, "MATURITY_TASK_VISIBILITY_SECONDS": "2"}
    started = time.monotonic()
    worker = Worker(hasty, tmp_path / "beat.log", beat=True).start()
    finish_on(worker, queueing_app, job_id, timeout=120)
    assert_complete(queueing_app, job_id, many_rounds)
    assert f"report job {job_id} made no progress: queued again" in worker.log()
    print(f"lost batch completed {time.monotonic() - started:.1f} s after a worker started")


def test_a_batch_behind_others_in_the_queue_is_not_queued_again(
    queueing_app: Flask, environment: dict[str, str], reported: dict[str, int]
) -> None:
    waiting = queue_reports(queueing_app, reported["user"], [reported["first"]])
    lost = queue_reports(queueing_app, reported["user"], [reported["second"]])
    for job_id in (waiting, lost):
        quiet_since(queueing_app, job_id, 3600)
    with queueing_app.app_context():
        assert jobs.stalled(utcnow()) == [waiting, lost]
        db.session.commit()
        assert queue.waiting() == 2
        assert report_tasks.requeue_stalled() == []  # the workers are behind: nothing is lost
        assert queue.waiting() == 2


def test_the_first_sweep_of_a_beat_tick_is_not_held_back_by_the_others(
    queueing_app: Flask, environment: dict[str, str], reported: dict[str, int]
) -> None:
    lost = queue_reports(queueing_app, reported["user"], [reported["first"]])
    lose_queued_tasks(environment)
    quiet_since(queueing_app, lost, 3600)
    celery = queue.celery_of(queueing_app)
    every = timedelta(seconds=queueing_app.config["TASK_VISIBILITY_SECONDS"])
    tick = [
        entry["task"] for entry in celery.conf.beat_schedule.values() if entry["schedule"] == every
    ]
    for name in tick:  # what beat sends at one tick
        celery.send_task(name)
    # A worker takes the first (Kombu's Redis queue: pushed on the left, taken from
    # the right) and runs it while the rest of the tick waits in the queue.
    broker = redis.Redis.from_url(environment["MATURITY_BROKER_URL"])
    assert broker.rpop(environment["MATURITY_TASK_QUEUE"]) is not None
    broker.close()
    celery.tasks[tick[0]].apply().get()
    with queueing_app.app_context():
        assert jobs.stalled(utcnow()) == []  # queued again
        assert queue.waiting() == len(tick)  # the rest of the tick, and the batch's task


def test_an_uncached_report_is_rendered_by_a_worker_while_a_page_shows_progress(
    queueing_app: Flask, worker: Worker, reported: dict[str, int]
) -> None:
    client = queueing_app.test_client()
    log_in(client)
    url = f"/assessments/{reported['second']}/report.pdf?lang=en"
    queued = client.get(url)
    assert queued.status_code == 302 and "/reports/jobs/" in queued.headers["Location"]
    job_url = queued.headers["Location"]
    deadline = time.monotonic() + 120
    while "下载 PDF 报告" not in (page := client.get(job_url).get_data(as_text=True)):
        assert "正在生成报告" in page and 'http-equiv="refresh"' in page
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert "<h1>PDF 报告</h1>" in page
    # Once ready, the page the download redirected to fetches the file by itself.
    download = job_url.split("?")[0] + "/download"
    assert job_url.endswith("?then=download")
    assert f'http-equiv="refresh" content="0; url={download}"' in page
    pdf = client.get(download)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "-en.pdf" in pdf.headers["Content-Disposition"]
    again = client.get(url)  # now in the cache: served at once
    assert again.status_code == 200 and again.data == pdf.data
