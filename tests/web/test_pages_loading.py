"""The app loads its pages (views, models) on first use (maturity.Application)."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import url_for

from tests.conftest import make_app


def test_the_first_requests_of_concurrent_threads_all_find_their_pages(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, tmp_path)
    start = threading.Barrier(8)
    statuses: list[int] = []

    def first_request() -> None:
        client = app.test_client()
        start.wait()
        statuses.append(client.get("/auth/login").status_code)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert "auth.login" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_a_link_built_outside_a_request_loads_the_pages(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, BASE_URL="http://maturity.example")
    with app.app_context():
        assert url_for("auth.login", _external=True) == "http://maturity.example/auth/login"
