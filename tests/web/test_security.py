from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.conftest import make_app
from tests.helpers import PASSWORD, make_user
from tests.web.world import build_world


def test_security_headers_and_content_security_policy(app: Flask) -> None:
    response = app.test_client().get("/")
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    # No inline script anywhere, so the policy needs no 'unsafe-inline' for scripts.
    assert "<script>" not in response.get_data(as_text=True)


def test_production_cookies_are_secure_httponly_samesite(
    tmp_path: Path, database_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MATURITY_ENV", "production")
    monkeypatch.setenv("MATURITY_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("MATURITY_BASE_URL", "https://localhost")
    app = make_app(database_url, tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/lang/en", base_url="https://localhost")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    hsts = (
        app.test_client()
        .get("/", base_url="https://localhost")
        .headers.get("Strict-Transport-Security")
    )
    assert hsts and "max-age" in hsts


def test_every_post_route_requires_a_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    posted = 0
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()):
            continue
        if rule.endpoint.startswith("api."):
            continue  # token-only JSON API: no cookie can act through it (tests/api)
        url = re.sub(
            r"<(?:any\(([^)]*)\):|\w+:)?(\w+)>",
            lambda m: (
                m.group(1).split(",")[0]
                if m.group(1)
                else ("x" if m.group(2) in ("token", "dimension_id") else "1")
            ),
            rule.rule,
        )
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, url
        assert "表单已过期" in response.get_data(as_text=True), url
        posted += 1
    assert posted >= 20


def test_login_attempts_are_rate_limited(tmp_path: Path, database_url: str) -> None:
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="5 per minute")
    make_user(app, "victim@example.com")
    client = app.test_client()
    statuses = [
        client.post(
            "/auth/login", data={"email": "victim@example.com", "password": f"guess {n}"}
        ).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    limited = client.post("/auth/login", data={"email": "victim@example.com", "password": "x"})
    assert "尝试次数过多" in limited.get_data(as_text=True)


def test_control_characters_are_taken_out_of_forms_json_and_query_strings(app: Flask) -> None:
    from sqlalchemy import select

    from maturity.extensions import db
    from maturity.models import Answer
    from tests.web.world import QUESTIONNAIRE, build_world

    world = build_world(app)
    owner = world.client("owner")
    first, second = QUESTIONNAIRE.questions[0].id, QUESTIONNAIRE.questions[1].id
    dimension = QUESTIONNAIRE.questions[0].dimension_id  # the first page of the current version
    form = owner.post(
        f"/assessments/{world.ids['a2']}/dimensions/{dimension}",
        data={f"q-{first}": "2", f"note-{first}": "a\x00b\x07c\td\ne", f"rev-{first}": "0"},
    )
    assert form.status_code == 302
    background = owner.post(
        f"/assessments/{world.ids['a2']}/answers",
        json={"question_id": second, "value": 1, "note": "\x00x\x1by", "revision": 0},
    )
    assert background.status_code == 200
    with app.test_request_context("/?x=a%00b%1Fc", method="POST", data={"y": "d\x00e"}):
        from flask import request

        assert (request.args["x"], request.form["y"]) == ("abc", "de")
    with app.app_context():
        notes = dict(
            db.session.execute(
                select(Answer.question_id, Answer.note).where(
                    Answer.assessment_id == world.ids["a2"],
                    Answer.question_id.in_([first, second]),
                )
            ).all()
        )
    assert notes == {first: "abc\td\ne", second: "xy"}


def test_login_limits_are_shared_by_workers_through_redis(
    tmp_path: Path, database_url: str
) -> None:
    """The production setting: every gunicorn worker counts in the same Redis."""
    import os
    import uuid

    import pytest

    redis_url = os.environ.get("MATURITY_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis server given (MATURITY_TEST_REDIS_URL)")
    settings = {
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # runs never share counters
    }
    first_worker = make_app(database_url, tmp_path / "a", **settings)
    second_worker = make_app(database_url, tmp_path / "b", **settings)
    make_user(first_worker, "victim@example.com")
    statuses = [
        worker.test_client()
        .post("/auth/login", data={"email": "victim@example.com", "password": f"guess {n}"})
        .status_code
        for n, worker in enumerate([first_worker, second_worker] * 4)
    ]
    assert statuses == [200] * 5 + [429] * 3


def test_ids_and_levels_in_unicode_digits_are_refused_not_crashed(app: Flask) -> None:
    """Found by the form fuzzer: "¹" passes str.isdigit() but int() cannot read it."""
    from maturity.web.requests import database_id

    assert [database_id(raw) for raw in ("7", " 7 ", "¹", "²3", "٣", "0", "x", None)] == [
        7, 7, None, None, 3, None, None, None,
    ]  # fmt: skip
    world = build_world(app)
    reviewer = world.client("reviewer")
    response = reviewer.post(
        f"/centres/{world.ids['centre']}/consultants",
        data={"organisation_id": "¹", "consultant_id": "²"},
    )
    assert response.status_code == 404
    owner = world.client("owner")
    plan = owner.post(
        f"/assessments/{world.ids['a1']}/results", data={"target-product_design": "²"}
    )
    assert plan.status_code == 400 and "目标等级必须是 0 到 5" in plan.get_data(as_text=True)


def test_a_late_response_cannot_drop_the_csrf_token_of_a_form_just_loaded(
    csrf_app: Flask,
) -> None:
    """Replays the race a browser runs into: the language cookie is set, the login
    form is loaded (its CSRF token goes into the session), and a response to a request
    sent with the older cookie (the previous page's stylesheet, say) arrives last."""
    make_user(csrf_app, "late@example.com", "迟到")
    browser = csrf_app.test_client()
    browser.get("/lang/zh")
    older_cookie = browser.get_cookie("session")
    assert older_cookie is not None
    form = browser.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token is not None
    late = csrf_app.test_client()
    late.set_cookie("session", older_cookie.value)
    for path in ("/static/app.css", "/privacy", "/"):
        response = late.get(path)
        assert "session=" not in " ".join(response.headers.getlist("Set-Cookie")), path
    logged_in = browser.post(
        "/auth/login",
        data={"csrf_token": token.group(1), "email": "late@example.com", "password": PASSWORD},
    )
    assert logged_in.status_code == 302, logged_in.get_data(as_text=True)[:500]
