"""Faults: a worker killed in the middle of saves and submissions, and a database
that goes away and comes back."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Assessment, AssessmentResult, AssessmentStatus, ResultSummary
from tests.conftest import ROOT, make_app
from tests.databases import fresh_database
from tests.helpers import ATTESTATION_JSON, FULL_PROFILE, log_in, make_user
from tests.load.servers import start_gunicorn
from tests.load.test_saves_under_load import (
    QUESTIONNAIRE,
    assert_every_acknowledged_save_is_stored,
    prepare,
)

pytestmark = [pytest.mark.slow, pytest.mark.alone]


def workers_of(master: int) -> list[int]:
    output = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    return [int(pid) for pid in output.split()]


def client_run(port: int, token: str, assessment_id: int, results: dict[str, Any]) -> None:
    """Save every question (retrying what was not acknowledged), then submit."""
    acknowledged: dict[str, int] = {}
    revisions: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any] | None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(
                method, path, body=json.dumps(body) if body else None, headers=headers
            )
            response = connection.getresponse()
            reply = response.status, json.loads(response.read() or b"null")
            results["responses"] += 1
            return reply
        except (OSError, http.client.HTTPException):
            results["dropped"] += 1  # not acknowledged: the client retries
            return None
        finally:
            connection.close()

    # The profile first (under which every question applies), so that the round can be
    # submitted once everything is answered.
    for _attempt in range(20):
        profile = call("PUT", f"/api/v1/assessments/{assessment_id}/profile", FULL_PROFILE)
        if profile is not None:
            assert profile[0] == 200, profile
            break
        time.sleep(0.05)
    for round_number in range(3):
        for question in QUESTIONNAIRE.questions:
            value = (round_number + len(question.id)) % 6
            for _attempt in range(20):
                answer = call("PUT", f"/api/v1/assessments/{assessment_id}/answers/{question.id}",
                              {"value": value, "revision": revisions.get(question.id, 0)})  # fmt: skip
                if answer is None:
                    time.sleep(0.05)
                    continue
                status, payload = answer
                if status == 409:  # our own save went through before the worker died
                    revisions[question.id] = int(
                        payload["error"]["problems"][0].split()[2].rstrip(":")
                    )
                    continue
                assert status == 200, (status, payload)
                revisions[question.id] = payload["revision"]
                acknowledged[question.id] = payload["value"]
                break
    for _attempt in range(20):
        submitted = call("POST", f"/api/v1/assessments/{assessment_id}/submit", ATTESTATION_JSON)
        if submitted is not None:
            break
        time.sleep(0.05)
    results["acknowledged"][assessment_id] = acknowledged


def wait_for_saves(results: dict[str, Any], more: int, deadline: float) -> None:
    """Until `more` further responses have come back: workers are up and busy."""
    target = results["responses"] + more
    while results["responses"] < target:
        assert time.monotonic() < deadline, "the clients made no progress"
        time.sleep(0.01)


def test_killing_a_worker_loses_no_acknowledged_save(tmp_path: Path, capsys: Any) -> None:
    """On the suite's database. Workers are killed only once saves are flowing, so
    the kills land on requests in flight (the test insists that some did)."""
    with fresh_database(tmp_path) as url:
        people = prepare(url, tmp_path)[:12]
        server, port = start_gunicorn(url, tmp_path)
        results: dict[str, Any] = {"acknowledged": {}, "dropped": 0, "responses": 0}
        killed: list[int] = []
        try:
            threads = [
                threading.Thread(target=client_run, args=(port, t, a, results)) for t, a in people
            ]
            started = time.perf_counter()
            deadline = time.monotonic() + 240
            for thread in threads:
                thread.start()
            for _ in range(3):
                wait_for_saves(results, 30, deadline)
                for pid in workers_of(server.pid):  # every worker, in the middle of saves
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
            for thread in threads:
                thread.join(timeout=300)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        with capsys.disabled():
            print(
                f"\nkilled {len(killed)} workers during {elapsed:.1f} s of saves; "
                f"{results['dropped']} requests cut off by a kill and retried"
            )
        assert len(results["acknowledged"]) == len(people)
        assert results["dropped"] > 0, "no kill hit a request in flight"
        assert_every_acknowledged_save_is_stored(url, tmp_path, results["acknowledged"])
        app = make_app(url, tmp_path)
        with app.app_context():
            # No half-submitted assessment: submitted ones have their result and summary.
            for assessment in db.session.scalars(select(Assessment)):
                result = db.session.get(AssessmentResult, assessment.id)
                summary = db.session.get(ResultSummary, assessment.id)
                if assessment.status == AssessmentStatus.SUBMITTED:
                    assert result is not None and summary is not None and assessment.submitted_at
                else:
                    assert result is None and summary is None
            db.engine.dispose()


class Proxy:
    """A TCP forwarder that can be cut and restored: the database 'goes away'."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.up = False
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def restore(self) -> None:
        self.up = True


def test_database_outage_answers_503_and_recovers(tmp_path: Path) -> None:
    server_url = os.environ.get("MATURITY_TEST_POSTGRES_URL")
    if not server_url:
        pytest.skip("needs a PostgreSQL server (MATURITY_TEST_POSTGRES_URL)")
    with fresh_database(tmp_path, server_url) as url:
        from sqlalchemy.engine import make_url

        real = make_url(url)
        proxy = Proxy(real.port or 5432)
        via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        app = make_app(via_proxy, tmp_path)
        from maturity.extensions import migrations

        with app.app_context():
            migrations(app).upgrade(directory=str(ROOT / "migrations"))
        client = app.test_client()
        assert client.get("/health").status_code == 200
        make_user(app)
        logged_in = app.test_client()
        log_in(logged_in)
        proxy.cut()
        down = client.post("/auth/login", data={"email": "a@example.com", "password": "x"})
        assert down.status_code == 503 and "数据库暂时无法连接" in down.get_data(as_text=True)
        # A logged-in user gets the same page (loading them needs the database too).
        page = logged_in.get("/account")
        assert page.status_code == 503 and "数据库暂时无法连接" in page.get_data(as_text=True)
        assert client.get("/health").status_code == 503
        proxy.restore()
        assert client.get("/health").status_code == 200
        again = client.post("/auth/login", data={"email": "a@example.com", "password": "x"})
        assert again.status_code == 200 and "电子邮箱或密码错误" in again.get_data(as_text=True)
        with app.app_context():
            db.engine.dispose()
