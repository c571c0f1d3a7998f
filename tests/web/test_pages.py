from __future__ import annotations

from flask.testing import FlaskClient


def test_home_page_is_chinese_by_default(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "贵企业的数字化程度如何？" in html
    assert "产品设计数字化" in html and "经营决策数字化" in html


def test_language_switch_to_english_and_back(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How digital is your enterprise?" in html
    assert "Production process" in html
    client.get("/lang/zh")
    assert "贵企业的数字化程度如何？" in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_unknown_language_and_foreign_redirects(
    client: FlaskClient,
) -> None:
    assert client.get("/lang/fr").status_code == 404
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.headers["Location"] == "/"


def test_not_found_page_in_users_language(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)
    client.get("/lang/en")
    assert "This page does not exist" in client.get("/no-such-page").get_data(as_text=True)


def test_layout_is_made_for_phones_and_sets_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in response.get_data(
        as_text=True
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
