"""The API keeps its OpenAPI contract, checked as an outside client would: schemathesis
with every check and every phase (stateful included), against gunicorn serving the
suite's database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from tests.api.test_api import token_for
from tests.load.servers import start_gunicorn
from tests.web.world import build_world

pytestmark = pytest.mark.slow


def schemathesis(
    port: int, token: dict[str, str], config: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "--config-file", str(config),
            "run", f"http://127.0.0.1:{port}/api/v1/openapi.json",
            "--checks", "all",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", "25",
            "--seed", "20261127",
            "--no-color",
            "-H", f"Authorization: {token['Authorization']}",
            *extra,
        ],
        capture_output=True, text=True, timeout=900,
        cwd=config.parent,  # its replay cache (.schemathesis/) stays out of the checkout
    )  # fmt: skip


def summary(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stdout.splitlines()
    return "\n".join(line for line in lines if "generated" in line or "passed" in line)


def test_schemathesis_finds_nothing(
    app: Flask, database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(app)
    ids = world.ids
    config = tmp_path / "schemathesis.toml"
    # Real objects to start from, so that operations reach their logic, not only 404s.
    config.write_text(
        f"""
[[operations]]
include-operation-id = "putAnswer"
parameters = {{ assessment_id = {ids["a2"]} }}
# Whether "not applicable" is allowed depends on the question, which the schema of one
# path cannot say: "na" for a question that must be answered is a 400 that says so.
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

[[operations]]
include-operation-id = "uploadEvidence"
parameters = {{ assessment_id = {ids["a1"]} }}
# A file's type is read from its content, which no schema can state: a well-formed
# upload of bytes that are no PDF, image or Office file is a 400 that says so.
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "413"]

[[operations]]
include-path-regex = "^/organisations/"
parameters = {{ organisation_id = {ids["org_a"]} }}

[[operations]]
include-path-regex = "^/assessments/[^/]+/(results|roadmap|plan)"
parameters = {{ assessment_id = {ids["a1"]} }}

[[operations]]
include-path-regex = "^/assessments/[^/]+(/answers/|/submit|/profile|/outcomes|$)"
parameters = {{ assessment_id = {ids["a2"]} }}

[[operations]]
include-path-regex = "^/assessments/[^/]+/(evidence|verification)"
parameters = {{ assessment_id = {ids["a1"]} }}

[[operations]]
include-path-regex = "^/evidence/"
parameters = {{ file_id = {ids["evidence"]} }}

[[operations]]
include-path-regex = "^/centres/"
parameters = {{ centre_id = {ids["centre"]} }}
"""
    )
    server, port = start_gunicorn(database_url, tmp_path, workers=2)
    try:
        as_owner = schemathesis(port, token_for(app, "owner"), config)
        as_reviewer = schemathesis(
            port,
            token_for(app, "reviewer"),
            config,
            "--include-path-regex", "^/centres/",
            "--phases", "examples,coverage,fuzzing",  # no links lead out of the aggregates
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    with capsys.disabled():
        print(f"\nschemathesis as owner: {summary(as_owner)}")
        print(f"schemathesis as reviewer (aggregates): {summary(as_reviewer)}")
    assert as_owner.returncode == 0, as_owner.stdout[-6000:]
    assert as_reviewer.returncode == 0, as_reviewer.stdout[-6000:]
