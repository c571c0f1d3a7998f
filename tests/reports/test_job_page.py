"""The page of a single report being built fetches the PDF by itself once it is
ready, and only until the file has been downloaded: reloaded or gone back to later,
it offers the button (tests/browser/test_report_download.py does it in a browser)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from maturity.extensions import db
from maturity.models import ReportJob, ReportJobStatus
from tests.helpers import log_in

pytestmark = pytest.mark.slow


def single_job(app: Flask, user_id: int, assessment_id: int, status: ReportJobStatus) -> int:
    with app.app_context():
        job = ReportJob(
            user_id=user_id, language="zh", assessment_ids=str(assessment_id), total=1,
            done=1 if status is ReportJobStatus.DONE else 0, status=status,
        )  # fmt: skip
        db.session.add(job)
        db.session.commit()
        return job.id


def test_the_download_follows_by_itself_until_the_file_was_had(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    log_in(client)
    job_id = single_job(app, reported["user"], reported["second"], ReportJobStatus.DONE)
    download = f"/reports/jobs/{job_id}/download"
    page = client.get(f"/reports/jobs/{job_id}?then=download")
    assert f'http-equiv="refresh" content="0; url={download}"' in page.get_data(as_text=True)
    # Never from a stored copy: Back asks the server again.
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(download).data.startswith(b"%PDF")
    for _again in range(2):  # reloaded, or gone back to
        again = client.get(f"/reports/jobs/{job_id}?then=download").get_data(as_text=True)
        assert "http-equiv" not in again and "将自动开始下载" not in again
        assert f'href="{download}"' in again


def test_a_report_still_being_built_keeps_its_promise_to_download(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    log_in(client)
    job_id = single_job(app, reported["user"], reported["second"], ReportJobStatus.RUNNING)
    page = client.get(f"/reports/jobs/{job_id}?then=download").get_data(as_text=True)
    # Refreshed (the same address, ?then=download kept) until the file is ready.
    assert '<meta http-equiv="refresh" content="2">' in page
    # One report: no "0 of 1 reports ready", the sentence says where it stands.
    assert "正在生成报告" in page and "份报告" not in page
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None
        job.status, job.done = ReportJobStatus.DONE, 1
        db.session.commit()
    ready = client.get(f"/reports/jobs/{job_id}?then=download").get_data(as_text=True)
    assert f'content="0; url=/reports/jobs/{job_id}/download"' in ready
    # Another of the owner's reports downloaded meanwhile changes nothing for this one.
    other = single_job(app, reported["user"], reported["first"], ReportJobStatus.DONE)
    assert client.get(f"/reports/jobs/{other}/download").status_code == 200
    ready = client.get(f"/reports/jobs/{job_id}?then=download").get_data(as_text=True)
    assert f'content="0; url=/reports/jobs/{job_id}/download"' in ready
