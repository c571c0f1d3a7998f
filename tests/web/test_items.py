"""The profile and outcome pages of a 2.0.0 round, what the profile does to the
questionnaire, and comparing a 1.0.0 round with a 2.0.0 round."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.core.items import OUTCOME, PROFILE
from maturity.extensions import db
from maturity.models import Assessment
from maturity.services import items
from maturity.services.results import questionnaire_for
from tests.conftest import Owner
from tests.helpers import (
    CONFIRMED,
    FULL_PROFILE_2,
    fill_round,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
    version_2_questionnaire,
)

QUESTIONNAIRE = version_2_questionnaire()  # the current version in these tests


def start_round(app: Flask, client: FlaskClient, organisation_id: int) -> int:
    assert client.post(f"/organisations/{organisation_id}/assessments").status_code == 302
    with app.app_context():
        return db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first().id  # type: ignore[union-attr]


@pytest.fixture
def draft(app: Flask, client: FlaskClient, owner: Owner) -> dict[str, Any]:
    publish_questionnaires(app, upto="2.0.0")
    return {
        "user": owner.user,
        "organisation": owner.organisation,
        "assessment": start_round(app, client, owner.organisation),
    }


def stored_items(app: Flask, assessment_id: int) -> tuple[dict[str, str], dict[str, Decimal]]:
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        questionnaire = questionnaire_for(assessment)
        return (
            items.values_of(assessment, questionnaire, PROFILE),
            items.values_of(assessment, questionnaire, OUTCOME),
        )


@pytest.mark.parametrize(
    ("locale", "message"),
    [
        ("zh", "请输入 0.0 至 100.0 之间的数字（%）。"),
        ("en", "Enter a number from 0.0 to 100.0 (%)."),
    ],
)
def test_an_outcome_out_of_range_is_refused_and_nothing_else_is_lost(
    app: Flask, client: FlaskClient, draft: dict[str, Any], locale: str, message: str
) -> None:
    client.get(f"/lang/{locale}")
    url = f"/assessments/{draft['assessment']}"
    assert client.post(f"{url}/profile", data={"item-production": "process"}).status_code == 302
    response = client.post(
        f"{url}/outcomes",
        data={
            "item-first_pass_yield": "101",
            "item-on_time_delivery": "９６.５%",  # full-width digits and a % sign are fine
            "item-revenue_per_employee": "1,250.5",
            "item-inventory_days": "",
            "action": "next",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    # The refused value stays in its field as typed; the saved ones show as stored.
    assert 'name="item-first_pass_yield" value="101"' in html
    assert 'name="item-on_time_delivery" value="96.5"' in html
    assert 'name="item-revenue_per_employee" value="1250.5"' in html
    profile, outcomes = stored_items(app, draft["assessment"])
    assert profile == {"production": "process"}
    assert outcomes == {
        "on_time_delivery": Decimal("96.5"),
        "revenue_per_employee": Decimal("1250.5"),
    }

    # Text that is no number gets its own message; emptying a field clears the figure.
    again = client.post(
        f"{url}/outcomes", data={"item-on_time_delivery": "", "item-inventory_days": "三十"}
    )
    assert again.status_code == 400
    expected = {
        "zh": "请输入数字，例如 12.5；不清楚的请留空。",
        "en": "Enter a number, such as 12.5",
    }
    assert expected[locale] in again.get_data(as_text=True)
    assert stored_items(app, draft["assessment"])[1] == {"revenue_per_employee": Decimal("1250.5")}


def test_a_process_manufacturer_reads_process_wording_and_the_reason_for_what_is_left_out(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    url = f"/assessments/{draft['assessment']}"
    client.post(f"{url}/profile", data={**_fields(FULL_PROFILE_2), "item-production": "process"})
    html = client.get(f"{url}/dimensions/product_design").get_data(as_text=True)
    question = QUESTIONNAIRE.question("pd_mass_customisation")
    assert 'name="q-pd_mass_customisation"' not in html  # nothing to answer
    reason = QUESTIONNAIRE.profile[1].options[1].reason
    assert reason is not None and reason.zh in html and question.title.zh in html
    varied = [q for q in QUESTIONNAIRE.questions if "process" in q.variants]
    assert varied
    for q in varied:
        if q.dimension_id == "product_design":
            assert q.wording("process").title.zh in html


def test_a_pure_service_firm_skips_two_dimensions(
    app: Flask, client: FlaskClient, draft: dict[str, Any]
) -> None:
    url = f"/assessments/{draft['assessment']}"
    service_firm = {
        "designs_products": "no_products",
        "production": "no_physical_products",
        "after_sales": "no_after_sales",
    }
    response = client.post(f"{url}/profile", data={**_fields(service_firm), "action": "next"})
    # The next page is the first dimension that applies.
    assert response.headers["Location"].endswith(f"{url}/dimensions/market_development")
    with app.app_context():
        fill_round(draft["assessment"], draft["user"], 2, profile=service_firm)
    submitted = client.post(f"{url}/submit", data=CONFIRMED)
    assert submitted.status_code == 302, submitted.get_data(as_text=True)
    results = client.get(f"{url}/results").get_data(as_text=True)
    assert "对企业不适用" in results or "不适用" in results
    label = QUESTIONNAIRE.dimension("product_design").label.zh
    assert label in results


def test_a_1_0_0_round_compared_with_a_2_0_0_round_lists_what_it_left_out(
    app: Flask, client: FlaskClient
) -> None:
    publish_questionnaires(app, only="1.0.0")
    user_id = make_user(app)
    organisation_id = make_organisation(app, user_id)
    log_in(client)
    first = start_round(app, client, organisation_id)
    with app.app_context():
        fill_round(first, user_id, 1)
    assert client.post(f"/assessments/{first}/submit", data=CONFIRMED).status_code == 302
    publish_questionnaires(app, upto="2.0.0")  # 2.0.0 arrives; the next round uses it
    second = start_round(app, client, organisation_id)
    with app.app_context():
        assert questionnaire_for(db.session.get(Assessment, second)).version == "2.0.0"
        fill_round(second, user_id, 3)
    client.post(f"/assessments/{second}/outcomes", data={"item-on_time_delivery": "90"})
    assert client.post(f"/assessments/{second}/submit", data=CONFIRMED).status_code == 302
    html = client.get(
        f"/organisations/{organisation_id}/compare",
        query_string={"earlier": first, "later": second},
    ).get_data(as_text=True)
    # Four questions kept their id and level statements: only they are compared.
    for unchanged in ("pd_mass_customisation", "md_flow_coordination", "bd_analytics"):
        assert f'data-question="{unchanged}"' in html
    assert html.count('<tr data-question="') == 4
    assert 'id="left-out"' in html
    assert "只在较早的问卷版本中" in html and "较新的问卷版本中新增" in html
    assert QUESTIONNAIRE.question("fd_cybersecurity").title.zh in html
    # The outcome figure is new in 2.0.0: listed as not compared, with the reason.
    assert "较早的问卷版本没有询问" in html


def _fields(profile: dict[str, str]) -> dict[str, str]:
    return {f"item-{item_id}": option for item_id, option in profile.items()}
