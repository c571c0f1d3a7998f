"""The whole-command measurement itself (fast: it runs tiny commands)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.commands import bare_weasyprint, timed_process
from maturity.reports.resources import REPORT_STATIC


def test_a_commands_peak_memory_is_its_own_not_that_of_the_process_measuring_it() -> None:
    # The measuring process holds 300 MB more than usual, as pytest or a bench that
    # has rendered reports does; it used to be reported as the command's peak.
    ballast = b"\x01" * (300 * 2**20)
    environment = dict(os.environ)

    idle = timed_process([sys.executable, "-c", "pass"], environment)
    holding = timed_process([sys.executable, "-c", "held = b'\\x01' * (100 * 2**20)"], environment)

    assert len(ballast) == 300 * 2**20
    assert idle.peak_mb < 60
    assert 100 < holding.peak_mb < 160
    assert 0 < idle.seconds < holding.seconds + 5


def test_a_failing_command_is_reported_with_what_it_said() -> None:
    with pytest.raises(RuntimeError, match="no such questionnaire"):
        timed_process(
            [sys.executable, "-c", "import sys; sys.exit('no such questionnaire')"],
            dict(os.environ),
        )


def test_bare_weasyprint_resolves_a_report_html_in_the_report_static_folder(
    tmp_path: Path,
) -> None:
    # The floor figure renders our own HTML from a scratch folder: its stylesheet must
    # come from the report's static folder, or the bare render would be of a different,
    # unstyled document (one page here instead of the cover's own page and the text's).
    html = tmp_path / "report.html"
    html.write_text(
        '<link rel="stylesheet" href="report.css"><section class="cover">封面</section><p>正文</p>',
        encoding="utf-8",
    )

    for resources, pages in ((REPORT_STATIC, 2), (None, 1)):
        output = tmp_path / "report.pdf"
        timed_process(bare_weasyprint(html, output, resources), dict(os.environ))
        info = subprocess.run(
            ["pdfinfo", str(output)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(rf"^Pages:\s+{pages}$", info, re.MULTILINE), (resources, info)
