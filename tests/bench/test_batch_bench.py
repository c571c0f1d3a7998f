"""Prints how a batch scales with worker processes in CI (no timing assertions)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.reports.conftest import reported  # noqa: F401  (fixture)
from tests.workers import BROKER_URL, forget_queue

pytestmark = [pytest.mark.slow, pytest.mark.alone]


def test_batch_benchmark_prints_figures(
    app: Flask,
    reported: dict[str, int],  # noqa: F811
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from benchmarks.batch import run

    # The bench builds an app of its own, as from the command line: without the request
    # log, whose handler would outlive this test's captured standard error.
    monkeypatch.setenv("MATURITY_REQUEST_LOG", "off")

    try:
        with app.app_context():
            runs = run(2, [1, 2], BROKER_URL, "zh")
    finally:
        forget_queue({"MATURITY_BROKER_URL": BROKER_URL})
    with capsys.disabled():
        for figure in runs:
            print(
                f"\nbatch of {figure.reports}, {figure.processes} process(es): {figure.seconds:.1f} s"
            )
    assert [(figure.processes, figure.reports) for figure in runs] == [(1, 2), (2, 2)]
    assert all(figure.seconds > 0 for figure in runs)
