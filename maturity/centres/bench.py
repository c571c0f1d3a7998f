"""Dashboard figures: `flask --app maturity bench dashboard`.

Prints the full HTTP response time of a centre's dashboard (median of several
runs) next to the time of one hand-written SQL query that computes the same
headline numbers (organisations, assessments, and per measure the mean and the
quartiles) on the same database.
"""

from __future__ import annotations

import http.cookiejar
import logging
import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text
from werkzeug.serving import make_server

from maturity.extensions import db

MEASURES = ["overall_index", "score_1", "score_2", "score_3", "score_4"]


def bare_sql(dialect: str) -> str:
    latest = (
        "FROM result_summary s JOIN centre_registration r "
        "ON r.organisation_id = s.organisation_id AND r.centre_id = :centre "
        "WHERE s.questionnaire_version_id = :version"
    )
    if dialect == "postgresql":
        latest_only = "FILTER (WHERE s.is_latest)"
        stats = ", ".join(
            f"avg(s.{m}) {latest_only}, "
            f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY s.{m}) {latest_only}"
            for m in MEASURES
        )
        return f"SELECT count(*) {latest_only}, count(*), {stats} {latest}"
    # SQLite has no percentile function: rank each measure once with a window.
    ranked = ", ".join(f"{m}, row_number() OVER (ORDER BY {m}) AS rank_{m}" for m in MEASURES)
    picks = ", ".join(
        f"avg({m}), "
        + ", ".join(
            f"max(CASE WHEN rank_{m} = CAST(1 + {fraction} * (n - 1) AS INTEGER) THEN {m} END)"
            for fraction in (0.25, 0.5, 0.75)
        )
        for m in MEASURES
    )
    return (
        f"WITH latest AS (SELECT s.* {latest} AND s.is_latest), "
        f"ranked AS (SELECT {ranked}, count(*) OVER () AS n FROM latest) "
        f"SELECT (SELECT count(*) FROM latest), "
        f"(SELECT count(*) {latest}), {picks} FROM ranked"
    )


def _median_time(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(centre_id: int, version_id: int, runs: int = 5) -> tuple[float, float, int]:
    """(dashboard seconds, bare SQL seconds, organisations).

    The dashboard is fetched over the whole WSGI stack as a reviewer of the centre
    who logs in like anyone else (a temporary account, removed afterwards)."""
    import secrets

    from maturity.models import CentreMembership, User

    sql = text(bare_sql(db.engine.dialect.name))
    params = {"centre": centre_id, "version": version_id}

    def bare() -> None:
        db.session.execute(sql, params).all()
        db.session.commit()

    organisations = db.session.execute(sql, params).first()[0]  # type: ignore[index]
    password = secrets.token_urlsafe(16)
    email = f"bench-{secrets.token_hex(6)}@bench.invalid"
    reviewer = User(email=email, name="bench", locale="zh")
    reviewer.set_password(password)
    db.session.add(reviewer)
    db.session.flush()
    reviewer_id = reviewer.id
    db.session.add(CentreMembership(user_id=reviewer_id, centre_id=centre_id))
    # Commit and touch nothing more: on SQLite every transaction takes the write lock.
    db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # Real HTTP on loopback: the server thread has its own request contexts.
        base = f"http://127.0.0.1:{server.server_port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = opener.open(base + "/auth/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
        body = urllib.parse.urlencode(
            {
                "email": email,
                "password": password,
                "csrf_token": token.group(1) if token else "",
            }
        ).encode()
        opener.open(base + "/auth/login", data=body).read()
        url = f"{base}/centres/{centre_id}/dashboard"

        def dashboard() -> None:
            with opener.open(url) as response:
                assert response.status == 200 and response.url == url, response.url
                response.read()

        dashboard()
        bare()
        return _median_time(dashboard, runs), _median_time(bare, runs), organisations
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db.session.delete(db.session.get(User, reviewer_id))
        db.session.commit()
