"""Prints the report figures in CI (no timing assertions: they would flake)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.reports.conftest import reported  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def test_report_benchmark_prints_figures(app: Flask, reported: dict[str, int], capsys: Any) -> None:  # noqa: F811
    from maturity.bench.report import run

    with app.app_context():
        figures = run(reported["second"], "zh", count=10, workers=2, repeat=2)
    with capsys.disabled():
        print("\n" + "\n".join(figures.lines()))
    assert figures.pages >= 10
    assert figures.fresh > 0 and figures.bare > 0 and figures.cached > 0
    assert figures.peak_mb > 0
