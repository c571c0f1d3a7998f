"""A consultant runs a client's assessment end to end in the browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import confirm_sign_up, pdf_text
from tests.helpers import FULL_PROFILE, current_questionnaire
from tests.mailbox import Mailbox

pytestmark = pytest.mark.slow

QUESTIONNAIRE = current_questionnaire()  # 3.0.0: new rounds use it
PASSWORD = "browser test password"


def sign_up(page: Any, base: str, name: str, email: str, mailbox: Mailbox) -> None:
    page.goto(base + "/auth/register")
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(PASSWORD)
    confirm_sign_up(page, mailbox, email)


def answer_a_round(page: Any, value: str) -> None:
    """Start a round, answer the firm's profile and every question with ``value``,
    leave the optional business results empty, and submit."""
    again = page.get_by_role("link", name="开始新一轮评估…")
    if again.count():  # a round was submitted: a new one is asked for first
        again.click()
        page.get_by_role("button", name=re.compile("是，开始第")).click()
    else:
        page.get_by_role("button", name="开始新一轮评估").click()
    for item_id, option_id in FULL_PROFILE.items():
        page.locator(f'input[name="item-{item_id}"][value="{option_id}"]').check()
    page.get_by_role("button", name="保存并继续").click()
    for dimension in QUESTIONNAIRE.dimensions:
        for question in dimension.questions:
            page.locator(
                f'fieldset[data-question="{question.id}"] input[type=radio][value="{value}"]'
            ).check()
        page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("button", name="保存并检查").click()
    page.locator('input[name="role"]').fill("总经理")
    page.locator('input[name="confirm"]').check()
    page.get_by_role("button", name="提交评估").click()


def test_consultant_runs_a_client_assessment(
    browser: Any, live_server: str, tmp_path: Path, mailbox: Mailbox
) -> None:
    owner_context = browser.new_context()
    owner = owner_context.new_page()
    sign_up(owner, live_server, "客户经理", "client@example.com", mailbox)
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
    sign_up(consultant, live_server, "李顾问", "consultant@example.com", mailbox)
    consultant.goto(link)
    assert "作为该企业的咨询顾问" in consultant.content(), consultant.locator("main").inner_text()
    consultant.get_by_role("button", name="加入").click()
    consultant.get_by_role("navigation").get_by_role("link", name="我的客户").click()
    consultant.get_by_role("link", name="顾问客户有限公司").click()
    answer_a_round(consultant, "3")
    assert consultant.locator("[data-overall-index]").inner_text() == "60.0"
    consultant.locator("#finding-__overall__").fill("数字化基础较好，建议优先推进数据治理。")
    consultant.locator("#finding-business_decisions").fill("ERP 已集成，数据分析能力不足。")
    consultant.get_by_role("button", name="保存诊断发现").click()
    assert "诊断发现已保存" in consultant.content()

    # The client sees the consultant's answers and findings; every answer records who gave it.
    owner.goto(live_server + "/")
    owner.get_by_role("link", name="顾问客户有限公司").click()
    owner.get_by_role("link", name="第 1 轮", exact=True).click()
    page = owner.content()
    assert "数字化基础较好，建议优先推进数据治理。" in page and "撰写人：李顾问" in page
    results_url = owner.url
    owner.goto(owner.url.replace("/results", "/dimensions/product_design"))
    statuses = owner.locator("[data-status]").all_inner_texts()
    assert statuses and all("李顾问" in status for status in statuses)

    # The consultant adjusts the plan: the first step of phase 2 moves to phase 1 with
    # the consultant's wording, and a summary says what comes first.
    consultant.get_by_role("link", name="调整计划").click()
    first = consultant.locator(".plan-step").first
    name = first.get_attribute("id").removeprefix("edit-")  # type: ignore[union-attr]
    consultant.locator(f'select[name="phase-{name}"]').select_option("1")
    consultant.locator(f"#text-{name}").fill("由总经理牵头，先统一数据口径。")
    consultant.locator("#summary").fill("顾问建议：先做数据治理，再上新系统。")
    consultant.get_by_role("button", name="保存计划").click()
    assert "计划已保存为新版本" in consultant.content()
    question_id, level = name.rsplit("-", 1)
    step = f'[data-step="{question_id}:{level}"]'

    # The owner sees the adjusted plan, and the PDF holds it.
    owner.goto(results_url)
    assert "计划由李顾问于" in owner.content()
    assert "由总经理牵头，先统一数据口径。" in owner.locator(f"#phase-1 ~ ol {step}").inner_text()
    href = owner.locator("p.actions").get_by_role("link", name="中文").get_attribute("href")
    text = pdf_text(owner, live_server + str(href), tmp_path)
    assert (
        "由总经理牵头，先统一数据口径。" in text and "顾问建议：先做数据治理，再上新系统。" in text
    )
    assert "计划由李顾问于" in text

    # The step is done; the next round shows it reached its level.
    owner.locator(f"{step} details summary").click()
    owner.locator(f'{step} select[name="state"]').select_option("done")
    owner.locator(f"{step}").get_by_role("button", name="保存进展").click()
    assert "已完成" in owner.locator(step).inner_text()
    consultant.goto(live_server + "/consultant")
    consultant.get_by_role("link", name="顾问客户有限公司").click()
    answer_a_round(consultant, "4")
    owner.goto(live_server + "/")
    owner.get_by_role("link", name="顾问客户有限公司").click()
    owner.get_by_role("link", name="历史与轮次比较").click()
    owner.get_by_role("button", name="比较").click()
    done = owner.locator(f'[data-done="{question_id}:{level}"]')
    assert "是" in done.inner_text()
    owner_context.close()
    consultant_context.close()
