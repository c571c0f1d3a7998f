from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import User
from tests.conftest import csrf_token_from
from tests.helpers import PASSWORD, make_user


def test_register_logs_in_and_hashes_password(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/auth/register",
        data={
            "name": "李经理",
            "email": "Li@Example.com",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/new"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "li@example.com"))
        assert user is not None
        assert PASSWORD not in user.password_hash and user.password_hash.startswith("$argon2")
        assert user.check_password(PASSWORD) and not user.check_password("wrong password")


def test_register_errors_are_in_the_users_language(app: Flask, client: FlaskClient) -> None:
    make_user(app, "taken@example.com")
    data = {"name": "", "email": "taken@example.com", "password": "short", "password_again": "x"}
    html = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "请输入您的姓名。" in html
    assert "长度须在 10 到 200 个字符之间。" in html
    assert "两次输入的密码不一致。" in html
    client.get("/lang/en")
    html = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "Please enter your name." in html
    assert "The two passwords differ." in html


def test_duplicate_email_is_refused_case_insensitively(app: Flask, client: FlaskClient) -> None:
    make_user(app, "taken@example.com")
    data = {
        "name": "X",
        "email": "TAKEN@example.com",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    html = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "该电子邮箱已注册账号。" in html
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


def test_login_wrong_password_and_logout(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    bad = client.post("/auth/login", data={"email": "manager@example.com", "password": "nope"})
    assert bad.status_code == 200 and "电子邮箱或密码错误。" in bad.get_data(as_text=True)
    good = client.post("/auth/login", data={"email": "MANAGER@example.com", "password": PASSWORD})
    assert good.status_code == 302
    assert "王经理" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert "王经理" not in client.get("/").get_data(as_text=True)


def test_login_restores_the_users_language(app: Flask, client: FlaskClient) -> None:
    make_user(app, locale="en")
    client.post("/auth/login", data={"email": "manager@example.com", "password": PASSWORD})
    assert "How digital is your enterprise?" in client.get("/").get_data(as_text=True)


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
