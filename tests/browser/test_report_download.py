"""The page of a PDF report being built downloads the file by itself once it is ready,
once: reloaded, or gone back to from another page, it offers the button instead."""

from __future__ import annotations

from typing import Any

import pytest

from maturity.extensions import db
from maturity.models import Organisation, ReportJob, ReportJobStatus, User
from maturity.services import assessments as service
from tests.browser.conftest import LiveServer, log_in
from tests.helpers import attested, fill_round, make_organisation, make_user

pytestmark = pytest.mark.slow

# Long enough for a refresh to the download to have started had it been sent.
SETTLE_MS = 2500


def a_finished_report_job(live: LiveServer) -> tuple[int, int]:
    """A submitted round and its single-report job, finished (as a worker leaves it)."""
    app = live.app
    owner = make_user(app, "manager@example.com", "王经理", "en")
    organisation = make_organisation(app, owner, name="下载测试有限公司")
    with app.app_context():
        user = db.session.get(User, owner)
        assessment = service.start_or_resume(db.session.get(Organisation, organisation), user)
        fill_round(assessment.id, owner, 3)
        service.submit(assessment, user, attested())
        job = ReportJob(
            user_id=owner,
            language="en",
            assessment_ids=str(assessment.id),
            total=1,
            done=1,
            status=ReportJobStatus.DONE,
        )
        db.session.add(job)
        db.session.commit()
        return assessment.id, job.id


def test_the_report_downloads_by_itself_once_not_on_reload_nor_on_back(
    browser: Any, live: LiveServer
) -> None:
    assessment_id, job_id = a_finished_report_job(live)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    downloads: list[Any] = []

    def noted(download: Any) -> None:
        downloads.append(download)

    page.on("download", noted)
    page.goto(live.url + "/lang/en")
    log_in(page, live.url, "manager@example.com")

    # As the download of an uncached report lands: on the job's page, asked to download.
    job_page = f"{live.url}/reports/jobs/{job_id}?then=download"
    with page.expect_download(timeout=60_000) as first:
        page.goto(job_page)
    assert first.value.suggested_filename.endswith("-en.pdf")
    assert first.value.path().read_bytes().startswith(b"%PDF")
    assert len(downloads) == 1

    with page.expect_navigation():
        page.get_by_role("link", name="Back to the results of round 1").click()
    assert page.url.endswith(f"/assessments/{assessment_id}/results")
    page.go_back()
    page.wait_for_timeout(SETTLE_MS)
    assert page.url == job_page
    assert len(downloads) == 1, "going back downloaded the report again"
    assert page.get_by_role("link", name="Download the PDF report").is_visible()

    page.reload()
    page.wait_for_timeout(SETTLE_MS)
    assert len(downloads) == 1, "the reload downloaded the report again"
    button = page.get_by_role("link", name="Download the PDF report")
    assert button.is_visible()
    assert page.get_by_text("its download starts by itself").count() == 0

    # The button still hands the file out whenever asked.
    with page.expect_download(timeout=60_000) as again:
        button.click()
    assert again.value.path().read_bytes().startswith(b"%PDF")
    context.close()
