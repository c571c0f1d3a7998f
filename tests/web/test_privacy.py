"""Centre aggregates that cannot be undone, replayed through the pages, exports and API.

The attacks of the review: two periods one day apart; two filters that differ by one
organisation; the same query repeated; the same organisations reached through
differently shaped queries. And: no count from 1 to k - 1 in any table."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from maturity.core.dashboard import OVERALL
from maturity.core.disclosure import SCORE_BOUND, Cell, publish_count, publish_mean
from maturity.extensions import db
from maturity.models import Centre, CentreMembership, Organisation, ResultSummary
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.api.test_api import token_for
from tests.helpers import make_user, publish_questionnaires
from tests.web.test_dashboard import make_org

K = 10


@pytest.fixture
def centre(app: Flask) -> dict[str, Any]:
    """12 small and 1 medium organisation of section C in Hangzhou, one centre."""
    publish_questionnaires(app)
    user_id = make_user(app, "reviewer@example.com", "审阅")
    with app.app_context():
        centre = Centre(name="隐私中心")
        db.session.add(centre)
        db.session.flush()
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre.id))
        db.session.commit()
        centre_id = centre.id
    for index in range(12):
        make_org(app, centre_id, "34", 50, 1000, 1 + index % 4, index)  # small
    make_org(app, centre_id, "34", 400, 5000, 5, 99)  # medium: the target
    return {"id": centre_id, "headers": token_for(app, "reviewer")}


def aggregates(app: Flask, centre: dict[str, Any], **filters: str) -> dict[str, Any]:
    response = app.test_client().get(
        f"/api/v1/centres/{centre['id']}/aggregates",
        query_string=filters,
        headers=centre["headers"],
    )
    assert response.status_code == 200, response.json
    return response.json


def table(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in data["tables"] if t["key"] == key)


def published_overall(app: Flask, organisation_ids: list[int]) -> tuple[int | None, float | None]:
    """What the disclosure rule publishes for exactly these organisations."""
    with app.app_context():
        rows = db.session.scalars(
            select(ResultSummary).where(
                ResultSummary.organisation_id.in_(organisation_ids), ResultSummary.is_latest
            )
        ).all()
        cell = Cell(len(rows), sum(r.record_key for r in rows), sum(r.overall_index for r in rows))
    return publish_count(cell, K), publish_mean(cell, OVERALL, SCORE_BOUND, 0, 100, K)


def test_two_periods_one_day_apart_are_one_period(app: Flask, centre: dict[str, Any]) -> None:
    with app.app_context():
        day = db.session.scalar(select(ResultSummary.submitted_at)).date()
    before = day.replace(day=1) if day.day > 1 else day  # the same quarter, a day earlier or not
    one = aggregates(app, centre, **{"from": "2026-01-01", "to": day.isoformat()})
    other = aggregates(app, centre, **{"from": "2026-01-01", "to": before.isoformat()})
    assert one == other
    assert one["period"]["code"].startswith(str(day.year)) and one["period"]["to"].endswith(
        ("-03-31", "-06-30", "-09-30", "-12-31")
    )


def test_repeating_a_query_or_reshaping_it_tells_nothing_new(
    app: Flask, centre: dict[str, Any]
) -> None:
    # All 13 organisations are in section C, province 330000 and city 330100: every
    # one of these queries reaches the same set, so every cell is the same.
    shapes = [{}, {"section": "C"}, {"province": "330000"}, {"city": "330100"},
              {"section": "C", "province": "330000", "city": "330100"}]  # fmt: skip
    results = [aggregates(app, centre, **shape) for shape in shapes]
    assert all(r["tables"] == results[0]["tables"] for r in results)
    assert aggregates(app, centre) == aggregates(app, centre)


def test_filters_differing_by_one_organisation_publish_the_rules_figures(
    app: Flask, centre: dict[str, Any]
) -> None:
    """section=C (13) and section=C & size=small (12) differ by the target alone. What
    is published for each is exactly the disclosure rule's figure for that set, so the
    attack fares as the core's simulation says (tests/core/test_disclosure.py)."""
    with app.app_context():
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
        everyone = [o.id for o in organisations]
        small = [o.id for o in organisations if o.size_class == "small"]
    assert len(everyone) == 13 and len(small) == 12
    for filters, members in (
        ({"section": "C"}, everyone),
        ({"section": "C", "size": "small"}, small),
    ):
        scores = table(aggregates(app, centre, **filters), "scores")["rows"][0]
        count, mean = published_overall(app, members)
        assert scores[1:3] == [count, round(mean, 1)]  # type: ignore[arg-type]


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
    return {"id": centre_id, "headers": token_for(app, "reviewer")}


@pytest.mark.slow
def test_no_count_from_1_to_k_minus_1_in_any_table_export_or_api(
    app: Flask, synthetic_centre: dict[str, Any]
) -> None:
    from tests.helpers import log_in

    client = app.test_client()
    log_in(client, "reviewer@example.com")
    api = app.test_client()
    base = f"/centres/{synthetic_centre['id']}"

    @given(
        filters=st.fixed_dictionaries(
            {},
            optional={
                "section": st.sampled_from(["C", "F", "I", "M"]),
                "size": st.sampled_from(["large", "medium", "small", "micro"]),
                "province": st.sampled_from(["330000", "440000", "320000", "110000"]),
                "period": st.sampled_from(["2024", "2025", "2026", "2025-Q3", "2026-Q1"]),
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
        assert data["shown"] or "少于 10" in page

    check()


def test_record_keys_are_never_shown_or_exported_but_backups_keep_them(
    app: Flask, centre: dict[str, Any], tmp_path: Any
) -> None:
    from maturity.services.backup import export_file

    with app.app_context():
        organisation = db.session.scalars(select(Organisation)).first()
        secret = str(organisation.record_key)
        organisation_id = organisation.id
    surfaces = [
        app.test_client().get(
            f"/api/v1/centres/{centre['id']}/aggregates", headers=centre["headers"]
        ),
    ]
    reviewer = app.test_client()
    from tests.helpers import log_in

    log_in(reviewer, "reviewer@example.com")
    for suffix in ("", ".csv", ".xlsx"):
        surfaces.append(reviewer.get(f"/centres/{centre['id']}/dashboard{suffix}"))
    assert all(secret.encode() not in response.data for response in surfaces)
    with app.app_context():
        export_file(tmp_path / "backup.jsonl")
    assert secret in (tmp_path / "backup.jsonl").read_text()  # kept, so restores perturb alike
    # Rebuilding the summaries keeps each organisation's key.
    assert app.test_cli_runner().invoke(args=["summaries", "rebuild"]).exit_code == 0
    with app.app_context():
        keys = db.session.scalars(
            select(ResultSummary.record_key).where(ResultSummary.organisation_id == organisation_id)
        ).all()
    assert keys and all(str(key) == secret for key in keys)
