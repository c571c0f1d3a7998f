"""Signing up with a confirmed address, logging in and out, forgotten passwords."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from maturity.extensions import db
from maturity.models import EmailLink, User
from tests.conftest import csrf_token_from
from tests.helpers import PASSWORD, log_in, make_user, sign_up
from tests.mailbox import Mailbox

NEW_PASSWORD = "seven green kites over the harbour"


def register(client: FlaskClient, email: str, name: str = "李经理", **extra: str) -> str:
    data = {
        "name": name,
        "email": email,
        "password": PASSWORD,
        "password_again": PASSWORD,
        "accept_privacy": "y",
        **extra,
    }
    return client.post("/auth/register", data=data).get_data(as_text=True)


def test_sign_up_is_confirmed_by_mail_then_logs_in(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    page = register(client, "Li@Example.com")
    assert "我们已向 li@example.com 发送了一封邮件" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "li@example.com"))
        assert user is not None and user.email_confirmed_at is None
        assert user.privacy_version is not None and user.privacy_accepted_at is not None
        assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2")
    # Not confirmed: the password alone does not open the account.
    refused = client.post("/auth/login", data={"email": "li@example.com", "password": PASSWORD})
    assert "请先确认您的电子邮箱" in refused.get_data(as_text=True)
    first, mail = mailbox.wait_for("li@example.com", count=2)
    assert mail.subject == "请确认您的电子邮箱"
    assert "李经理" in mail.text and 'href="http://localhost/auth/confirm/' in mail.html
    # The link sent at the login attempt replaced the first one.
    stale = first.link("/auth/confirm/").removeprefix("http://localhost")
    assert app.test_client().get(stale).status_code == 404
    link = mail.link("/auth/confirm/").removeprefix("http://localhost")
    asked = client.get(link).get_data(as_text=True)
    assert "li@example.com 只差一步" in asked
    wrong = client.post(link, data={"password": "not the one"})
    assert wrong.status_code == 400 and "这不是注册时设置的密码。" in wrong.get_data(as_text=True)
    confirmed = client.post(link, data={"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/organisations/new"
    assert "李经理" in client.get("/").get_data(as_text=True)
    # The link is single-use.
    assert app.test_client().get(link).status_code == 404


def test_sign_up_never_says_whether_an_address_has_an_account(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_user(app, "taken@example.com", "老用户", locale="en")
    taken = register(client, "TAKEN@example.com", name="X")
    fresh = register(app.test_client(), "fresh@example.com", name="X")
    assert taken.replace("taken@example.com", "@") == fresh.replace("fresh@example.com", "@")
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 2
        assert db.session.scalar(select(User.name).where(User.email == "taken@example.com")) == (
            "老用户"
        )
    # The owner of the address is told, in their language, how to get in.
    told = mailbox.wait_for("taken@example.com")[0]
    assert told.subject == "You already have an account"
    assert told.link("/auth/login") and told.link("/auth/forgot")


def test_register_errors_are_in_the_users_language(app: Flask, client: FlaskClient) -> None:
    data = {"name": "", "email": "a@example.com", "password": "short", "password_again": "x"}
    html = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "请输入您的姓名。" in html
    assert "至少 10 个字符。" in html
    assert "两次输入的密码不一致。" in html
    assert "请阅读并同意隐私政策后注册。" in html
    client.get("/lang/en")
    html = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "Please enter your name." in html
    assert "The two passwords differ." in html
    assert "Please read and accept the privacy notice to sign up." in html


def test_weak_passwords_are_refused_with_the_reason(app: Flask, client: FlaskClient) -> None:
    cases = {
        "aaaaaaaaaa": "重复的字符",
        "1234567890": "常用密码",
        "qwertyuiop": "常用密码",
        "password123": "常用密码",
        "wangjingli2026": "您的姓名或电子邮箱",
    }
    for password, reason in cases.items():
        html = client.post(
            "/auth/register",
            data={
                "name": "Wang Jingli",
                "email": "wangjingli@example.com",
                "password": password,
                "password_again": password,
                "accept_privacy": "y",
            },
        ).get_data(as_text=True)
        assert reason in html, password
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


def test_login_wrong_password_and_logout(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    bad = client.post("/auth/login", data={"email": "manager@example.com", "password": "nope"})
    assert bad.status_code == 200 and "电子邮箱或密码错误。" in bad.get_data(as_text=True)
    unknown = client.post("/auth/login", data={"email": "nobody@example.com", "password": "x"})
    assert "电子邮箱或密码错误。" in unknown.get_data(as_text=True)
    good = client.post("/auth/login", data={"email": "MANAGER@example.com", "password": PASSWORD})
    assert good.status_code == 302
    assert "王经理" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert "王经理" not in client.get("/").get_data(as_text=True)


def test_login_restores_the_users_language(app: Flask, client: FlaskClient) -> None:
    make_user(app, locale="en")
    client.post("/auth/login", data={"email": "manager@example.com", "password": PASSWORD})
    assert "Welcome, 王经理" in client.get("/").get_data(as_text=True)


def test_forms_require_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        "/auth/login", data={"email": "a@example.com", "password": "x", "csrf_token": token}
    )
    assert response.status_code == 200
    assert "电子邮箱或密码错误。" in response.get_data(as_text=True)


def request_reset(client: FlaskClient, mailbox: Mailbox, email: str) -> str:
    before = len(mailbox.to(email))
    page = client.post("/auth/forgot", data={"email": email}).get_data(as_text=True)
    assert "我们已向" in page
    mail = mailbox.wait_for(email, count=before + 1)[-1]
    return mail.link("/auth/reset/").removeprefix("http://localhost")


def reset_to(client: FlaskClient, link: str, password: str = NEW_PASSWORD) -> int:
    return client.post(link, data={"password": password, "password_again": password}).status_code


def test_a_reset_link_works_once(app: Flask, client: FlaskClient, mailbox: Mailbox) -> None:
    make_user(app)
    link = request_reset(client, mailbox, "manager@example.com")
    mail = mailbox.to("manager@example.com")[0]
    assert mail.subject == "设置新密码" and "60 分钟" in mail.text
    weak = client.post(link, data={"password": "1234567890", "password_again": "1234567890"})
    assert weak.status_code == 200 and "常用密码" in weak.get_data(as_text=True)
    assert reset_to(client, link) == 302
    assert "王经理" in client.get("/").get_data(as_text=True)  # logged in with the new one
    again = app.test_client()
    assert again.get(link).status_code == 404
    assert reset_to(again, link, "another quite long sentence here") == 404
    other = app.test_client()
    old = other.post("/auth/login", data={"email": "manager@example.com", "password": PASSWORD})
    assert "电子邮箱或密码错误。" in old.get_data(as_text=True)
    new = other.post("/auth/login", data={"email": "manager@example.com", "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_reset_link_works_only_within_its_hour(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_user(app)
    link = request_reset(client, mailbox, "manager@example.com")
    with app.app_context():
        found = db.session.scalars(select(EmailLink)).one()
        assert timedelta(minutes=59) < found.expires_at - found.created_at <= timedelta(hours=1)
        db.session.execute(
            update(EmailLink).values(expires_at=found.created_at + timedelta(seconds=-1))
        )
        db.session.commit()
    assert reset_to(client, link) == 404
    assert "不再有效" in client.get(link).get_data(as_text=True)


def test_a_newer_reset_link_replaces_the_older(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_user(app)
    first = request_reset(client, mailbox, "manager@example.com")
    client.post("/auth/forgot", data={"email": "manager@example.com"})
    second = mailbox.wait_for("manager@example.com", count=2)[1].link("/auth/reset/")
    assert reset_to(client, first) == 404
    assert reset_to(client, second.removeprefix("http://localhost")) == 302


def test_forgot_password_answers_alike_for_unknown_addresses(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    make_user(app)
    known = client.post("/auth/forgot", data={"email": "manager@example.com"})
    unknown = client.post("/auth/forgot", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("manager@example.com", "@") == unknown.get_data(
        as_text=True
    ).replace("nobody@example.com", "@")
    told = mailbox.wait_for("nobody@example.com")[0]
    assert told.subject == "有人请求重置密码" and "/auth/register" in told.text
    assert not [link for link in told.links() if "/auth/reset/" in link]


def test_a_stranger_who_signs_up_with_your_address_cannot_take_your_account(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    """Pre-account takeover: the stranger chooses the password and waits for the
    address's owner to confirm. Confirming needs that password, so the owner cannot
    (and does not) confirm it; the owner's own sign-up or a reset takes it over."""
    register(client, "victim@example.com", name="冒名者")
    stranger_link = mailbox.wait_for("victim@example.com")[0].link("/auth/confirm/")
    victim = app.test_client()
    refused = victim.post(
        stranger_link.removeprefix("http://localhost"), data={"password": "my own password!"}
    )
    assert refused.status_code == 400
    # The victim signs up themselves: the latest sign-up wins, with their password.
    victim.post(
        "/auth/register",
        data={"name": "本人", "email": "victim@example.com", "password": "the victim's own sentence",
              "password_again": "the victim's own sentence", "accept_privacy": "y"},
    )  # fmt: skip
    own_link = mailbox.wait_for("victim@example.com", count=2)[1].link("/auth/confirm/")
    assert app.test_client().get(stranger_link.removeprefix("http://localhost")).status_code == 404
    confirmed = victim.post(
        own_link.removeprefix("http://localhost"), data={"password": "the victim's own sentence"}
    )
    assert confirmed.status_code == 302
    stranger = app.test_client().post(
        "/auth/login", data={"email": "victim@example.com", "password": PASSWORD}
    )
    assert "电子邮箱或密码错误。" in stranger.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.email == "victim@example.com")) == (
            "本人"
        )


def test_a_reset_confirms_an_unconfirmed_address(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    register(client, "squatted@example.com", name="冒名者")
    mailbox.wait_for("squatted@example.com")
    link = request_reset(app.test_client(), mailbox, "squatted@example.com")
    assert reset_to(client, link) == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "squatted@example.com"))
        assert user is not None and user.email_confirmed_at is not None


def test_sign_up_with_an_invitation_returns_to_it(
    app: Flask, client: FlaskClient, mailbox: Mailbox
) -> None:
    assert sign_up(client, mailbox, "joiner@example.com", next_path="/organisations/new") == (
        "/organisations/new"
    )
    log_in(app.test_client(), "joiner@example.com")
