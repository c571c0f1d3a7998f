"""A bounded load test on loopback: 50 concurrent users each save 100 answers through
the API against gunicorn with 4 workers. No error; every acknowledged save is in the
database afterwards. Prints p50/p95 latency and throughput (figures, not assertions)."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Answer, Organisation, TokenScope, User
from maturity.models._types import utcnow
from maturity.services import assessments as service
from maturity.services.api_tokens import create as create_token
from tests.conftest import ROOT, make_app
from tests.databases import fresh_database
from tests.helpers import current_questionnaire, make_organisation, publish_questionnaires
from tests.load.servers import start_gunicorn

pytestmark = pytest.mark.slow

USERS = 50
SAVES = 100
QUESTIONNAIRE = current_questionnaire()


def prepare(url: str, tmp_path: Path) -> list[tuple[str, int]]:
    """Users with an organisation, a draft and a token each: [(token, assessment id)]."""
    app = make_app(url, tmp_path)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    publish_questionnaires(app)
    people = []
    with app.app_context():
        for n in range(USERS):
            user = User(email=f"load{n}@example.com", name=f"load {n}", email_confirmed_at=utcnow())
            user.password_hash = "-"  # never logs in through the form
            db.session.add(user)
        db.session.commit()
        user_ids = [u.id for u in db.session.scalars(select(User).order_by(User.id))]
    for n, user_id in enumerate(user_ids):
        organisation_id = make_organisation(app, user_id, name=f"负载测试企业 {n}")
        with app.app_context():
            user = db.session.get(User, user_id)
            assessment = service.start_or_resume(
                db.session.get(Organisation, organisation_id), user
            )
            people.append((create_token(user, "load", TokenScope.WRITE), assessment.id))
    with app.app_context():
        db.engine.dispose()
    return people


def assert_every_acknowledged_save_is_stored(
    url: str, tmp_path: Path, acknowledged: dict[int, dict[str, int]]
) -> None:
    """What the server acknowledged, per assessment, is exactly what it stored."""
    app = make_app(url, tmp_path)
    with app.app_context():
        for assessment_id, answers in acknowledged.items():
            stored = {
                a.question_id: a.value
                for a in db.session.scalars(
                    select(Answer).where(Answer.assessment_id == assessment_id)
                )
            }
            assert stored == answers, assessment_id
        db.engine.dispose()


def user_session(
    port: int, token: str, assessment_id: int, seed: int, results: dict[str, Any]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    revisions: dict[str, int] = {}
    acknowledged: dict[str, int] = {}
    questions = [q.id for q in QUESTIONNAIRE.questions]
    for n in range(SAVES):
        question = questions[(seed + n) % len(questions)]
        value = (seed + n) % 6
        body = json.dumps({"value": value, "revision": revisions.get(question, 0)})
        started = time.perf_counter()
        try:
            connection.request(
                "PUT",
                f"/api/v1/assessments/{assessment_id}/answers/{question}",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            results["errors"].append(f"{type(error).__name__}: {error}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        results["latencies"].append(time.perf_counter() - started)
        if response.status != 200:
            results["errors"].append(f"{response.status}: {payload[:200]!r}")
            continue
        saved = json.loads(payload)
        revisions[question] = saved["revision"]
        acknowledged[question] = saved["value"]
    results["acknowledged"][assessment_id] = acknowledged
    connection.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_fifty_users_saving_answers_lose_nothing(tmp_path: Path, backend: str, capsys: Any) -> None:
    server_url = os.environ.get("MATURITY_TEST_POSTGRES_URL") or (
        os.environ.get("MATURITY_TEST_DATABASE")
        if os.environ.get("MATURITY_TEST_DATABASE", "").startswith("postgres")
        else None
    )
    if backend == "postgresql" and not server_url:
        pytest.skip("no PostgreSQL server given (MATURITY_TEST_POSTGRES_URL)")
    with fresh_database(tmp_path, server_url if backend == "postgresql" else None) as url:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
        people = prepare(url, tmp_path)
        server, port = start_gunicorn(url, tmp_path)
        try:
            results: dict[str, Any] = {"latencies": [], "errors": [], "acknowledged": {}}
            threads = [
                threading.Thread(target=user_session, args=(port, token, assessment_id, n, results))
                for n, (token, assessment_id) in enumerate(people)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        latencies = sorted(results["latencies"])
        with capsys.disabled():
            print(
                f"\n[{backend}] {len(latencies)} saves by {USERS} users in {elapsed:.1f} s: "
                f"{len(latencies) / elapsed:.0f} saves/s, p50 {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {latencies[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms, errors {len(results['errors'])}"
            )
        assert results["errors"] == []
        assert len(latencies) == USERS * SAVES
        assert_every_acknowledged_save_is_stored(url, tmp_path, results["acknowledged"])
