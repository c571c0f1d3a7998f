"""The production server starts with the shipped configuration and answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.load.servers import free_port

pytestmark = pytest.mark.slow


def test_gunicorn_serves_health_with_the_shipped_configuration(
    tmp_path: Path, database_url: str
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "MATURITY_DATABASE_URL": database_url,
        "MATURITY_INSTANCE_PATH": str(tmp_path),
        "MATURITY_BIND": f"127.0.0.1:{port}",
        "MATURITY_WORKERS": "2",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    failure: OSError | None = None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health", timeout=2
                ) as response:
                    assert response.status == 200
                    assert b'"database":"ok"' in response.read().replace(b" ", b"")
                    break
            except OSError as error:
                if time.monotonic() > deadline or server.poll() is not None:
                    failure = error
                    break
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert failure is None, f"gunicorn did not answer ({failure}); its output:\n{output}"
    assert '"path": "/health"' in output  # structured request log line
