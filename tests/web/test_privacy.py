"""The review's attacks replayed through the application: what an adversary reads is
a stored release, which puppets, resubmissions and a hundred rounds do not move; and
no count from 1 to k - 1 anywhere. How far the attacks get against the noise itself
is measured in tests/core/test_release_attacks.py (and printed by
``flask bench privacy``)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, update

from maturity.core.periods import Period, parse_period
from maturity.extensions import db
from maturity.models import (
    Assessment,
    Centre,
    CentreMembership,
    Organisation,
    ResultSummary,
)
from maturity.services import releases
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.api.test_api import token_for
from tests.helpers import attested, log_in, make_user, publish_questionnaires
from tests.web.test_dashboard import make_org

K = 10
# A closed quarter: last year's second.
QUARTER = parse_period(f"{date.today().year - 1}-Q2")
assert QUARTER is not None


def backdate(app: Flask, period: Period) -> None:
    """Every submitted round into the middle of the period, as if it had been
    submitted then (rounds keep their order)."""
    day = datetime.combine(period.first, time(12), tzinfo=UTC)
    with app.app_context():
        for model in (Assessment, ResultSummary):
            db.session.execute(
                update(model).where(model.submitted_at.is_not(None)).values(submitted_at=day)
            )
        db.session.commit()


def new_round(app: Flask, organisation_id: int, value: int) -> int:
    """Another round of the organisation, every answer at ``value``, submitted."""
    from maturity.models import User
    from maturity.services import assessments as service
    from tests.helpers import fill_round

    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        user = db.session.scalars(select(User)).first()
        assert organisation is not None and user is not None
        assessment = service.start_or_resume(organisation, user)
        fill_round(assessment.id, user.id, value)
        service.submit(assessment, user, attested())
        return assessment.id


def compute(app: Flask, population: str, period: Period) -> None:
    with app.app_context():
        releases.compute(population, period, releases.next_revision(population, period.code))


@pytest.fixture
def centre(app: Flask) -> dict[str, Any]:
    """A target among 24 sock puppets of section C in Hangzhou (12 at all-0 answers,
    12 at all-5), all submitted in a closed quarter whose release is computed."""
    publish_questionnaires(app)
    user_id = make_user(app, "reviewer@example.com", "审阅")
    with app.app_context():
        centre = Centre(name="隐私中心")
        db.session.add(centre)
        db.session.flush()
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre.id))
        db.session.commit()
        centre_id = centre.id
    for index in range(24):
        make_org(app, centre_id, "34", 50, 1000, 0 if index < 12 else 5, index)
    make_org(app, centre_id, "34", 50, 1000, 3, 99)  # the target
    backdate(app, QUARTER)
    compute(app, releases.centre_population(centre_id), QUARTER)
    return {"id": centre_id, "headers": token_for(app, "reviewer")}


def aggregates(app: Flask, centre: dict[str, Any], **filters: str) -> dict[str, Any]:
    response = app.test_client().get(
        f"/api/v1/centres/{centre['id']}/aggregates",
        query_string=filters,
        headers=centre["headers"],
    )
    assert response.status_code == 200, response.json
    return response.json


def test_puppets_and_resubmissions_move_nothing_a_reviewer_reads(
    app: Flask, centre: dict[str, Any]
) -> None:
    """The cell-key attack: read, re-submit a puppet at a known index, read again, and
    the difference was the target's. Against a release there is no difference to read:
    it was computed when the quarter closed, once."""
    readings = [
        aggregates(app, centre, period=QUARTER.code, **filters)
        for filters in ({}, {"city": "330100"}, {"section": "C", "size": "small"})
    ]
    assert all(r["release"]["period"] == QUARTER.code for r in readings)
    assert readings[0]["release"]["revision"] == 1
    # Puppets re-submit at a known index, and a new one joins, in the same quarter.
    for index in (200, 201):
        make_org(app, centre["id"], "34", 50, 1000, 1, index)
    with app.app_context():
        puppet = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert puppet is not None
        organisation_id = puppet.id
    new_round(app, organisation_id, 4)
    backdate(app, QUARTER)
    again = [
        aggregates(app, centre, period=QUARTER.code, **filters)
        for filters in ({}, {"city": "330100"}, {"section": "C", "size": "small"})
    ]
    assert again == readings


def test_percentile_mapping_reads_the_same_quartiles_round_after_round(app: Flask) -> None:
    """An SME submits rounds with its index climbing and reads its standing after each:
    each reading shows its quarter against the same three published quartiles, so a
    hundred rounds tell it three numbers, not its peers' indexes."""
    publish_questionnaires(app)
    owner_id = make_user(app, "owner@example.com", "企业主")
    with app.app_context():
        # Enough peers for the quartiles of a cohort to be published at all.
        generate(200, 5, "对标中心", current_version("sme-digital"), sections={"C": 1.0})
    backdate(app, QUARTER)
    compute(app, releases.PLATFORM, QUARTER)
    with app.app_context():
        target = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
        assert target is not None
        target_id = target.id
    from tests.helpers import add_membership

    add_membership(app, owner_id, target_id, "owner")
    headers = token_for(app, "owner")
    client = app.test_client()
    seen: list[tuple[int, float, tuple[float, ...]]] = []
    for value in range(6):
        latest = new_round(app, target_id, value)
        data = client.get(f"/api/v1/assessments/{latest}/results", headers=headers).json
        benchmark = data["benchmark"]
        assert benchmark["release"] == QUARTER.code and benchmark["cohort_size"] == "100+"
        overall = benchmark["overall"]
        seen.append((overall["quarter"], data["overall"]["index"], tuple(overall["quartiles"])))
    assert len({quartiles for _q, _i, quartiles in seen}) == 1
    quarters = [quarter for quarter, _index, _q in sorted(seen, key=lambda s: s[1])]
    assert quarters == sorted(quarters) and quarters[0] < quarters[-1]


def small_counts(values: list[Any]) -> list[Any]:
    """Whole numbers from 1 to k - 1 among the values (means always carry a decimal)."""
    found = []
    for value in values:
        if isinstance(value, bool):
            continue
        whole = isinstance(value, int) or (isinstance(value, str) and value.strip().isdecimal())
        if whole and 1 <= int(value) < K:
            found.append(value)
    return found


@pytest.fixture
def synthetic_centre(app: Flask) -> dict[str, Any]:
    publish_questionnaires(app)
    with app.app_context():
        generate(150, 11, "属性中心", current_version("sme-digital"))
        centre_id = db.session.scalar(select(Centre.id).where(Centre.name == "属性中心"))
    user_id = make_user(app, "reviewer@example.com", "审阅")
    with app.app_context():
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre_id))
        db.session.commit()
        assert releases.compute_due(date.today()) > 0
    return {"id": centre_id, "headers": token_for(app, "reviewer")}


@pytest.mark.slow
def test_no_count_from_1_to_k_minus_1_in_any_table_export_or_api(
    app: Flask, synthetic_centre: dict[str, Any]
) -> None:
    client = app.test_client()
    log_in(client, "reviewer@example.com")
    api = app.test_client()
    base = f"/centres/{synthetic_centre['id']}"
    with app.app_context():
        periods = releases.periods_of(releases.centre_population(synthetic_centre["id"]))

    @given(
        filters=st.fixed_dictionaries(
            {},
            optional={
                "section": st.sampled_from(["C", "F", "I", "M"]),
                "size": st.sampled_from(["large", "medium", "small", "micro"]),
                "province": st.sampled_from(["330000", "440000", "320000", "110000"]),
                "period": st.sampled_from(periods),
            },
        )
    )
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(filters: dict[str, str]) -> None:
        data = api.get(
            f"/api/v1{base}/aggregates", query_string=filters, headers=synthetic_centre["headers"]
        ).json
        from_api = [cell for t in data["tables"] for row in t["rows"] for cell in row[1:]]
        assert small_counts(from_api) == [], (filters, data["tables"])
        text = client.get(f"{base}/dashboard.csv", query_string=filters).get_data(as_text=True)
        csv_rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert small_counts([c for row in csv_rows for c in row[1:]]) == [], filters
        sheet = load_workbook(
            io.BytesIO(client.get(f"{base}/dashboard.xlsx", query_string=filters).data)
        ).active
        # A spreadsheet keeps a mean of 8.0 as 8: an integer from 1 to k - 1 there must
        # be a mean in the CSV, which holds the same rows.
        for xlsx_row, csv_row in zip(sheet.iter_rows(values_only=True), csv_rows, strict=False):
            for xlsx_cell, csv_cell in zip(xlsx_row[1:], csv_row[1:], strict=False):
                if small_counts([xlsx_cell]):
                    assert "." in csv_cell, (filters, xlsx_row, csv_row)
        page = client.get(f"{base}/dashboard", query_string=filters).get_data(as_text=True)
        from_page = re.findall(r"<td>([^<]*)</td>", page)
        assert small_counts(from_page) == [], filters

    check()
