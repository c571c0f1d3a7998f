"""A consultant runs a client's assessment end to end in the browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import FULL_PROFILE, current_questionnaire

pytestmark = pytest.mark.slow

QUESTIONNAIRE = current_questionnaire()  # 2.0.0: new rounds use it
PASSWORD = "browser test password"


def sign_up(page: Any, base: str, name: str, email: str) -> None:
    page.goto(base + "/auth/register")
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(PASSWORD)
    page.get_by_role("button", name="创建账号").click()


def test_consultant_runs_a_client_assessment(browser: Any, live_server: str) -> None:
    owner_context = browser.new_context()
    owner = owner_context.new_page()
    sign_up(owner, live_server, "客户经理", "client@example.com")
    owner.locator("#name").fill("顾问客户有限公司")
    owner.locator("#industry_section").select_option("C")
    owner.locator("#industry_division").select_option("35")
    owner.locator("#employees").fill("80")
    owner.locator("#revenue").fill("5000")
    owner.locator("#province_code").select_option("320000")
    owner.get_by_role("button", name="保存档案").click()
    owner.get_by_role("button", name="生成顾问邀请链接").click()
    link = owner.locator("#invite-link").input_value()

    consultant_context = browser.new_context()
    consultant = consultant_context.new_page()
    sign_up(consultant, live_server, "李顾问", "consultant@example.com")
    consultant.goto(link)
    assert "作为该企业的咨询顾问" in consultant.content(), consultant.locator("main").inner_text()
    consultant.get_by_role("button", name="加入").click()
    consultant.get_by_role("navigation").get_by_role("link", name="我的客户").click()
    consultant.get_by_role("link", name="顾问客户有限公司").click()
    consultant.get_by_role("button", name="开始新一轮评估").click()
    for item_id, option_id in FULL_PROFILE.items():
        consultant.locator(f'input[name="item-{item_id}"][value="{option_id}"]').check()
    consultant.get_by_role("button", name="保存并继续").click()
    for dimension in QUESTIONNAIRE.dimensions:
        for question in dimension.questions:
            consultant.locator(
                f'fieldset[data-question="{question.id}"] input[type=radio][value="3"]'
            ).check()
        consultant.get_by_role("button", name="保存并继续").click()
    # The business results are optional: straight on to the review.
    consultant.get_by_role("button", name="保存并检查").click()
    consultant.get_by_role("button", name="提交评估").click()
    assert consultant.locator("[data-overall-index]").inner_text() == "60.0"
    consultant.locator("#finding-__overall__").fill("数字化基础较好，建议优先推进数据治理。")
    consultant.locator("#finding-business_decisions").fill("ERP 已集成，数据分析能力不足。")
    consultant.get_by_role("button", name="保存诊断发现").click()
    assert "诊断发现已保存" in consultant.content()

    # The client sees the consultant's answers and findings; every answer records who gave it.
    owner.goto(live_server + "/")
    owner.get_by_role("link", name="顾问客户有限公司").click()
    owner.get_by_role("link", name="第 1 轮").click()
    page = owner.content()
    assert "数字化基础较好，建议优先推进数据治理。" in page and "撰写人：李顾问" in page
    owner.goto(owner.url.replace("/results", "/dimensions/product_design"))
    statuses = owner.locator("[data-status]").all_inner_texts()
    assert statuses and all("李顾问" in status for status in statuses)
    owner_context.close()
    consultant_context.close()
