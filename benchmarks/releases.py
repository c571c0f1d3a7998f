"""Release figures: ``flask --app maturity bench releases``.

For a centre of synthetic organisations (``flask seed synthetic``): how long its
release of one closed period takes to compute from the database (reading the result
summaries, then the noise), and how long its dashboard takes to serve from the stored
release, over the whole WSGI stack and real HTTP, as a reviewer who logs in like
anyone else, beside the time of one bare read of the release's row.
"""

from __future__ import annotations

import http.cookiejar
import logging
import re
import secrets
import statistics
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from werkzeug.serving import make_server

from maturity.core.periods import Period, year
from maturity.core.privacy_notice import NOTICE_VERSION
from maturity.extensions import db
from maturity.models import CentreMembership, CentreRegistration, ResultSummary, User
from maturity.models._types import utcnow
from maturity.services import releases


@dataclass(frozen=True)
class ReleaseFigures:
    period: str
    organisations: int  # in the release: the latest round of each in the period
    reading: float  # seconds: the summaries read into records
    computing: float  # seconds: the whole release, reading included, stored
    dashboard: float  # seconds: median full HTTP response of the dashboard
    filtered: float  # the same with a section, a size and a province chosen
    bare_read: float  # seconds: the release's row read and parsed, nothing else
    document_kb: float

    def lines(self, dialect: str) -> list[str]:
        return [
            f"[{dialect}] release {self.period} of {self.organisations:,} organisations: "
            f"{self.computing:.1f} s computed and stored ({self.reading:.1f} s of it reading "
            f"the summaries); {self.document_kb:,.0f} kB stored",
            f"[{dialect}] dashboard served from it, full HTTP response, median: "
            f"{self.dashboard * 1000:.0f} ms; one section × size cell "
            f"{self.filtered * 1000:.0f} ms; the release's row read and parsed alone "
            f"{self.bare_read * 1000:.0f} ms",
        ]


def busiest_closed_year(centre_id: int, today: date) -> Period:
    """The closed calendar year with the most of the centre's rounds."""
    submitted_year = func.extract("year", ResultSummary.submitted_at)
    counts = db.session.execute(
        select(submitted_year, func.count())
        .join(
            CentreRegistration,
            (CentreRegistration.organisation_id == ResultSummary.organisation_id)
            & (CentreRegistration.centre_id == centre_id),
        )
        .where(ResultSummary.submitted_at < releases.start_of(date(today.year, 1, 1)))
        .group_by(submitted_year)
    ).all()
    db.session.commit()
    if not counts:
        raise LookupError("the centre has no rounds in a closed year")
    best, _count = max(counts, key=lambda row: row[1])
    return year(int(best))


def _median_time(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(centre_id: int, period: Period, runs: int = 7) -> ReleaseFigures:
    population = releases.centre_population(centre_id)
    started = time.perf_counter()
    records, _shapes = releases.records_for(population, period)
    reading = time.perf_counter() - started
    started = time.perf_counter()
    row = releases.compute(population, period, releases.next_revision(population, period.code))
    computing = time.perf_counter() - started
    assert row is not None
    document_kb = len(row.document) / 1024

    def bare_read() -> None:
        stored = releases.latest(population, period.code)
        assert stored is not None
        db.session.commit()

    served, filtered = _serve(centre_id, period, runs)
    return ReleaseFigures(
        period=period.code,
        organisations=len(records),
        reading=reading,
        computing=computing,
        dashboard=served,
        filtered=filtered,
        bare_read=_median_time(bare_read, runs),
        document_kb=document_kb,
    )


def _serve(centre_id: int, period: Period, runs: int) -> tuple[float, float]:
    """(dashboard s, filtered dashboard s): medians of full HTTP responses."""
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
    for name in ("werkzeug", "maturity.requests"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy method Flask's types omit
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # Real HTTP on loopback (a trusted host outside production).
        base = f"http://127.0.0.1:{server.server_port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = opener.open(base + "/auth/login").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
        body = urllib.parse.urlencode(
            {"email": email, "password": password, "csrf_token": token.group(1) if token else ""}
        ).encode()
        opener.open(base + "/auth/login", data=body).read()
        url = f"{base}/centres/{centre_id}/dashboard?period={period.code}"
        filtered_url = f"{url}&section=C&size=small"

        def fetch(address: str) -> Callable[[], None]:
            def action() -> None:
                with opener.open(address) as response:
                    assert response.status == 200 and response.url == address, response.url
                    response.read()

            return action

        fetch(url)()
        fetch(filtered_url)()
        return _median_time(fetch(url), runs), _median_time(fetch(filtered_url), runs)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        db.session.delete(db.session.get(User, reviewer_id))
        db.session.commit()
