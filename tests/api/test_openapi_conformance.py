"""schemathesis against the served OpenAPI document: no server error, every response conforms."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from tests.api.test_api import token_for
from tests.web.world import build_world

pytestmark = pytest.mark.slow


def test_every_operation_conforms(app: Flask) -> None:
    build_world(app)
    headers = token_for(app, "owner")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 26  # with the round items, the plan, evidence and verification

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers)

        run()
