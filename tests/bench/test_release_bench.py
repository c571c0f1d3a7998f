"""Release figures printed in CI: the privacy review's attacks at full size
(`flask bench privacy`: 2,000 organisations, 100 targets) and the cost of a release
and of a dashboard served from it on the suite's database (`flask bench releases`,
a small centre; `flask bench privacy` also prices a 100,000-organisation release)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.helpers import publish_questionnaires

pytestmark = [pytest.mark.slow, pytest.mark.alone]


def test_privacy_bench_prints_the_full_figures(app: Flask, capsys: Any) -> None:
    result = app.test_cli_runner().invoke(
        args=["bench", "privacy", "--organisations", "2000", "--seed", "7", "--targets", "100"]
    )
    assert result.exit_code == 0, result.output
    with capsys.disabled():
        print("\n" + result.output)

    def figure(pattern: str) -> float:
        found = re.search(pattern, result.output)
        assert found is not None, pattern
        return float(found.group(1))

    assert figure(r"one release: overall index \(\d+ targets\): MAE ([0-9.]+)") >= 8
    assert figure(r"one practice's level \(\d+ targets\): MAE ([0-9.]+)") >= 0.5
    assert figure(r"annual release: overall index \(\d+ targets\): MAE ([0-9.]+)") >= 5
    assert figure(r"change between two rounds \(\d+ targets\): MAE ([0-9.]+)") >= 8
    attack = figure(r"recovers those peers' indexes with MAE ([0-9.]+)")
    assert attack >= figure(r"and ([0-9.]+) from the platform's quartiles alone") - 0.5
    assert (
        figure(r"annual release: \d+ cells of 50 or more, mean index within ±1.0 in (\d+)%") >= 90
    )
    assert figure(r"annual release: .*count within ±3 in (\d+)%") >= 90


def test_release_bench_prints_the_cost_of_a_release_and_a_dashboard(
    app: Flask, capsys: Any
) -> None:
    publish_questionnaires(app)
    result = app.test_cli_runner().invoke(
        args=["bench", "releases", "--organisations", "3000", "--runs", "5"]
    )
    assert result.exit_code == 0, result.output
    with capsys.disabled():
        print("\n" + result.output)
    organisations = re.search(r"release \d{4} of ([0-9,]+) organisations", result.output)
    assert organisations is not None and int(organisations.group(1).replace(",", "")) > 2500
    assert "dashboard served from it" in result.output
