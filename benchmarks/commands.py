"""Whole-command figures: what a user of the command line or a fresh worker waits for.

Each figure is the median of alternating pairs run in the same session (ours, then
the reference, then ours again …), so that whatever else the machine does weighs on
both sides alike. Peak memory is the largest resident set of our command's process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from maturity.reports.resources import REPORT_STATIC

# HTML file, PDF file[, folder the HTML's relative links resolve in: the file's own].
BARE_WEASYPRINT = (
    "import sys; from pathlib import Path; from weasyprint import HTML; "
    "p = Path(sys.argv[1]); base = Path(sys.argv[3]) if len(sys.argv) > 3 else p.parent; "
    "HTML(filename=p, base_url=base.resolve().as_uri() + '/').write_pdf(sys.argv[2])"
)
FLASK_AND_EXTENSIONS = "import flask, flask_sqlalchemy, flask_babel, flask_login, flask_wtf"
# Runs the measured command as its child and prints its wall time and peak memory.
# Linux carries a process's peak resident set across exec, and a child starts with
# its parent's (fork copies the pages, vfork shares them), so measured from a large
# process (pytest, or a bench that has just rendered reports) every command would
# seem to peak at least as high as that process. This launcher is small (~13 MB).
LAUNCHER = """
import json, os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_pid, status, usage = os.wait4(child.pid, 0)
print(json.dumps({"seconds": time.perf_counter() - started, "peak_kib": usage.ru_maxrss,
                  "exit_code": os.waitstatus_to_exitcode(status)}))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


@dataclass(frozen=True)
class Pair:
    ours: float  # median seconds
    reference: float
    peak_mb: float  # of our command, the largest over the runs

    @property
    def ratio(self) -> float:
        return self.ours / self.reference


def timed_process(command: list[str], env: dict[str, str]) -> Run:
    """Wall time and peak resident memory of one process, run to its end."""
    launched = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, check=False
    )
    if launched.returncode != 0:
        raise RuntimeError(f"could not measure {' '.join(command)}: {launched.stderr[-2000:]!r}")
    figures = json.loads(launched.stdout)
    if figures["exit_code"] != 0:
        error = launched.stderr.decode(errors="replace")
        raise RuntimeError(f"{' '.join(command)} failed: {error[-2000:]}")
    return Run(figures["seconds"], figures["peak_kib"] / 1024)  # ru_maxrss: KiB on Linux


def alternating(ours: list[str], reference: list[str], pairs: int, env: dict[str, str]) -> Pair:
    timed_process(ours, env)  # one of each first: file caches warm for both
    timed_process(reference, env)
    mine, theirs = [], []
    for _ in range(pairs):
        mine.append(timed_process(ours, env))
        theirs.append(timed_process(reference, env))
    return Pair(
        statistics.median(r.seconds for r in mine),
        statistics.median(r.seconds for r in theirs),
        max(r.peak_mb for r in mine),
    )


def app_environment() -> dict[str, str]:
    """The environment of a command that works on this app's database and instance."""
    return {
        **os.environ,
        "MATURITY_DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"],
        "MATURITY_INSTANCE_PATH": current_app.instance_path,
    }


def startup(pairs: int = 5) -> Pair:
    """`flask --app maturity --help` against importing Flask and its extensions."""
    flask = [sys.executable, "-m", "flask", "--app", "maturity", "--help"]
    imports = [sys.executable, "-c", FLASK_AND_EXTENSIONS]
    return alternating(flask, imports, pairs, app_environment())


def bare_weasyprint(html: Path, output: Path, resources: Path | None = None) -> list[str]:
    """Bare WeasyPrint rendering an HTML file in a fresh process, its relative links
    resolved in `resources` (default: the file's folder)."""
    return [
        sys.executable, "-c", BARE_WEASYPRINT, str(html), str(output),
        *([str(resources)] if resources is not None else []),
    ]  # fmt: skip


def baseline_html(baseline: Path, language: str) -> Path:
    html = baseline / f"ours-{language}.html"
    if not html.exists():
        raise FileNotFoundError(f"{html} not found")
    return html


def report_command(assessment_id: int, language: str, baseline: Path, pairs: int = 5) -> Pair:
    """`flask report pdf` of an assessment against bare WeasyPrint rendering the
    baseline HTML of that language."""
    html = baseline_html(baseline, language)
    with tempfile.TemporaryDirectory() as scratch:
        ours = report_pdf(assessment_id, language, Path(scratch) / "ours.pdf")
        bare = bare_weasyprint(html, Path(scratch) / "bare.pdf")
        return alternating(ours, bare, pairs, app_environment())


def report_floor(html: str, language: str, baseline: Path, pairs: int = 5) -> Pair:
    """Bare WeasyPrint on this report's own HTML against bare WeasyPrint on the
    baseline HTML: what the report's content costs with no application around it,
    and so the least `flask report pdf` could take however lean the application."""
    reference = baseline_html(baseline, language)
    with tempfile.TemporaryDirectory() as scratch:
        ours = Path(scratch) / f"report-{language}.html"
        ours.write_text(html, encoding="utf-8")
        return alternating(
            bare_weasyprint(ours, Path(scratch) / "ours.pdf", REPORT_STATIC),
            bare_weasyprint(reference, Path(scratch) / "bare.pdf"),
            pairs,
            dict(os.environ),
        )


def report_pdf(assessment_id: int, language: str, output: Path) -> list[str]:
    """The `flask report pdf` command of an assessment (it always renders: no cache)."""
    return [
        sys.executable, "-m", "flask", "--app", "maturity", "report", "pdf",
        "--assessment", str(assessment_id), "--lang", language, "-o", str(output),
    ]  # fmt: skip


def report_peak_mb(assessment_id: int, language: str) -> float:
    """Peak memory of one fresh `flask report pdf` process."""
    with tempfile.TemporaryDirectory() as scratch:
        command = report_pdf(assessment_id, language, Path(scratch) / "report.pdf")
        return timed_process(command, app_environment()).peak_mb
