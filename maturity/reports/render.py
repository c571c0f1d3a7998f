"""ReportData → HTML (Jinja, in the report's language) → PDF, with a file cache."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from maturity.core.report import OVERALL, ReportData
from maturity.core.roadmap import PHASE_MONTHS
from maturity.reports.charts import score_radar
from maturity.reports.resources import REPORT_STATIC

TEMPLATE = "reports/report.html"


def renderer_version() -> str:
    """Changes when the templates, the stylesheet or the charts change, so cached
    PDFs follow."""
    digest = hashlib.sha256()
    templates = Path(current_app.root_path) / "templates" / "reports"
    charts = Path(__file__).with_name("charts.py")
    for path in sorted([*templates.glob("*.html"), *REPORT_STATIC.glob("*"), charts]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def render_html(data: ReportData) -> str:
    with force_locale(data.language):
        return render_template(
            TEMPLATE,
            data=data,
            radar=score_radar(data.evaluation, data.language, size=300),
            phases=PHASE_MONTHS,
            overall_key=OVERALL,
        )


def render_pdf(data: ReportData) -> bytes:
    from maturity.reports.pdf import html_to_pdf  # WeasyPrint: only when rendering

    return html_to_pdf(render_html(data))


def cache_dir() -> Path:
    folder = Path(current_app.config["REPORT_CACHE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_prefix(assessment_id: int) -> str:
    return f"a{assessment_id}-"


def cached_path(data: ReportData, assessment_id: int) -> Path:
    """Where this data's PDF is (or will be) in the cache."""
    return cache_dir() / f"{cached_prefix(assessment_id)}{data.fingerprint(renderer_version())}.pdf"


def cached_pdf(data: ReportData, assessment_id: int) -> tuple[Path, bool]:
    """The PDF for this data, rendered once and served from the cache afterwards.

    The file name is the data's fingerprint: anything that changes what the report
    shows (answers, notes, findings, targets, a newer earlier round, the template)
    gives a new name, so a stale PDF is never served; the assessment's id leads the
    name, so that deleting an organisation deletes its reports. Returns (path,
    was_cached).
    """
    path = cached_path(data, assessment_id)
    if path.exists():
        with contextlib.suppress(FileNotFoundError):  # pruned in between: render anew
            os.utime(path)  # last use, for `flask report prune`
            return path, True
    pdf = render_pdf(data)
    # Write then rename: a concurrent reader never sees half a file.
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(pdf)
    os.replace(temporary, path)
    return path, False
