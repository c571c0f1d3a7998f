"""What questionnaire 3.0.0 adds to the round's pages: the size taken from the
organisation, evidence under every level, the rule to choose the highest level fully
reached, outcome figures with "not applicable" and a previous-year baseline at the first
round, and the statement of what the result is not, on the results page and in the
report."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Assessment, ItemValue
from tests.helpers import (
    CONFIRMED,
    FULL_PROFILE,
    current_questionnaire,
    fill_round,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
)

QUESTIONNAIRE = current_questionnaire()
DISCLAIMER_ZH = (
    "既不是 GB/T 39116 能力成熟度等级认证，也不是工业和信息化部中小企业数字化水平评测的官方结果"
)


def start(app: Flask, client: FlaskClient, employees: int = 120) -> dict[str, Any]:
    publish_questionnaires(app)
    user_id = make_user(app)
    organisation_id = make_organisation(app, user_id, employees=employees)
    log_in(client)
    assert client.post(f"/organisations/{organisation_id}/assessments").status_code == 302
    with app.app_context():
        assessment = db.session.scalars(select(Assessment)).one()
        assert assessment.questionnaire_version.version == "3.0.0"
        return {"user": user_id, "assessment": assessment.id}


def test_the_size_is_shown_from_the_organisation_and_kept_with_the_round(
    app: Flask, client: FlaskClient
) -> None:
    round_ = start(app, client)
    url = f"/assessments/{round_['assessment']}/profile"
    html = client.get(url).get_data(as_text=True)
    assert 'name="item-size"' not in html  # never asked twice
    assert "企业规模" in html and "小型企业" in html and "如需更改，请修改企业信息" in html
    assert html.count('name="item-sector"') == 4 and html.count('name="item-customers"') == 3
    fields = {f"item-{item_id}": option for item_id, option in FULL_PROFILE.items()}
    assert client.post(url, data=fields).status_code == 302
    with app.app_context():
        rows = db.session.scalars(
            select(ItemValue).where(ItemValue.assessment_id == round_["assessment"])
        ).all()
        assert {row.item_id: row.value for row in rows} == {**FULL_PROFILE, "size": "small"}
    # Sending the size anyway is refused with a message, and nothing else is lost.
    refused = client.post(url, data={**fields, "item-size": "micro"})
    assert refused.status_code == 400 and "不属于" in refused.get_data(as_text=True)


def test_a_micro_firm_reads_that_outsourced_it_counts(app: Flask, client: FlaskClient) -> None:
    round_ = start(app, client, employees=10)
    url = f"/assessments/{round_['assessment']}"
    assert "微型企业" in client.get(f"{url}/profile").get_data(as_text=True)
    html = client.get(f"{url}/dimensions/foundations").get_data(as_text=True)
    assert "签约的外包IT服务商承担日常信息化工作" in html
    assert "设有专职的信息化或数字化岗位" not in html


def test_every_level_shows_its_evidence_and_the_rule(app: Flask, client: FlaskClient) -> None:
    round_ = start(app, client)
    html = client.get(f"/assessments/{round_['assessment']}/dimensions/foundations").get_data(
        as_text=True
    )
    assert "请选择已经全部做到的最高一级" in html
    assert "证明材料： 分类分级清单及其审批记录" in html
    foundations = QUESTIONNAIRE.dimension("foundations").questions
    assert html.count('class="hint evidence"') == 5 * len(foundations)


@pytest.mark.parametrize(
    ("locale", "message"),
    [("zh", "这个数字不能填“不适用”"), ("en", "This figure cannot be marked not applicable")],
)
def test_outcomes_take_not_applicable_and_the_previous_year_at_the_first_round(
    app: Flask, client: FlaskClient, locale: str, message: str
) -> None:
    round_ = start(app, client)
    client.get(f"/lang/{locale}")
    url = f"/assessments/{round_['assessment']}/outcomes"
    html = client.get(url).get_data(as_text=True)
    assert 'name="item-first_pass_yield:previous"' in html  # first round: a baseline
    assert len(re.findall(r'name="item-[a-z0-9_]+:previous"', html)) == len(QUESTIONNAIRE.outcomes)
    saved = client.post(
        url,
        data={
            "item-first_pass_yield": "不适用",
            "item-on_time_delivery": "92",
            "item-on_time_delivery:previous": "88.5",
        },
    )
    assert saved.status_code == 302
    refused = client.post(
        url, data={"item-on_time_delivery": "不适用", "item-inventory_days": "40"}
    )
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    with app.app_context():
        rows = {
            row.item_id: row.value
            for row in db.session.scalars(
                select(ItemValue).where(ItemValue.assessment_id == round_["assessment"])
            )
        }
    # The refused figure kept its value; the other figure on the same page was saved.
    assert rows == {
        "first_pass_yield": "na",
        "on_time_delivery": "92.0",
        "on_time_delivery:previous": "88.5",
        "inventory_days": "40",
    }


def test_the_results_and_the_report_say_what_the_result_is_not(
    app: Flask, client: FlaskClient
) -> None:
    round_ = start(app, client)
    with app.app_context():
        fill_round(round_["assessment"], round_["user"], 2)
    assert (
        client.post(f"/assessments/{round_['assessment']}/submit", data=CONFIRMED).status_code
        == 302
    )
    results = client.get(f"/assessments/{round_['assessment']}/results").get_data(as_text=True)
    assert DISCLAIMER_ZH in results and "主管部门" in results
    with app.app_context():
        from maturity.reports.render import render_html
        from maturity.services.reports import load_report_data

        report_zh = render_html(load_report_data(round_["assessment"], "zh"))
        report_en = render_html(load_report_data(round_["assessment"], "en"))
    assert report_zh.count(DISCLAIMER_ZH) == 2  # with the level names and in the method
    assert "neither a GB/T 39116 maturity certification nor the official evaluation" in report_en
