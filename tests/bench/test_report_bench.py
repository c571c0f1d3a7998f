"""Prints the report figures in CI (no timing assertions: they would flake)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.reports.conftest import reported  # noqa: F401  (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.alone]


def test_report_benchmark_prints_figures(app: Flask, reported: dict[str, int], capsys: Any) -> None:  # noqa: F811
    from benchmarks.report import run

    with app.app_context():
        figures = run(reported["second"], "zh", count=10, workers=2, repeat=2)
    with capsys.disabled():
        print("\n" + "\n".join(figures.lines()))
    assert figures.pages >= 10
    assert figures.fresh > 0 and figures.bare > 0 and figures.cached > 0
    assert figures.peak_mb > 0


def test_the_content_floor_compares_bare_renders_of_our_html_and_the_baseline(
    app: Flask,
    reported: dict[str, int],  # noqa: F811
    tmp_path: Path,
    capsys: Any,
) -> None:
    from benchmarks.commands import report_floor
    from maturity.reports.render import render_html
    from maturity.services.reports import load_report_data

    with app.app_context():
        html = render_html(load_report_data(reported["second"], "zh"))
    # CI has no frozen baseline beside the repository: a one-page stand-in, so that
    # the figure here only shows the measurement works (the real one: `bench report`).
    (tmp_path / "ours-zh.html").write_text("<p>基线</p>", encoding="utf-8")
    floor = report_floor(html, "zh", tmp_path, pairs=1)
    with capsys.disabled():
        print(
            f"\nbare WeasyPrint on a report's HTML {floor.ours:.3f} s, on one line {floor.reference:.3f} s"
        )
    assert floor.ours > floor.reference > 0
