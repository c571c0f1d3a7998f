"""Prints dashboard figures in CI on the suite's database (no timing assertions).

The full figures at 10,000 and 100,000 organisations come from
`flask --app maturity bench dashboard` (see README)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.helpers import publish_questionnaires

pytestmark = pytest.mark.slow


def test_dashboard_benchmark_prints_figures(app: Flask, capsys: Any) -> None:
    publish_questionnaires(app)
    result = app.test_cli_runner().invoke(
        args=["bench", "dashboard", "--organisations", "3000", "--runs", "3"]
    )
    assert result.exit_code == 0, result.output
    with capsys.disabled():
        print("\n" + result.output)
    assert "3000 organisations, full HTTP response" in result.output
    assert "every number shown" in result.output
