"""gunicorn with the shipped configuration, started for load and fault tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(
    url: str, tmp_path: Path, workers: int = 4
) -> tuple[subprocess.Popen[bytes], int]:
    """Start gunicorn on a free loopback port; return once it accepts connections.

    Its output goes to a file in tmp_path (a pipe nobody reads could fill up and
    stall the server); a server that does not start shows that output."""
    port = free_port()
    env = {
        **os.environ,
        "MATURITY_DATABASE_URL": url,
        "MATURITY_INSTANCE_PATH": str(tmp_path),
        "MATURITY_SECRET_KEY": "load-test",
        "MATURITY_BIND": f"127.0.0.1:{port}",
        "MATURITY_WORKERS": str(workers),
        "MATURITY_REQUEST_LOG": "off",
    }
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(f"gunicorn did not start:\n{log.read_text()}") from None
            time.sleep(0.2)
