"""Two centres of synthetic organisations with a release each, for the dashboard
tests: a reviewer of each centre, logged in, and last year's release."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select

from maturity.core.periods import Period, year
from maturity.extensions import db
from maturity.models import Centre, CentreMembership
from maturity.services import releases
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.helpers import log_in, make_user, publish_questionnaires

# Synthetic first rounds lie 370 to 730 days back: most in last year.
LAST_YEAR = year(date.today().year - 1)


def reviewer_of(app: Flask, centre_name: str, email: str) -> tuple[int, Any]:
    """A new reviewer of the named centre: the centre's id and the reviewer's client."""
    user_id = make_user(app, email, f"审阅 {centre_name}")
    with app.app_context():
        centre_id = db.session.scalar(select(Centre.id).where(Centre.name == centre_name))
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre_id))
        db.session.commit()
    client = app.test_client()
    log_in(client, email)
    return centre_id, client


def compute(app: Flask, centre_id: int, period: Period = LAST_YEAR) -> None:
    """The centre's release of the period, as its next revision."""
    with app.app_context():
        population = releases.centre_population(centre_id)
        releases.compute(population, period, releases.next_revision(population, period.code))


def two_centres(app: Flask) -> dict[str, Any]:
    """Two centres of synthetic organisations (120 and 40), a reviewer of each, and
    last year's release of each."""
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        generate(120, 3, "甲中心", version)
        generate(40, 4, "乙中心", version)
    centre_a, client_a = reviewer_of(app, "甲中心", "a@example.com")
    centre_b, client_b = reviewer_of(app, "乙中心", "b@example.com")
    compute(app, centre_a)
    compute(app, centre_b)
    return {"a": centre_a, "b": centre_b, "client_a": client_a, "client_b": client_b}
