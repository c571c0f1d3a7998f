"""ReportData → HTML (Jinja, in the report's language) → PDF, with a file cache."""

from __future__ import annotations

import hashlib
import stat
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from maturity.core.report import OVERALL, ReportData
from maturity.core.report_summary import full_width_brackets, summary_facts
from maturity.core.roadmap import PHASE_MONTHS
from maturity.reports import fonts
from maturity.reports.charts import score_radar
from maturity.reports.resources import REPORT_STATIC
from maturity.storage import report_cache

TEMPLATE = "reports/report.html"


def renderer_version() -> str:
    """Changes when the templates, the stylesheet or the charts change, so cached
    PDFs follow. Read again only when a file's size or modification time changes."""
    templates = Path(current_app.root_path) / "templates" / "reports"
    charts = Path(__file__).with_name("charts.py")
    files = []
    for path in sorted([*templates.glob("*.html"), *REPORT_STATIC.glob("*"), charts]):
        status = path.stat()
        if stat.S_ISREG(status.st_mode):  # the fonts folder: its stamp stands for it
            files.append((path, status.st_size, status.st_mtime_ns))
    return _hashed(tuple(files), fonts.stamp())


@lru_cache(maxsize=8)
def _hashed(files: tuple[tuple[Path, int, int], ...], font_stamp: str) -> str:
    digest = hashlib.sha256()
    for path, _size, _modified in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(font_stamp.encode())
    return digest.hexdigest()[:16]


def render_html(data: ReportData) -> str:
    with force_locale(data.language):
        return render_template(
            TEMPLATE,
            data=data,
            radar=score_radar(data.evaluation, data.language, size=300),
            phases=PHASE_MONTHS,
            overall_key=OVERALL,
            font_faces=fonts.font_faces(),
            summary=summary_facts(data),
            full_width=full_width_brackets,
        )


def render_pdf(data: ReportData) -> bytes:
    from maturity.reports.pdf import html_to_pdf  # WeasyPrint: only when rendering

    return html_to_pdf(render_html(data))


def cached_prefix(assessment_id: int) -> str:
    return f"a{assessment_id}-"


def cached_name(data: ReportData, assessment_id: int) -> str:
    """This data's PDF's name in the report cache (whether it is there yet or not)."""
    return f"{cached_prefix(assessment_id)}{data.fingerprint(renderer_version())}.pdf"


def cached_pdf(data: ReportData, assessment_id: int) -> tuple[str, bool]:
    """The PDF for this data, rendered once and served from the cache afterwards.

    The file name is the data's fingerprint: anything that changes what the report
    shows (answers, notes, findings, targets, a newer earlier round, the template)
    gives a new name, so a stale PDF is never served; the assessment's id leads the
    name, so that deleting an organisation deletes its reports. Returns (name in
    `report_cache()`, was_cached).
    """
    name = cached_name(data, assessment_id)
    cache = report_cache()
    if cache.touch(name):  # a use renews its time, for `flask report prune`
        return name, True
    pdf = render_pdf(data)
    with cache.writing(name) as handle:
        handle.write(pdf)
    return name, False
