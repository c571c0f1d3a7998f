"""`flask bench privacy` in CI, on the suite's database: the attacks replayed on 400
synthetic organisations, figures printed (the README's are for 2,000)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from tests.helpers import publish_questionnaires

pytestmark = pytest.mark.slow


def test_privacy_benchmark_prints_figures_that_meet_the_bars(app: Flask, capsys: Any) -> None:
    publish_questionnaires(app)
    result = app.test_cli_runner().invoke(
        args=["bench", "privacy", "--organisations", "400", "--targets", "40"]
    )
    assert result.exit_code == 0, result.output
    with capsys.disabled():
        print("\n" + result.output)
    numbers = {
        name: float(re.search(pattern, result.output).group(1))  # type: ignore[union-attr]
        for name, pattern in {
            "period": r"mean absolute error of ([0-9.]+) points",
            "group": r"overall index off by ([0-9.]+) points",
            "practice": r"practice's level off by ([0-9.]+) levels",
            "mean": r"at most ([0-9.]+) points from the truth",
            "count": r"counts at most ([0-9]+) away",
        }.items()
    }
    assert numbers["period"] >= 8 and numbers["group"] >= 8 and numbers["practice"] >= 0.5
    assert numbers["mean"] <= 1.0 and numbers["count"] <= 2
