"""Fixtures shared by the web tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask


@pytest.fixture
def synthetic(app: Flask) -> dict[str, Any]:
    """Two centres of synthetic organisations with last year's release each
    (tests/web/dashboards.py)."""
    from tests.web.dashboards import two_centres

    return two_centres(app)
