"""The API reference for people at /api/docs: Swagger UI over the OpenAPI document,
every file it loads from this server (no CDN), no inline script."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask

from tests.helpers import publish_questionnaires


def referenced(html: str) -> list[str]:
    """Every URL the page loads or links to: src, href and the document it reads."""
    return re.findall(r'(?:src|href|data-url)="([^"]*)"', html)


def test_the_api_reference_loads_only_files_of_this_server(app: Flask) -> None:
    publish_questionnaires(app)
    client = app.test_client()
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "swagger-ui-bundle.js" in html and "/api/v1/openapi.json" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    # Scripts only as files: the policy refuses inline ones.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    urls = referenced(html)
    assert len(urls) >= 5
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, url
        assert url.startswith("/"), url
        loaded = client.get(url)
        assert loaded.status_code == 200, url
        loaded.close()


def test_the_api_reference_needs_no_token_and_serves_nothing_else(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/docs/swagger-ui-bundle.js").status_code == 200
    # Only the files the page uses; the package's other files and paths stay closed.
    for path in ("/api/docs/index.css", "/api/docs/../__init__.py", "/api/docs/LICENSE"):
        response = client.get(path)
        assert response.status_code == 404, path
    # The JSON API itself still wants a token.
    assert client.get("/api/v1/me").status_code == 401


def test_the_api_reference_is_in_the_reader_s_language(app: Flask) -> None:
    """Chinese by default, English once chosen with the site's language switch (the
    session's choice holds on /api/docs although the API ignores the login)."""
    client = app.test_client()
    assert '<html lang="zh-CN">' in client.get("/api/docs").get_data(as_text=True)
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get("/api/docs").get_data(as_text=True)
    assert '<html lang="en">' in english and "API reference" in english
