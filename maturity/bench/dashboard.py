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

from maturity.core.privacy_notice import NOTICE_VERSION
from maturity.extensions import db
from maturity.models._types import utcnow

MEASURES = ["overall_index", "score_1", "score_2", "score_3", "score_4"]


# The centre's summary rows as the dashboard selects them: on PostgreSQL by the
# centre_ids the database keeps on each row, on SQLite through the registrations.
ROWS = (
    "FROM result_summary s JOIN centre_registration r "
    "ON r.organisation_id = s.organisation_id AND r.centre_id = :centre "
    "AND r.accepted_at IS NOT NULL "
    "WHERE s.questionnaire_version_id = :version"
)
POSTGRES_ROWS = (
    "FROM result_summary s WHERE s.centre_ids @> ARRAY[CAST(:centre AS integer)] "
    "AND s.questionnaire_version_id = :version"
)


def _postgres_statistics(measures: list[str]) -> str:
    """Mean and quartiles of each measure over the latest rounds."""
    return ", ".join(
        f"avg(s.{m}) FILTER (WHERE s.is_latest), "
        f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY s.{m}) FILTER (WHERE s.is_latest)"
        for m in measures
    )


def _sqlite_ranked(measures: list[str]) -> tuple[str, str]:
    """SQLite has no percentile function: rank each measure once with a window and
    pick the quartile ranks. Returns (ranked CTE, statistics columns)."""
    ranks = ", ".join(f"row_number() OVER (ORDER BY s.{m}) AS rank_{m}" for m in measures)
    picks = ", ".join(
        f"avg(s.{m}), "
        + ", ".join(
            f"max(CASE WHEN rank_{m} = CAST(1 + {fraction} * (n - 1) AS INTEGER) THEN s.{m} END)"
            for fraction in (0.25, 0.5, 0.75)
        )
        for m in measures
    )
    cte = (
        f"WITH latest AS (SELECT s.* {ROWS} AND s.is_latest), "
        f"ranked AS (SELECT s.*, {ranks}, count(*) OVER () AS n FROM latest s) "
    )
    return cte, picks


def bare_sql(dialect: str) -> str:
    """The headline numbers: organisations, assessments, mean and quartiles."""
    if dialect == "postgresql":
        return f"SELECT count(*) FILTER (WHERE s.is_latest), count(*), {_postgres_statistics(MEASURES)} {POSTGRES_ROWS}"
    cte, picks = _sqlite_ranked(MEASURES)
    return f"{cte}SELECT count(*), (SELECT count(*) {ROWS}), {picks} FROM ranked s"


def _median_time(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(centre_id: int, version_id: int, runs: int = 5) -> tuple[float, float, float, float, int]:
    """(dashboard s, dashboard without its cache s, bare SQL for the headline numbers s,
    bare SQL for every number s, organisations).

    The dashboard is fetched over the whole WSGI stack as a reviewer of the centre
    who logs in like anyone else (a temporary account, removed afterwards)."""
    import secrets

    from maturity.models import CentreMembership, QuestionnaireVersion, User
    from maturity.services.questionnaires import questionnaire_of

    dialect = db.engine.dialect.name
    version = db.session.get(QuestionnaireVersion, version_id)
    assert version is not None, version_id
    questionnaire = questionnaire_of(version)
    sql = text(bare_sql(dialect))
    everything_sql = text(
        bare_sql_everything(dialect, len(questionnaire.questions), len(questionnaire.dimensions))
    )
    params = {"centre": centre_id, "version": version_id}

    def bare() -> None:
        db.session.execute(sql, params).all()
        db.session.commit()

    def bare_everything() -> None:
        db.session.execute(everything_sql, params).all()
        db.session.commit()

    organisations = db.session.execute(sql, params).one()[0]
    password = secrets.token_urlsafe(16)
    email = f"bench-{secrets.token_hex(6)}@bench.invalid"
    reviewer = User(
        email=email,
        name="bench",
        locale="zh",
        email_confirmed_at=utcnow(),
        privacy_version=NOTICE_VERSION,
        privacy_accepted_at=utcnow(),
    )
    reviewer.set_password(password)
    db.session.add(reviewer)
    db.session.flush()
    reviewer_id = reviewer.id
    db.session.add(CentreMembership(user_id=reviewer_id, centre_id=centre_id))
    # Commit and touch nothing more: on SQLite every transaction takes the write lock.
    db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method Flask's types omit
    server = make_server("127.0.0.1", 0, app, threaded=True)
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

        def uncached_dashboard() -> None:
            from maturity.services.dashboard import clear_cache

            clear_cache()
            dashboard()

        dashboard()
        bare()
        bare_everything()
        return (
            _median_time(dashboard, runs),
            _median_time(uncached_dashboard, runs),
            _median_time(bare, runs),
            _median_time(bare_everything, runs),
            organisations,
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db.session.delete(db.session.get(User, reviewer_id))
        db.session.commit()


def bare_sql_everything(dialect: str, questions: int, dimensions: int) -> str:
    """One hand-written query for every number the dashboard shows: counts, means,
    quartiles, level distributions, practice means, progress and the breakdowns."""
    from maturity.core import reference

    measures = ["overall_index", *(f"score_{i}" for i in range(1, dimensions + 1))]
    level_columns = ["overall_level", *(f"level_{i}" for i in range(1, dimensions + 1))]
    latest = "s.is_latest" if dialect == "postgresql" else "1"
    where = f"WHERE {latest}" if dialect == "postgresql" else ""
    aggregates = []
    for column in level_columns:
        for level in range(6):
            condition = (
                f"{latest} AND s.{column} = {level}"
                if dialect == "postgresql"
                else f"s.{column} = {level}"
            )
            aggregates.append(f"count(*) FILTER (WHERE {condition})")
    for position in range(1, questions + 1):
        aggregates += [
            f"count(s.answer_{position}) {_filter(where)}",
            f"sum(s.answer_{position}) {_filter(where)}",
        ]
    for position in range(1, dimensions + 1):
        aggregates += [
            f"count(s.delta_{position}) {_filter(where)}",
            f"avg(s.delta_{position}) {_filter(where)}",
        ]
    groups = {
        "size_class": [size.value for size in reference.SizeClass],
        "industry_section": [section.code for section in reference.sections()],
        "province_code": [province.code for province in reference.provinces()],
    }
    for column, values in groups.items():
        for value in values:
            condition = (
                f"{latest} AND s.{column} = '{value}'"
                if dialect == "postgresql"
                else f"s.{column} = '{value}'"
            )
            aggregates += [
                f"count(*) FILTER (WHERE {condition})",
                f"avg(s.overall_index) FILTER (WHERE {condition})",
            ]
    if dialect == "postgresql":
        return (
            "SELECT count(*) FILTER (WHERE s.is_latest), count(*), "
            f"{_postgres_statistics(measures)}, {', '.join(aggregates)} {POSTGRES_ROWS}"
        )
    cte, picks = _sqlite_ranked(measures)
    return f"{cte}SELECT (SELECT count(*) {ROWS}), count(*), {picks}, {', '.join(aggregates)} FROM ranked s"


def _filter(where: str) -> str:
    return f"FILTER ({where})" if where else ""
