"""The PDF report as a reader sees it: text, fonts, resources, cache, downloads, batches."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from maturity.core.answers import AnswerInput, parse_value
from maturity.core.applicability import applicability
from maturity.core.items import OUTCOME, PROFILE
from maturity.extensions import db
from maturity.models import (
    Assessment,
    Finding,
    Organisation,
    ReportJob,
    ReportJobStatus,
    User,
)
from maturity.reports import jobs
from maturity.reports.pdf import StaticFilesOnly, html_to_pdf
from maturity.reports.render import cached_pdf, render_pdf
from maturity.services import assessments as service
from maturity.services import items
from maturity.services.reports import load_report_data
from tests.helpers import (
    FULL_PROFILE,
    add_membership,
    current_questionnaire,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
)

pytestmark = pytest.mark.slow
QUESTIONNAIRE = current_questionnaire()
# The second round: a process manufacturer, so one question is marked not applicable
# and others read in their process wording.
PROCESS_PROFILE = {**FULL_PROFILE, "production": "process"}
HOSTILE_NAME = '<script>alert("x")</script> 测试&公司'


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_text_of_page(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squeeze(text: str) -> str:
    """pdftotext breaks lines where the page does: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def page_fill(pdf_path: Path) -> list[float]:
    """How far down each page the content reaches, 0 to 1 of the space between the
    running header and the page number (pages drawn by pdftoppm, as a reader sees them)."""
    from PIL import Image

    prefix = pdf_path.with_name("fill")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-png", str(pdf_path), str(prefix)], check=True
    )
    fills = []
    for page in sorted(pdf_path.parent.glob("fill-*.png")):
        image = Image.open(page).convert("L")
        width, height = image.size
        mm = height / 297
        top, bottom = int(22 * mm), int(height - 18 * mm)
        pixels = image.load()
        assert pixels is not None
        last = next(
            (
                y
                for y in range(bottom - 1, top, -1)
                if any(pixels[x, y] < 200 for x in range(int(15 * mm), int(width - 15 * mm)))  # type: ignore[operator]
            ),
            top,
        )
        fills.append((last - top) / (bottom - top))
    return fills


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in lines]


def submit_round(
    app: Flask,
    organisation_id: int,
    user_id: int,
    value_of: Any,
    note: str | None = None,
    profile: dict[str, str] = FULL_PROFILE,
    outcomes: dict[str, str] | None = None,
) -> int:
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        user = db.session.get(User, user_id)
        assessment = service.start_or_resume(organisation, user)
        assert not items.save_items(assessment, QUESTIONNAIRE, PROFILE, profile, user).refused
        if outcomes:
            assert not items.save_items(assessment, QUESTIONNAIRE, OUTCOME, outcomes, user).refused
        marked = applicability(QUESTIONNAIRE, profile).not_applicable
        for index, question in enumerate(QUESTIONNAIRE.questions):
            if question.id in marked:
                continue
            raw = value_of(index, question)
            given = AnswerInput(question.id, parse_value(raw), note if index == 0 else None)
            service.save_answer(assessment, given, user)
        service.submit(assessment, user)
        return assessment.id


@pytest.fixture
def reported(app: Flask) -> dict[str, int]:
    publish_questionnaires(app)
    user_id = make_user(app, name="<b>王经理</b>")
    organisation_id = make_organisation(app, user_id, name=HOSTILE_NAME)
    first = submit_round(
        app,
        organisation_id,
        user_id,
        lambda i, q: 1 if not q.allow_na or i % 2 else "na",
        outcomes={"on_time_delivery": "82.5", "inventory_days": "45"},
    )
    second = submit_round(
        app,
        organisation_id,
        user_id,
        lambda i, q: 2 + (i % 2),
        note="备注 <i>不是标签</i>\n第二行",
        profile=PROCESS_PROFILE,
        outcomes={"on_time_delivery": "91", "inventory_days": "30"},
    )
    with app.app_context():
        db.session.add(
            Finding(
                assessment_id=second,
                dimension_id="__overall__",
                text="顾问意见：优先推进数据治理。",
                author_id=user_id,
            )
        )
        db.session.commit()
    return {"user": user_id, "organisation": organisation_id, "first": first, "second": second}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_report_text_fonts_and_escaping(
    app: Flask, reported: dict[str, int], tmp_path: Path, language: str, caplog: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    with app.app_context():
        data = load_report_data(reported["second"], language)
        pdf = render_pdf(data)
    text = pdf_text(pdf, tmp_path)
    flat = squeeze(text)
    assert squeeze(HOSTILE_NAME) in flat  # user text is printed as text, never interpreted
    assert squeeze("<b>王经理</b>") in flat and squeeze("备注 <i>不是标签</i>") in flat
    for dimension in QUESTIONNAIRE.dimensions:
        assert squeeze(dimension.label.get(language)) in flat
    for level in QUESTIONNAIRE.levels:
        assert squeeze(level.label.get(language)) in flat
    for step in data.evaluation.roadmap.steps:
        wording = QUESTIONNAIRE.question(step.question_id).wording("process")
        assert squeeze(wording.title.get(language)) in flat
    # The profile, its reason for the question it rules out, and the outcome trend.
    reason = applicability(QUESTIONNAIRE, PROCESS_PROFILE).reason("pd_mass_customisation")
    assert reason is not None and squeeze(reason.get(language)) in flat
    # Only the figures given appear: on-time delivery up 8.5 points, inventory down 15 days.
    on_time, inventory = (
        squeeze(
            f"{item.label.get(language)}（{item.unit.get(language)}）"
            if language == "zh"
            else f"{item.label.get(language)}({item.unit.get(language)})"
        )
        for item in map(QUESTIONNAIRE.outcome, ("on_time_delivery", "inventory_days"))
    )
    assert f"{on_time}82.591.0+8.5{inventory}4530-15" in flat
    yield_item = QUESTIONNAIRE.outcome("first_pass_yield")
    unit = {"zh": "（%）", "en": "(%)"}[language]
    assert squeeze(yield_item.label.get(language)) + unit not in flat  # no row for it
    expected = {
        "zh": [
            "目录",
            "摘要",
            "改进路线图",
            "与第 1 轮相比的进展",
            "附录：全部答案",
            "顾问意见：优先推进数据治理。",
            "企业概况",
            "经营成效",
            "第 2 阶段：第 6–18 个月",
        ],
        "en": [
            "Contents",
            "Executive summary",
            "Improvement roadmap",
            "Progress since round 1",
            "Appendix: every answer",
            "Phase 2: months 6–18",
            "About the firm",
            "Business results",
        ],
    }[language]
    for phrase in expected:
        assert squeeze(phrase) in flat, phrase
    assert f"{data.evaluation.scores.overall_index:.1f}" in flat
    pages = int(
        subprocess.run(
            ["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
        )
        .stdout.split("Pages:")[1]
        .split()[0]
    )
    assert pages >= 10
    assert f"{pages}/{pages}" in flat  # page numbers "n / total"
    # Sections flow: apart from the cover and the last page, every page is at least a
    # third full; the contents share the summary's page.
    fills = page_fill(tmp_path / "report.pdf")
    print(f"{language}: {pages} pages, filled " + " ".join(f"{f:.2f}" for f in fills))
    assert all(fill >= 1 / 3 for fill in fills[1:-1]), fills
    # The contents close the summary, on its page or the next, which goes on with the
    # report: never a page of its own.
    summary_page, next_page = (
        squeeze(pdf_text_of_page(tmp_path / "report.pdf", n)) for n in (2, 3)
    )
    assert squeeze(expected[1]) in summary_page
    about_the_firm = squeeze({"zh": "企业概况", "en": "About the firm"}[language])
    assert squeeze(expected[0]) in summary_page or (
        squeeze(expected[0]) in next_page and about_the_firm in next_page
    )
    # The article and the questionnaire version are named once, in the method section.
    for question in QUESTIONNAIRE.questions:
        for cited in (
            f"(article section {question.article_ref})",
            f"（文章第 {question.article_ref} 节）",
        ):
            assert squeeze(cited) not in flat
    assert text.count(QUESTIONNAIRE.version) == 1
    if language == "zh":  # Chinese punctuation in Chinese text
        assert not re.search(r"[\u4e00-\u9fff][:,;]", text), re.findall(
            r".{8}[\u4e00-\u9fff][:,;].{8}", text
        )
    fonts = pdf_fonts(pdf, tmp_path)
    families = {row[0].split("+", 1)[1].split("-Bold")[0].split("-Regular")[0] for row in fonts}
    if language == "zh":
        assert fonts and all(name.startswith("Noto-Sans-CJK-SC") for name in families), families
    else:  # a Latin font, and the CJK one only for the Chinese characters in names and notes
        assert "Liberation-Sans" in families, families
        assert families <= {"Liberation-Sans", "Noto-Sans-CJK-SC"}, families
    assert all(len(row[0].split("+")[0]) == 6 for row in fonts)  # subset prefix
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in fonts)  # embedded, subset, unicode
    messages = [record.getMessage() for record in caplog.records]
    assert not any("fontTools" in message for message in messages), messages
    assert not any("Failed to load" in message or "refused" in message for message in messages), (
        messages
    )


def test_url_fetcher_serves_only_report_static_files(tmp_path: Path, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    fetcher = StaticFilesOnly()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    html = (
        '<html><body><img src="logo.svg"><img src="http://example.com/track.png">'
        f'<img src="{secret.as_uri()}"><img src="../../../../../../../../../../etc/passwd">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></body></html>'
    )
    from weasyprint import HTML

    from maturity.reports.pdf import base_url

    HTML(string=html, base_url=base_url(), url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted([
        "http://example.com/track.png", secret.as_uri(),
        "file:///etc/passwd", "https://cdn.example.com/x.css",
    ])  # fmt: skip
    assert html_to_pdf("<p>ok</p>").startswith(b"%PDF")


def test_report_data_needs_at_most_20_queries(
    app: Flask, reported: dict[str, int], count_queries: Any
) -> None:
    with app.app_context():
        start = count_queries.count
        load_report_data(reported["second"], "zh")
        used = count_queries.count - start
    print(f"queries to build one report: {used}")
    assert used <= 20


def test_pdf_is_cached_until_something_in_it_changes(app: Flask, reported: dict[str, int]) -> None:
    with app.app_context():
        started = time.perf_counter()
        path, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        fresh = time.perf_counter() - started
        assert not cached and path.read_bytes().startswith(b"%PDF")
        started = time.perf_counter()
        again, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        served = time.perf_counter() - started
        assert cached and again == path
        print(f"fresh {fresh:.3f}s, cached {served:.4f}s")
        english, cached = cached_pdf(load_report_data(reported["second"], "en"), reported["second"])
        assert not cached and english != path
        finding = db.session.scalars(select(Finding)).one()
        finding.text = "改过的意见"
        db.session.commit()
        changed, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        assert not cached and changed != path


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
    with app.app_context():
        assert db.session.scalars(select(ReportJob)).one().done == 2


def abandoned_job(
    app: Flask, reported: dict[str, int], *, minutes_ago: float, attempts: int = 1
) -> int:
    """A batch left half done by a worker process that is gone."""
    with app.app_context():
        job = ReportJob(
            user_id=reported["user"],
            language="en",
            assessment_ids=f"{reported['first']},{reported['second']}",
            total=2,
            done=1,
            status=ReportJobStatus.RUNNING,
            worker="old-host:4242:deadbeef",
            heartbeat_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
            attempts=attempts,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_batch_abandoned_by_its_worker_is_resumed_by_the_next_look(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    job_id = abandoned_job(app, reported, minutes_ago=10)
    log_in(client)
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page  # still in progress, now here
    jobs.drain()
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "已生成 2 / 2 份报告" in page and "下载 ZIP 文件" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/reports/jobs/{job_id}/download").data))
    assert len(archive.namelist()) == 2
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None
        assert (job.status, job.attempts, job.worker) == ("done", 2, jobs.worker_id())
        leftovers = [p.name for p in Path(app.config["REPORT_JOBS_DIR"]).iterdir()]
    assert leftovers == [f"reports-{job_id}.zip"]


def test_a_batch_that_is_still_progressing_elsewhere_is_left_alone(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    stale = app.config["REPORT_JOB_STALE_SECONDS"] / 60
    job_id = abandoned_job(app, reported, minutes_ago=stale / 2)
    log_in(client)
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "已生成 1 / 2 份报告" in page and 'http-equiv="refresh"' in page
    jobs.drain()
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None
        assert (job.status, job.worker, job.done) == ("running", "old-host:4242:deadbeef", 1)


def test_a_batch_abandoned_again_and_again_is_reported_as_failed(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    job_id = abandoned_job(app, reported, minutes_ago=10, attempts=jobs.MAX_ATTEMPTS)
    log_in(client)
    page = client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    assert "批量生成未能完成" in page and 'http-equiv="refresh"' not in page
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None and job.status == "failed" and job.finished_at is not None


def test_a_worker_that_lost_its_job_stops_and_leaves_no_files(
    app: Flask, reported: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def render_then_lose_the_lease(data: Any, assessment_id: int) -> tuple[Path, bool]:
        rendered = cached_pdf(data, assessment_id)
        db.session.execute(update(ReportJob).values(worker="faster-host:1:cafe"))
        db.session.commit()
        return rendered

    monkeypatch.setattr(jobs, "cached_pdf", render_then_lose_the_lease)
    with app.test_request_context():
        user = db.session.get(User, reported["user"])
        assert user is not None
        job_id = jobs.queue_batch(user, [reported["first"], reported["second"]], "zh").id
    jobs.drain()
    with app.app_context():
        job = db.session.get(ReportJob, job_id)
        assert job is not None
        assert (job.status, job.done, job.worker) == ("running", 0, "faster-host:1:cafe")
        assert list(Path(app.config["REPORT_JOBS_DIR"]).iterdir()) == []


def test_prune_removes_unused_cached_pdfs_and_old_batch_zips(
    app: Flask, client: FlaskClient, reported: dict[str, int]
) -> None:
    log_in(client)
    queued = client.post(
        "/reports/batch", data={"assessment_id": [str(reported["second"])], "lang": "zh"}
    )
    jobs.drain()
    job_url = queued.headers["Location"]
    assert "下载 ZIP 文件" in client.get(job_url).get_data(as_text=True)
    with app.app_context():
        cached = sorted(Path(app.config["REPORT_CACHE_DIR"]).glob("*.pdf"))
        job = db.session.scalars(select(ReportJob)).one()
        assert len(cached) == 1 and jobs.zip_path(job).exists()
        stale = Path(app.config["REPORT_CACHE_DIR"]) / "interrupted.part"
        stale.write_bytes(b"%PDF half")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))
    runner = app.test_cli_runner()
    kept = runner.invoke(args=["report", "prune"])
    assert kept.exit_code == 0 and "removed 0 cached PDFs, 0 batch ZIP files and 1 partial" in (
        kept.output
    )
    assert cached[0].exists() and not stale.exists()

    # A month later: the PDF was not asked for, the batch was finished long ago.
    os.utime(cached[0], (month_ago, month_ago))
    with app.app_context():
        db.session.execute(
            update(ReportJob).values(finished_at=datetime.now(UTC) - timedelta(days=31))
        )
        db.session.commit()
    removed = runner.invoke(args=["report", "prune"])
    assert "removed 1 cached PDFs, 1 batch ZIP files" in removed.output, removed.output
    assert not cached[0].exists()
    page = client.get(job_url).get_data(as_text=True)
    assert "已被删除以释放空间（批量文件保留 30 天）" in page and "下载 ZIP 文件" not in page
    assert client.get(job_url + "/download").status_code == 404
    # The report itself is rendered again on demand.
    again = client.get(f"/assessments/{reported['second']}/report.pdf?lang=zh")
    assert again.status_code == 200 and again.data.startswith(b"%PDF")


def test_a_cache_hit_counts_as_use_for_pruning(app: Flask, reported: dict[str, int]) -> None:
    with app.app_context():
        data = load_report_data(reported["first"], "en")
        path, _cached = cached_pdf(data, reported["first"])
        month_ago = time.time() - 31 * 86400
        os.utime(path, (month_ago, month_ago))
        assert cached_pdf(data, reported["first"]) == (path, True)
    assert app.test_cli_runner().invoke(args=["report", "prune", "--days", "30"]).exit_code == 0
    assert path.exists()


def test_the_consultant_workspace_lists_recent_batches_and_resumes_abandoned_ones(
    app: Flask, reported: dict[str, int]
) -> None:
    consultant_id = make_user(app, "consultant@example.com", "顾问")
    add_membership(app, consultant_id, reported["organisation"], "consultant")
    owners_job = abandoned_job(app, reported, minutes_ago=1)  # the owner's, not listed
    consultant = app.test_client()
    log_in(consultant, "consultant@example.com")
    queued = consultant.post(
        "/reports/batch", data={"assessment_id": [str(reported["second"])], "lang": "en"}
    )
    finished_id = int(queued.headers["Location"].rsplit("/", 1)[1])
    jobs.drain()
    reported_for_consultant = {**reported, "user": consultant_id}
    abandoned_id = abandoned_job(app, reported_for_consultant, minutes_ago=10)

    page = consultant.get("/consultant").get_data(as_text=True)
    assert "最近的批量报告" in page
    assert f"/reports/jobs/{finished_id}/download" in page
    assert f"/reports/jobs/{abandoned_id}" in page and "正在生成…" in page
    assert f"/reports/jobs/{owners_job}" not in page
    jobs.drain()  # the look at the workspace resumed the abandoned batch here
    page = consultant.get("/consultant").get_data(as_text=True)
    assert f"/reports/jobs/{abandoned_id}/download" in page and "正在生成…" not in page


def test_report_command_for_an_assessment_and_offline(
    app: Flask, reported: dict[str, int], tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "cli.pdf"
    result = runner.invoke(
        args=[
            "report",
            "pdf",
            "--assessment",
            str(reported["second"]),
            "--lang",
            "en",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Executive summary" in pdf_text(target.read_bytes(), tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"answers": {q.id: 3 for q in QUESTIONNAIRE.questions}, "goals": ["cut_costs"]}),
        encoding="utf-8",
    )
    offline = tmp_path / "offline.pdf"
    result = runner.invoke(
        args=[
            "report",
            "pdf",
            "--questionnaire",
            "sme-digital@2.0.0",
            "--answers",
            str(answers),
            "--organisation-name",
            "离线示例公司",
            "--lang",
            "zh",
            "-o",
            str(offline),
        ]
    )
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(offline.read_bytes(), tmp_path))
    assert "离线示例公司" in text and "60.0" in text and "无同行对标" in text
    bad = runner.invoke(
        args=["report", "pdf", "--questionnaire", "sme-digital", "-o", str(offline)]
    )
    assert bad.exit_code == 2 and "--answers" in bad.output
    missing = runner.invoke(args=["report", "pdf", "--assessment", "999999", "-o", str(offline)])
    assert missing.exit_code == 2 and "not submitted" in missing.output
    draft = runner.invoke(args=["report", "pdf", "--assessment", "0", "-o", str(offline)])
    assert draft.exit_code == 2
    with app.app_context():
        assert (
            db.session.scalar(select(Assessment).where(Assessment.id == reported["second"]))
            is not None
        )
