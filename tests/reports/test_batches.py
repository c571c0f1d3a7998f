"""Report batches: progress, the ZIP, idempotent steps, failures, upkeep.

Here without a broker, so each task runs at once in the process that queues it
(Celery's eager mode); tests/reports/test_workers.py runs the same tasks on real
worker processes and kills them."""

from __future__ import annotations

import io
import logging
import os
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from maturity import queue
from maturity.extensions import db
from maturity.models import ReportJob, ReportJobItem, ReportJobStatus
from maturity.reports import jobs
from maturity.reports import tasks as report_tasks
from maturity.reports.render import cached_pdf
from maturity.services.reports import load_report_data
from maturity.storage import report_archives
from tests.helpers import add_membership, log_in, make_user
from tests.reports.conftest import quiet_since

pytestmark = pytest.mark.slow


def run_task(app: Flask, task: queue.TaskDefinition, *args: object) -> None:
    """Run one task as a worker would (again, when Celery redoes it)."""
    queue.celery_of(app).tasks[task.name].apply(args=args).get()


def in_cache(app: Flask, name: str) -> Path:
    """The file behind a name in the report cache (a folder in the tests)."""
    return Path(app.config["REPORT_CACHE_DIR"]) / name


def unstarted_batch(app: Flask, user_id: int, assessment_ids: list[int]) -> int:
    """A batch recorded but not yet worked on (its tasks still in the queue)."""
    with app.app_context():
        job = ReportJob(
            user_id=user_id,
            language="zh",
            assessment_ids=",".join(map(str, assessment_ids)),
            total=len(assessment_ids),
        )
        db.session.add(job)
        db.session.flush()
        for position, assessment_id in enumerate(assessment_ids):
            db.session.add(
                ReportJobItem(job_id=job.id, position=position, assessment_id=assessment_id)
            )
        db.session.commit()
        return job.id


def batch_state(app: Flask, job_id: int) -> tuple[str, int, list[bool], list[str]]:
    """Status, progress, which items are rendered, and what is in the jobs folder."""
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None
        rendered = [
            item.rendered_at is not None
            for item in db.session.scalars(
                select(ReportJobItem)
                .where(ReportJobItem.job_id == job_id)
                .order_by(ReportJobItem.position)
            )
        ]
        files = sorted(path.name for path in Path(app.config["REPORT_JOBS_DIR"]).glob("*"))
        assert job.archive is None or job.archive in files
        return job.status, job.done, rendered, files


def test_download_and_background_batch(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    log_in(client)
    response = client.get(f"/assessments/{reported['second']}/report.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get(f"/assessments/{reported['second']}/report.pdf?lang=fr").status_code == 404

    queued = client.post(
        "/reports/batch",
        data={"assessment_id": [str(reported["first"]), str(reported["second"])], "lang": "zh"},
    )
    assert queued.status_code == 302
    job_url = queued.headers["Location"]
    deadline = time.monotonic() + 120
    while True:
        page = client.get(job_url).get_data(as_text=True)
        if "下载 ZIP 文件" in page or time.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in page and "份报告" in page
        time.sleep(0.2)
    assert "已生成 2 / 2 份报告" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(job_url + "/download").data))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(name.endswith("-zh.pdf") and "<" not in name for name in names)
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert all(info.date_time[0] >= 2026 for info in archive.infolist())  # not 1980
    assert {info.external_attr >> 16 for info in archive.infolist()} == {0o644}
    with app.app_context():
        assert db.session.scalars(select(ReportJob)).one().done == 2


def test_a_batch_redone_from_the_start_renders_only_what_is_missing(
    app: Flask, reported: dict[str, int]
) -> None:
    job_id = unstarted_batch(app, reported["user"], [reported["first"], reported["second"]])
    run_task(app, report_tasks.render_batch_report, job_id, 0)  # then the worker died
    assert batch_state(app, job_id) == ("running", 1, [True, False], [])
    with app.app_context():
        first_name, cached = cached_pdf(
            load_report_data(reported["first"], "zh"), reported["first"]
        )
    assert cached
    first = in_cache(app, first_name)
    first_inode = first.stat().st_ino

    run_task(app, report_tasks.start_batch, job_id)  # Celery hands the batch's task to another
    assert batch_state(app, job_id)[:3] == ("done", 2, [True, True])
    assert first.stat().st_ino == first_inode  # the first report was not rendered again
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None and job.archive is not None
        archive = zipfile.ZipFile(report_archives().open(job.archive))
    assert len(archive.namelist()) == len(set(archive.namelist())) == 2


def test_redoing_any_step_of_a_finished_batch_changes_nothing(
    app: Flask, reported: dict[str, int]
) -> None:
    job_id = unstarted_batch(app, reported["user"], [reported["second"], reported["first"]])
    run_task(app, report_tasks.start_batch, job_id)
    finished = batch_state(app, job_id)
    assert finished[:3] == ("done", 2, [True, True])
    (name,) = finished[3]
    archive = Path(app.config["REPORT_JOBS_DIR"]) / name
    built = archive.stat().st_mtime_ns, archive.stat().st_ino
    for task, args in (
        (report_tasks.render_batch_report, (job_id, 1)),
        (report_tasks.assemble_batch, (job_id,)),
        (report_tasks.start_batch, (job_id,)),
    ):
        run_task(app, task, *args)
    assert batch_state(app, job_id) == finished
    assert archive.stat().st_ino == built[1]  # not written again


def test_a_batch_whose_report_cannot_be_built_says_so(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    job_id = unstarted_batch(app, reported["user"], [reported["first"], 999_999])
    run_task(app, report_tasks.start_batch, job_id)
    assert batch_state(app, job_id) == ("failed", 1, [True, False], [])
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None and job.finished_at is not None
        assert job.error is not None and "NotSubmitted" in job.error
    log_in(client)
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "批量生成未能完成" in page and 'http-equiv="refresh"' not in page
    run_task(app, report_tasks.render_batch_report, job_id, 1)  # a late redo leaves it failed
    assert batch_state(app, job_id)[0] == "failed"


def test_prune_removes_unused_cached_pdfs_and_old_batch_zips(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    log_in(client)
    queued = client.post(
        "/reports/batch", data={"assessment_id": [str(reported["second"])], "lang": "zh"}
    )
    single_url = queued.headers["Location"]
    assert "下载 PDF 报告" in client.get(single_url).get_data(as_text=True)
    single = client.get(single_url + "/download")  # a batch of one report is that PDF
    assert single.mimetype == "application/pdf" and single.data.startswith(b"%PDF")
    assert list(Path(app.config["REPORT_JOBS_DIR"]).glob("*")) == []  # and no ZIP of it
    queued = client.post(
        "/reports/batch",
        data={"assessment_id": [str(reported["first"]), str(reported["second"])], "lang": "zh"},
    )
    job_url = queued.headers["Location"]
    assert "下载 ZIP 文件" in client.get(job_url).get_data(as_text=True)
    with app.app_context():
        cached = sorted(Path(app.config["REPORT_CACHE_DIR"]).glob("*.pdf"))
        (archive,) = Path(app.config["REPORT_JOBS_DIR"]).glob("*.zip")
        stale = Path(app.config["REPORT_CACHE_DIR"]) / "interrupted.part"
        stale.write_bytes(b"%PDF half")
        # An upload whose import was deleted with its centre before it ran.
        uploads = Path(app.config["IMPORT_UPLOADS_DIR"])
        uploads.mkdir(parents=True, exist_ok=True)
        abandoned = uploads / "import-99-0123abcd.csv"
        abandoned.write_bytes(b"name,credit_code\n")
    assert len(cached) == 2
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["report", "prune"])
    assert kept.exit_code == 0 and (
        "removed 0 cached PDFs, 0 batch ZIP files, 0 abandoned import files and 1 partial"
        in kept.output
    )
    assert all(path.exists() for path in cached) and archive.exists() and not stale.exists()
    assert abandoned.exists()  # a day may pass before a worker takes an import

    # A month later: the PDFs were not asked for, the batches were finished long ago.
    for path in [*cached, archive, abandoned]:
        os.utime(path, (month_ago, month_ago))
    with app.app_context():
        db.session.execute(
            update(ReportJob).values(finished_at=datetime.now(UTC) - timedelta(days=31))
        )
        db.session.commit()
    removed = runner.invoke(args=["report", "prune"])
    assert "removed 2 cached PDFs, 1 batch ZIP files, 1 abandoned import files" in (
        removed.output
    ), removed.output
    assert not any(path.exists() for path in cached) and not archive.exists()
    assert not abandoned.exists()
    page = client.get(job_url).get_data(as_text=True)
    assert "已被删除以释放空间（批量文件保留 30 天）" in page and "下载 ZIP 文件" not in page
    assert client.get(job_url + "/download").status_code == 404
    # A report itself is rendered again on demand, alone or as a batch of one.
    again = client.get(f"/assessments/{reported['second']}/report.pdf?lang=zh")
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    assert client.get(single_url + "/download").data.startswith(b"%PDF")


def test_batches_of_the_same_reports_share_their_zip_until_the_last_expires(
    app: Flask, reported: dict[str, int]
) -> None:
    ids = [reported["first"], reported["second"]]
    older, newer = (unstarted_batch(app, reported["user"], ids) for _ in range(2))
    run_task(app, report_tasks.start_batch, older)
    run_task(app, report_tasks.start_batch, newer)
    (name,) = batch_state(app, older)[3]
    assert batch_state(app, newer)[3] == [name]  # one ZIP for both
    archive = Path(app.config["REPORT_JOBS_DIR"]) / name
    month_ago = time.time() - 31 * 86400
    os.utime(archive, (month_ago, month_ago))

    def finished_long_ago(job_id: int) -> None:
        with app.app_context():
            db.session.execute(
                update(ReportJob)
                .where(ReportJob.id == job_id)
                .values(finished_at=datetime.now(UTC) - timedelta(days=31))
            )
            db.session.commit()

    finished_long_ago(older)
    runner = app.test_cli_runner()
    assert "0 batch ZIP files" in runner.invoke(args=["report", "prune"]).output
    assert archive.exists()  # the newer batch still offers it
    finished_long_ago(newer)
    assert "1 batch ZIP files" in runner.invoke(args=["report", "prune"]).output
    assert not archive.exists()


def test_a_cache_hit_counts_as_use_for_pruning(app: Flask, reported: dict[str, int]) -> None:
    with app.app_context():
        data = load_report_data(reported["first"], "en")
        name, _cached = cached_pdf(data, reported["first"])
        path = in_cache(app, name)
        month_ago = time.time() - 31 * 86400
        os.utime(path, (month_ago, month_ago))
        assert cached_pdf(data, reported["first"]) == (name, True)
    assert app.test_cli_runner().invoke(args=["report", "prune", "--days", "30"]).exit_code == 0
    assert path.exists()


def test_the_consultant_workspace_lists_recent_batches(
    app: Flask, reported: dict[str, int]
) -> None:
    consultant_id = make_user(app, "consultant@example.com", "顾问")
    add_membership(app, consultant_id, reported["organisation"], "consultant")
    owners_job = unstarted_batch(app, reported["user"], [reported["first"]])  # not listed
    consultant = app.test_client()
    log_in(consultant, "consultant@example.com")
    queued = consultant.post(
        "/reports/batch", data={"assessment_id": [str(reported["second"])], "lang": "en"}
    )
    finished_id = int(queued.headers["Location"].rsplit("/", 1)[1])
    waiting_id = unstarted_batch(app, consultant_id, [reported["first"]])

    page = consultant.get("/consultant").get_data(as_text=True)
    assert "最近的批量报告" in page
    assert f"/reports/jobs/{finished_id}/download" in page
    assert f"/reports/jobs/{waiting_id}" in page and "正在生成…" in page
    assert f"/reports/jobs/{owners_job}" not in page
    with app.app_context():
        waiting = db.session.get(ReportJob, waiting_id)
        assert waiting is not None and waiting.status == ReportJobStatus.QUEUED


def test_the_workers_prune_daily_what_the_command_would(
    app: Flask, reported: dict[str, int]
) -> None:
    from maturity.reports.tasks import prune_report_files

    celery = queue.celery_of(app)
    (daily,) = (e for e in celery.conf.beat_schedule.values() if e["schedule"] == timedelta(days=1))
    assert daily["task"] == prune_report_files.name in celery.tasks
    with app.app_context():
        unused_name, _ = cached_pdf(load_report_data(reported["first"], "en"), reported["first"])
        used_name, _ = cached_pdf(load_report_data(reported["second"], "en"), reported["second"])
    unused, used = in_cache(app, unused_name), in_cache(app, used_name)
    month_ago = time.time() - 31 * 86400
    os.utime(unused, (month_ago, month_ago))
    run_task(app, prune_report_files)
    assert not unused.exists() and used.exists()


def test_a_batch_quiet_for_twice_the_visibility_timeout_is_started_again(
    app: Flask, reported: dict[str, int]
) -> None:
    celery = queue.celery_of(app)
    visibility = app.config["TASK_VISIBILITY_SECONDS"]
    every = {entry["task"]: entry["schedule"] for entry in celery.conf.beat_schedule.values()}
    assert every[queue.SWEEP_TASK] == timedelta(seconds=visibility)
    lost = unstarted_batch(app, reported["user"], [reported["first"], reported["second"]])
    run_task(app, report_tasks.render_batch_report, lost, 0)  # then its next task was lost
    quiet_since(app, lost, 2 * visibility + 1)
    waiting = unstarted_batch(app, reported["user"], [reported["second"]])
    quiet_since(app, waiting, 2 * visibility - 5)  # quiet, but not for that long
    finished = unstarted_batch(app, reported["user"], [reported["first"]])
    run_task(app, report_tasks.start_batch, finished)
    quiet_since(app, finished, 10 * visibility)
    with app.app_context():
        assert jobs.stalled(datetime.now(UTC)) == [lost]

    run_task(app, queue.requeue_stalled)
    assert batch_state(app, lost)[:3] == ("done", 2, [True, True])
    assert batch_state(app, waiting)[:3] == ("queued", 0, [False])
    assert batch_state(app, finished)[:2] == ("done", 1)
    with app.app_context():
        assert jobs.stalled(datetime.now(UTC)) == []


def test_with_the_broker_away_nothing_waits_in_vain(
    database_url: str, tmp_path: Path, reported: dict[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import make_app
    from tests.load.servers import free_port

    app = make_app(database_url, tmp_path, BROKER_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    log_in(client)
    queued = client.post(
        "/reports/batch",
        data={"assessment_id": [str(reported["first"]), str(reported["second"])], "lang": "zh"},
    )
    page = client.get(queued.headers["Location"]).get_data(as_text=True)
    assert "批量生成未能完成" in page and 'http-equiv="refresh"' not in page
    single = client.get(f"/assessments/{reported['second']}/report.pdf?lang=zh")
    assert single.status_code == 200 and single.data.startswith(b"%PDF")  # rendered here
    caplog.set_level(logging.ERROR, logger="maturity.mail")
    asked = client.post("/auth/forgot", data={"email": "nobody@example.com"})
    assert asked.status_code == 200
    assert "mail reset_no_account to nobody@example.com could not be queued" in caplog.text


def test_a_single_report_s_page_says_what_it_is_downloads_when_ready_and_leads_back(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    from tests.helpers import store_archive

    log_in(client)
    with app.app_context():
        job = ReportJob(
            user_id=reported["user"], language="zh", assessment_ids=str(reported["second"]),
            total=1, done=1, status=ReportJobStatus.DONE,
        )  # fmt: skip
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        store_archive(job, {"report.pdf": b"%PDF"})
    download = f"/reports/jobs/{job_id}/download"
    # Reached from "download the PDF" (the server's redirect says so): the file follows.
    page = client.get(f"/reports/jobs/{job_id}?then=download").get_data(as_text=True)
    assert f'http-equiv="refresh" content="0; url={download}"' in page
    assert "报告已生成，将自动开始下载。" in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; 测试&amp;公司 · 第 2 轮 · 中文" in page
    assert f'href="/assessments/{reported["second"]}/results">返回第 2 轮的结果' in page
    # Opened again later (from the history of downloads): no download by itself.
    later = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "http-equiv" not in later and f'href="{download}"' in later
