from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.conftest import make_app


def test_health_reports_the_database(app: Flask) -> None:
    response = app.test_client().get("/health")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_unreachable_database_gives_a_clear_503_in_the_users_language(tmp_path: Path) -> None:
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=2", tmp_path)
    client = app.test_client()
    health = client.get("/health")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
    page = client.post("/auth/login", data={"email": "a@example.com", "password": "x"})
    assert page.status_code == 503
    assert "数据库暂时无法连接" in page.get_data(as_text=True)
    client.get("/lang/en")
    page = client.post("/auth/login", data={"email": "a@example.com", "password": "x"})
    assert page.status_code == 503 and "The database cannot be reached" in page.get_data(
        as_text=True
    )
