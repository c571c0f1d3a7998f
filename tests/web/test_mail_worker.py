"""E-mail through a real worker: a mail server that is away when the message is
first tried gets it on a later attempt, while the page that sent it answered at once."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from tests.conftest import make_app
from tests.mailbox import Mailbox
from tests.workers import Worker, app_settings, forget_queue, worker_settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    settings = worker_settings(database_url, tmp_path)
    yield settings
    forget_queue(settings)


def test_a_mail_server_away_at_first_gets_the_message_on_a_later_attempt(
    app: Flask, environment: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()  # nothing listens here yet
    worker = Worker(
        {
            **environment,
            "MATURITY_MAIL_BACKEND": "smtp",
            "MATURITY_MAIL_SERVER": "127.0.0.1",
            "MATURITY_MAIL_PORT": str(port),
        },
        tmp_path / "worker.log",
    ).start()
    queueing = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, **app_settings(environment)
    )
    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    try:
        started = time.monotonic()
        page = queueing.test_client().post("/auth/forgot", data={"email": "late@example.com"})
        assert page.status_code == 200 and time.monotonic() - started < 2  # queued, not sent
        deadline = time.monotonic() + 30
        while "attempt 1 failed" not in worker.log():
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.1)
        server.start()
        (arrived,) = mailbox.wait_for("late@example.com", timeout=30)
    finally:
        server.stop()
        worker.stop(signal.SIGKILL)
    assert arrived.subject == "有人请求重置密码" and "/auth/register" in arrived.text
    assert "mail reset_no_account to late@example.com sent" in worker.log()
