"""API tokens: made on the account page, scoped, expiring, revocable, last use shown."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from maturity.extensions import db
from maturity.models import ApiToken, AuditEvent
from maturity.models._types import utcnow
from tests.web.world import QUESTIONNAIRE, World

FIRST = QUESTIONNAIRE.questions[0].id


def new_token(browser: FlaskClient, scope: str, days: str = "90", name: str = "ERP") -> str:
    page = browser.post("/account/tokens", data={"name": name, "scope": scope, "days": days})
    assert page.status_code == 200, page.get_data(as_text=True)
    found = re.search(
        r'id="new-token" type="text" readonly value="(mat_[^"]+)"', page.get_data(as_text=True)
    )
    assert found, "the token is shown once"
    return found.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def save_answer(app: Flask, world: World, token: str) -> int:
    return (
        app.test_client()
        .put(
            f"/api/v1/assessments/{world.ids['a2']}/answers/{FIRST}",
            json={"value": 3, "revision": 0},
            headers=bearer(token),
        )
        .status_code
    )


def test_a_read_token_reads_but_cannot_save_an_answer(app: Flask, world: World) -> None:
    read = new_token(world.client("owner"), "read")
    api = app.test_client()
    assert api.get("/api/v1/organisations", headers=bearer(read)).status_code == 200
    refused = api.put(
        f"/api/v1/assessments/{world.ids['a2']}/answers/{FIRST}",
        json={"value": 3, "revision": 0},
        headers=bearer(read),
    )
    assert refused.status_code == 403
    assert "may only read" in refused.json["error"]["message"]
    assert save_answer(app, world, new_token(world.client("owner"), "write")) == 200


def test_a_revoked_token_gets_401_that_says_so(app: Flask, world: World) -> None:
    owner = world.client("owner")
    token = new_token(owner, "write")
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    # Another user cannot revoke it.
    world.client("member").post(f"/account/tokens/{token_id}/revoke")
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert owner.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    revoked = app.test_client().get("/api/v1/me", headers=bearer(token))
    assert revoked.status_code == 401 and "revoked" in revoked.json["error"]["message"]
    assert "已撤销" in owner.get("/account").get_data(as_text=True)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"create_api_token", "revoke_api_token"} <= actions


def test_an_expired_token_gets_401_that_says_so(app: Flask, world: World) -> None:
    owner = world.client("owner")
    token = new_token(owner, "read", days="30")
    with app.app_context():
        found = db.session.scalars(select(ApiToken)).one()
        assert found.expires_at is not None
        assert timedelta(days=29) < found.expires_at - utcnow() <= timedelta(days=30)
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = app.test_client().get("/api/v1/me", headers=bearer(token))
    assert expired.status_code == 401 and "expired" in expired.json["error"]["message"]
    assert "已过期" in owner.get("/account").get_data(as_text=True)


def test_tokens_show_when_they_were_last_used(app: Flask, world: World) -> None:
    owner = world.client("owner")
    token = new_token(owner, "read", name="报表系统")
    page = owner.get("/account").get_data(as_text=True)
    assert "报表系统" in page and page.count("从未") >= 1
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ApiToken.last_used_at)).one() is not None


def test_a_token_form_with_bad_input_says_why(world: World) -> None:
    refused = world.client("owner").post(
        "/account/tokens", data={"name": "", "scope": "read", "days": "999"}
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "请说明令牌的用途。" in html and "须在 1 到 366 天之间。" in html


def test_tokens_on_the_command_line(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["tokens", "create", "owner@example.com", "--name", "cli", "--scope", "write"]
    )
    assert created.exit_code == 0, created.output
    token = created.output.strip()
    assert save_answer(app, world, token) == 200
    listed = runner.invoke(args=["tokens", "list", "owner@example.com"])
    assert listed.exit_code == 0 and "cli\twrite" in listed.output and "active" in listed.output
    token_id = listed.output.splitlines()[1].split("\t")[0]
    revoked = runner.invoke(args=["tokens", "revoke", "owner@example.com", token_id])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list", "owner@example.com"]).output
    again = runner.invoke(args=["tokens", "revoke", "owner@example.com", token_id])
    assert again.exit_code == 2 and "no active token" in again.output
    assert app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 401
