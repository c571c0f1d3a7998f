"""Report performance figures: `flask --app maturity bench report`.

Prints, for one submitted assessment: the fresh render time through our pipeline,
bare WeasyPrint on the identical HTML, a cached download over HTTP, 50 reports
serially and on two processes, and the peak memory of a process rendering one
report. Figures, not assertions: timings vary from machine to machine.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from flask import Flask, current_app

from benchmarks.commands import report_peak_mb

_worker_app: Flask | None = None


def _timed(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _init_worker(database_url: str, instance_path: str) -> None:
    global _worker_app
    from maturity import create_app

    _worker_app = create_app({"SQLALCHEMY_DATABASE_URI": database_url}, instance_path=instance_path)


def _render_one(args: tuple[int, str]) -> int:
    assessment_id, language = args
    from maturity.reports.render import render_pdf
    from maturity.services.reports import load_report_data

    assert _worker_app is not None
    with _worker_app.app_context():
        return len(render_pdf(load_report_data(assessment_id, language)))


@dataclass
class Figures:
    pages: int
    fresh: float
    bare: float
    cached: float
    serial: float
    parallel: float
    count: int
    workers: int
    peak_mb: float

    def lines(self) -> list[str]:
        return [
            f"report: {self.pages} pages",
            f"fresh render (data + HTML + PDF): {self.fresh:.3f} s",
            f"bare WeasyPrint, same HTML:       {self.bare:.3f} s",
            f"pipeline overhead:                {100 * (self.fresh / self.bare - 1):+.1f} %",
            f"cached download (full request):  {self.cached * 1000:.1f} ms = {100 * self.cached / self.fresh:.2f} % of a fresh render",
            f"{self.count} reports serially:           {self.serial:.2f} s",
            f"{self.count} reports on {self.workers} processes:     {self.parallel:.2f} s = {self.serial / self.parallel:.2f}x faster (cores: {os.cpu_count()})",
            f"peak memory of one render:        {self.peak_mb:.0f} MB (a fresh `flask report pdf` process)",
        ]


def run(
    assessment_id: int, language: str = "zh", count: int = 50, workers: int = 2, repeat: int = 3
) -> Figures:
    from weasyprint import HTML

    from maturity.reports.pdf import StaticFilesOnly, base_url, html_to_pdf
    from maturity.reports.render import cached_pdf, render_html
    from maturity.services.reports import load_report_data

    data = load_report_data(assessment_id, language)
    html = render_html(data)
    pages = len(
        HTML(string=html, base_url=base_url(), url_fetcher=StaticFilesOnly()).render().pages
    )

    fresh = _timed(
        lambda: html_to_pdf(render_html(load_report_data(assessment_id, language))), repeat
    )
    bare = _timed(lambda: HTML(string=html, base_url=base_url()).write_pdf(), repeat)

    cached_pdf(data, assessment_id)  # warm the cache, then download it as its owner would
    from flask_login import login_user

    from maturity.extensions import db
    from maturity.models import Assessment, Membership, MembershipRole, User

    assessment = db.session.get(Assessment, assessment_id)
    assert assessment is not None
    owner_id = db.session.scalar(
        db.select(Membership.user_id).where(
            Membership.organisation_id == assessment.organisation_id,
            Membership.role == MembershipRole.OWNER,
        )
    )
    owner = db.session.get(User, owner_id) if owner_id is not None else None
    if owner is None:
        raise LookupError("the assessment's organisation has no owner to download as")
    url = f"/assessments/{assessment_id}/report.pdf?lang={language}"

    def download() -> None:
        # The whole request as the owner: login, access check, data, cache, file.
        with current_app.test_request_context(url):
            login_user(owner)
            response = current_app.full_dispatch_request()
            assert response.status_code == 200, response.status_code
            response.direct_passthrough = False
            response.get_data()
            response.close()

    download()
    cached = _timed(download, 10)

    db.session.commit()  # hold no database lock while the worker processes run
    jobs = [(assessment_id, language)] * count
    database_url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    instance_path = current_app.instance_path
    started = time.perf_counter()
    with ProcessPoolExecutor(
        1, initializer=_init_worker, initargs=(database_url, instance_path)
    ) as pool:
        list(pool.map(_render_one, jobs))
    serial = time.perf_counter() - started
    started = time.perf_counter()
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(database_url, instance_path)
    ) as pool:
        list(pool.map(_render_one, jobs))
    parallel = time.perf_counter() - started

    return Figures(
        pages,
        fresh,
        bare,
        cached,
        serial,
        parallel,
        count,
        workers,
        report_peak_mb(assessment_id, language),
    )
