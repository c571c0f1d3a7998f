"""Sessions that end, the account page, and what an owner may do with the data."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AuditEvent,
    Membership,
    Organisation,
    ResultSummary,
    User,
    UserSession,
)
from maturity.models._types import utcnow
from tests.helpers import PASSWORD, log_in, make_user
from tests.mailbox import Mailbox
from tests.web.world import SECRET_A, World

NEW_PASSWORD = "seven green kites over the harbour"
PRIVATE_PAGE = "/account"


def logged_in(app: Flask, remember: bool = False) -> FlaskClient:
    client = app.test_client()
    data = {"email": "manager@example.com", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def cookie(client: FlaskClient, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def replay(app: Flask, **cookies: str) -> FlaskClient:
    """A fresh browser that presents stolen or kept cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="localhost")
    return client


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get(PRIVATE_PAGE)
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_session_cookie_replayed_after_logout_opens_nothing(app: Flask) -> None:
    make_user(app)
    client = logged_in(app)
    session = cookie(client, "session")
    assert is_logged_in(replay(app, session=session))
    client.post("/auth/logout")
    assert not is_logged_in(replay(app, session=session))


def test_a_remember_me_cookie_replayed_after_logout_opens_nothing(app: Flask) -> None:
    make_user(app)
    client = logged_in(app, remember=True)
    remember = cookie(client, "remember_token")
    assert is_logged_in(replay(app, remember_token=remember))  # alone, it logs in
    client.post("/auth/logout")
    assert not is_logged_in(replay(app, remember_token=remember))
    session = cookie(client, "session")
    assert not is_logged_in(replay(app, session=session, remember_token=remember))


def test_log_out_everywhere_ends_every_session_and_cookie(app: Flask) -> None:
    make_user(app)
    laptop, phone = logged_in(app), logged_in(app, remember=True)
    kept = {"session": cookie(phone, "session"), "remember_token": cookie(phone, "remember_token")}
    response = laptop.post("/account/sessions/end-all")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert not is_logged_in(replay(app, **kept))
    assert not is_logged_in(replay(app, remember_token=kept["remember_token"]))
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(UserSession.ended_at.is_(None))) == 0
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "log_out_everywhere")
        )


def test_a_password_change_ends_every_other_session(app: Flask, mailbox: Mailbox) -> None:
    make_user(app)
    here, elsewhere = logged_in(app), logged_in(app, remember=True)
    kept = cookie(elsewhere, "remember_token")
    wrong = here.post(
        "/account/password",
        data={"current": "not it", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and "当前密码不正确。" in wrong.get_data(as_text=True)
    weak = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": "qwertyuiop", "password_again": "qwertyuiop"},
    )
    assert weak.status_code == 400 and "常用密码" in weak.get_data(as_text=True)
    assert is_logged_in(elsewhere)
    changed = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert not is_logged_in(replay(app, remember_token=kept))
    notice = mailbox.wait_for("manager@example.com")[0]
    assert notice.subject == "您的密码已修改" and "/auth/forgot" in notice.text


def test_a_reset_ends_every_session(app: Flask, mailbox: Mailbox) -> None:
    make_user(app)
    old = logged_in(app, remember=True)
    kept = cookie(old, "remember_token")
    app.test_client().post("/auth/forgot", data={"email": "manager@example.com"})
    link = mailbox.wait_for("manager@example.com")[0].link("/auth/reset/")
    stranger = app.test_client()
    reset = stranger.post(
        link.removeprefix("http://localhost"),
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert reset.status_code == 302
    assert is_logged_in(stranger)
    assert not is_logged_in(old)
    assert not is_logged_in(replay(app, remember_token=kept))


def _token(app: Flask, email: str = "manager@example.com") -> str:
    from maturity.models import TokenScope, User
    from maturity.services import api_tokens

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return api_tokens.create(user, "ERP sync", TokenScope.WRITE, 90)


def _api_status(app: Flask, token: str) -> int:
    return (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        .status_code
    )


def test_a_reset_revokes_every_api_token_and_the_notice_says_so(
    app: Flask, mailbox: Mailbox
) -> None:
    """The attack replayed: someone who knew the old password made a token; the
    owner's reset must end it as it ends the sessions."""
    make_user(app)
    tokens = [_token(app), _token(app)]
    assert [_api_status(app, t) for t in tokens] == [200, 200]
    app.test_client().post("/auth/forgot", data={"email": "manager@example.com"})
    link = mailbox.wait_for("manager@example.com")[0].link("/auth/reset/")
    reset = app.test_client().post(
        link.removeprefix("http://localhost"),
        data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "已撤销 2 个 API 令牌。" in reset.get_data(as_text=True)
    assert [_api_status(app, t) for t in tokens] == [401, 401]
    notice = mailbox.wait_for("manager@example.com", count=2)[1]
    assert notice.subject == "您的密码已修改"
    assert "该账号的 2 个 API 令牌已被撤销" in notice.text


def test_a_password_change_revokes_api_tokens_unless_asked_to_keep_them(
    app: Flask, mailbox: Mailbox
) -> None:
    make_user(app, locale="en")
    here = logged_in(app)
    first = _token(app)
    page = here.get("/account/password").get_data(as_text=True)
    assert "Keep my API tokens working" in page
    here.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert _api_status(app, first) == 401
    revoked = mailbox.wait_for("manager@example.com")[0]
    assert "Its 1 API token was revoked: make a new one where you still need it." in revoked.text
    second = _token(app)
    here.post(
        "/account/password",
        data={
            "current": NEW_PASSWORD,
            "password": PASSWORD,
            "password_again": PASSWORD,
            "keep_tokens": "y",
        },
    )
    assert _api_status(app, second) == 200
    kept = mailbox.wait_for("manager@example.com", count=2)[1]
    assert "Its 1 API token was kept working, as you chose." in kept.text
    assert "revoked" not in kept.text


def test_sessions_expire_after_inactivity(app: Flask) -> None:
    make_user(app)
    idle, remembered = logged_in(app), logged_in(app, remember=True)
    with app.app_context():
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=13)))
        db.session.commit()
    assert not is_logged_in(idle)  # 12 hours by default
    assert is_logged_in(remembered)  # kept logged in: 30 days from login
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.remember.is_(True))
            .values(created_at=utcnow() - timedelta(days=31))
        )
        db.session.commit()
    assert not is_logged_in(remembered)


def test_the_account_page_lists_sessions_and_saves_settings(app: Flask) -> None:
    make_user(app)
    client = logged_in(app)
    logged_in(app, remember=True)
    page = client.get("/account").get_data(as_text=True)
    assert page.count("<tr><td>") == 2 and "当前会话" in page and "保持登录" in page
    refused = client.post("/account", data={"name": "", "locale": "en"})
    assert refused.status_code == 400 and "请输入您的姓名。" in refused.get_data(as_text=True)
    assert client.post("/account", data={"name": "王总", "locale": "en"}).status_code == 302
    assert "Your account" in client.get("/account").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.name, user.locale) == ("王总", "en")


def test_the_privacy_notice_is_asked_for_until_accepted(app: Flask) -> None:
    user_id = make_user(app)
    with app.app_context():
        db.session.execute(update(User).values(privacy_version=None, privacy_accepted_at=None))
        db.session.commit()
    client = logged_in(app)
    asked = client.get("/organisations/new")
    assert asked.status_code == 302 and "/account/privacy" in asked.headers["Location"]
    notice = client.get("/privacy").get_data(as_text=True)
    assert "个人信息保护法" in notice and "谁能看到什么" in notice
    accepted = client.post(asked.headers["Location"])
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith(
        "/organisations/new"
    )
    assert client.get("/organisations/new").status_code == 200
    client.get("/lang/en")
    assert "Personal Information Protection Law" in client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None and user.privacy_version and user.privacy_accepted_at
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "accept_privacy_notice")
        )


def test_an_owner_downloads_all_of_the_organisation_s_data(app: Flask, world: World) -> None:
    a = world.ids["org_a"]
    owner = world.client("owner")
    assert (
        world.client("reviewer").get(f"/assessments/{world.ids['a1']}/results").status_code == 200
    )
    response = owner.get(f"/organisations/{a}/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["organisation"]["name"] == SECRET_A
    tables = data["tables"]
    assert {row["id"] for row in tables["assessment"]} == {world.ids["a1"], world.ids["a2"]}
    with app.app_context():
        answers = db.session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Assessment)
            .where(Assessment.organisation_id == a)
        )
    assert len(tables["answer"]) == answers > 0
    assert tables["membership"] and tables["centre_registration"] and tables["dimension_result"]
    assert "view_assessment" in {e["action"] for e in tables["audit_event"]}, "who read it"
    text = response.get_data(as_text=True)
    for secret in ("record_key", "token_hash", "password_hash", "ip_address"):
        assert secret not in text
    assert "乙方" not in text  # nothing of the other organisation
    assert {"owner@example.com", "member@example.com"} <= {p.get("email") for p in data["people"]}
    workbook = owner.get(f"/organisations/{a}/data.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.data), read_only=True)
    assert {"people", "organisation", "assessment", "answer"} <= set(sheets.sheetnames)
    answer_rows = list(sheets["answer"].iter_rows(values_only=True))
    assert len(answer_rows) == answers + 1  # with the header
    with app.app_context():
        exports = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export_organisation_data")
        ).all()
        assert [e.organisation_id for e in exports] == [a, a]
    # A member, the consultant, the centre and the administrator may not.
    for role in ("member", "consultant", "reviewer", "admin"):
        assert world.client(role).get(f"/organisations/{a}/data.json").status_code in (403, 404)


def test_an_owner_deletes_the_organisation_and_everything_it_owns(app: Flask, world: World) -> None:
    from maturity.models import ReportJob
    from maturity.reports.render import cached_prefix
    from maturity.storage import report_archives, report_cache

    a, a1 = world.ids["org_a"], world.ids["a1"]
    owner = world.client("owner")
    assert owner.get(f"/assessments/{a1}/report.pdf?lang=zh").status_code == 200

    def stored() -> tuple[list[str], bool]:
        with app.app_context():
            job = db.session.get(ReportJob, world.ids["job"])
            assert job is not None and job.archive is not None
            cached = [found.name for found in report_cache().files(cached_prefix(a1))]
            return cached, report_archives().exists(job.archive)

    cached, batch = stored()
    assert cached and batch
    wrong_name = owner.post(
        f"/organisations/{a}/delete", data={"name": "别的名字", "password": PASSWORD}
    )
    assert wrong_name.status_code == 400 and "这不是该企业的名称。" in wrong_name.get_data(
        as_text=True
    )
    wrong_password = owner.post(
        f"/organisations/{a}/delete", data={"name": SECRET_A, "password": "nope"}
    )
    assert wrong_password.status_code == 400
    assert world.client("member").post(
        f"/organisations/{a}/delete", data={"name": SECRET_A, "password": PASSWORD}
    ).status_code in (403, 404)
    deleted = owner.post(
        f"/organisations/{a}/delete", data={"name": SECRET_A, "password": PASSWORD}
    )
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, a) is None
        for model in (Assessment, Membership, ResultSummary):
            assert (
                db.session.scalar(
                    select(func.count()).select_from(model).where(model.organisation_id == a)
                )
                == 0
            )
        assert db.session.scalar(select(func.count()).select_from(Answer)) > 0  # B's stay
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "delete_organisation")
        )
        assert event is not None and event.object_id == str(a)
    assert stored() == ([], False)
    assert owner.get(f"/organisations/{a}").status_code == 404
    assert world.client("reviewer").get(f"/assessments/{a1}/results").status_code == 404


def test_deleting_an_account_keeps_its_answers_for_the_organisation(
    app: Flask, world: World
) -> None:
    a, a2 = world.ids["org_a"], world.ids["a2"]
    member = world.client("member")
    saved = member.post(
        f"/assessments/{a2}/answers",
        json={"question_id": "pd_cad_modelling", "value": 4, "note": "", "revision": 0},
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    # The only owner may not leave the organisation without an owner.
    sole = world.client("owner").post("/account/delete", data={"password": PASSWORD})
    assert sole.status_code == 400 and SECRET_A in sole.get_data(as_text=True)
    wrong = member.post("/account/delete", data={"password": "nope"})
    assert wrong.status_code == 400
    gone = member.post("/account/delete", data={"password": PASSWORD})
    assert gone.status_code == 302
    assert not is_logged_in(member)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "member@example.com")) is None
        answer = db.session.scalar(
            select(Answer).where(
                Answer.assessment_id == a2, Answer.question_id == "pd_cad_modelling"
            )
        )
        assert answer is not None and answer.answered_by_id is None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delete_account"))
    page = world.client("owner").get(f"/assessments/{a2}/dimensions/product_design")
    assert "已离开的成员" in page.get_data(as_text=True)
    relogin = app.test_client().post(
        "/auth/login", data={"email": "member@example.com", "password": PASSWORD}
    )
    assert "电子邮箱或密码错误。" in relogin.get_data(as_text=True)
    assert world.client("owner").get(f"/organisations/{a}").status_code == 200


def test_a_deactivated_account_is_logged_out_everywhere_at_once(app: Flask) -> None:
    make_user(app)
    make_user(app, "admin@example.com", "管理员")
    with app.app_context():
        db.session.execute(
            update(User).where(User.email == "admin@example.com").values(is_admin=True)
        )
        db.session.commit()
        user_id = db.session.scalar(select(User.id).where(User.email == "manager@example.com"))
    victim = logged_in(app, remember=True)
    kept = cookie(victim, "remember_token")
    admin = app.test_client()
    log_in(admin, "admin@example.com")
    assert admin.post(f"/admin/users/{user_id}", data={"action": "deactivate"}).status_code == 302
    assert not is_logged_in(victim)
    assert not is_logged_in(replay(app, remember_token=kept))
