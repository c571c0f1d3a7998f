"""An SME manager's whole journey, clicked through in a real browser, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from maturity.core.questionnaire import load_file
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

QUESTIONNAIRE = load_file(ROOT / "questionnaires" / "sme-digital" / "1.0.0.yaml")
PASSWORD = "browser test password"

TEXT = {
    "zh": {
        "sign_up": "注册", "create_account": "创建账号", "save_profile": "保存档案",
        "start": "开始新一轮评估", "continue": "继续评估", "saved": "已保存",
        "log_in": "登录", "next": "保存并继续", "review": "保存并检查", "submit": "提交评估",
        "update": "更新路线图", "overall": "总体", "not_applicable": "不适用",
    },
    "en": {
        "sign_up": "Sign up", "create_account": "Create account", "save_profile": "Save profile",
        "start": "Start a new assessment", "continue": "Continue the assessment", "saved": "Saved",
        "log_in": "Log in", "next": "Save and continue", "review": "Save and review",
        "submit": "Submit the assessment", "update": "Update the roadmap", "overall": "Overall",
        "not_applicable": "Not applicable",
    },
}  # fmt: skip


def choose(page: Any, question_id: str, value: str) -> None:
    page.locator(
        f'fieldset[data-question="{question_id}"] input[type=radio][value="{value}"]'
    ).check()


def wait_saved(page: Any, question_id: str, text: str) -> None:
    """Until the question's save status says `text` (generous: CI machines are busy)."""
    status = page.locator(f'fieldset[data-question="{question_id}"] [data-status]')
    try:
        status.filter(has_text=text).wait_for(timeout=30_000)
    except Exception as error:
        raise AssertionError(
            f"{question_id}: status {status.text_content()!r}, expected {text!r}"
        ) from error


def step_count(page: Any, prefix: str) -> int:
    return len(
        [
            s
            for s in page.locator("[data-step]").evaluate_all("els => els.map(e => e.dataset.step)")
            if s.startswith(prefix)
        ]
    )


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_sign_up_answer_resume_submit_and_plan(
    browser: Any, live_server: str, screenshot_dir: Path, locale: str
) -> None:
    t = TEXT[locale]
    email = f"manager-{locale}@example.com"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/")
    if locale == "en":
        page.get_by_role("link", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
    else:
        assert page.locator("html").get_attribute("lang") == "zh-CN"

    # Sign up and create the profile.
    page.get_by_role("navigation").get_by_role("link", name=t["sign_up"]).click()
    page.locator("#name").fill("王经理" if locale == "zh" else "Ms Wang")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(PASSWORD)
    page.get_by_role("button", name=t["create_account"]).click()
    page.locator("#name").fill(f"浏览器测试公司 {locale}")
    page.locator("#industry_section").select_option("C")
    page.locator("#industry_division").select_option("34")
    page.locator("#employees").fill("120")
    page.locator("#revenue").fill("8600")
    page.locator("#province_code").select_option("330000")
    page.locator("#city_code").select_option("330100")
    page.locator('input[name="goals"][value="cut_costs"]').check()
    page.get_by_role("button", name=t["save_profile"]).click()
    assert page.locator("h1").inner_text() == f"浏览器测试公司 {locale}"

    # Answer part of the first dimension; each answer is saved in the background.
    page.get_by_role("button", name=t["start"]).click()
    first_three = [q.id for q in QUESTIONNAIRE.dimensions[0].questions[:3]]
    choose(page, first_three[0], "2")
    page.locator(f"#note-{first_three[0]}").fill("CAD 试点" if locale == "zh" else "CAD pilot")
    choose(page, first_three[1], "1")
    choose(page, first_three[2], "na")
    for question_id in first_three:
        wait_saved(page, question_id, t["saved"])
    page.wait_for_timeout(1200)  # the note is saved after a short pause in typing
    wait_saved(page, first_three[0], t["saved"])
    assert page.locator("[data-answered]").inner_text() == "3"
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot_dir / f"questionnaire-{name}-{locale}.png"))
        page.locator(f'fieldset[data-question="{first_three[0]}"]').screenshot(
            path=str(screenshot_dir / f"question-{name}-{locale}.png")
        )

    # Close the browser, come back, log in: every answer is there and we resume.
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + f"/lang/{locale}")
    page.get_by_role("navigation").get_by_role("link", name=t["log_in"]).click()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=t["log_in"]).click()
    page.get_by_role("link", name=f"浏览器测试公司 {locale}").click()
    page.get_by_role("button", name=t["continue"]).click()
    assert re.search(
        rf"/dimensions/product_design#q-{QUESTIONNAIRE.dimensions[0].questions[3].id}$", page.url
    )
    checked = page.locator("input[type=radio]:checked").evaluate_all(
        "els => els.map(e => e.name + '=' + e.value)"
    )
    assert checked == [f"q-{first_three[0]}=2", f"q-{first_three[1]}=1", f"q-{first_three[2]}=na"]
    assert page.locator(f"#note-{first_three[0]}").input_value() in ("CAD 试点", "CAD pilot")

    # Finish every dimension and submit.
    for index, dimension in enumerate(QUESTIONNAIRE.dimensions):
        for question in dimension.questions:
            if question.id not in first_three:
                choose(page, question.id, "2")
        last = index == len(QUESTIONNAIRE.dimensions) - 1
        page.get_by_role("button", name=t["review"] if last else t["next"]).click()
    page.get_by_role("button", name=t["submit"]).click()
    assert "/results" in page.url
    assert page.locator("[data-overall-index]").inner_text() == f"{_expected_overall():.1f}"
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot_dir / f"results-{name}-{locale}.png"))
        page.locator("#roadmap .phase").first.screenshot(
            path=str(screenshot_dir / f"roadmap-{name}-{locale}.png")
        )
        page.locator("#plan-title").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"plan-{name}-{locale}.png"))

    # Raise the product-design target: the roadmap gains steps.
    before = step_count(page, "pd_")
    page.locator("#target-product_design").select_option("5")
    page.get_by_role("button", name=t["update"]).click()
    after = step_count(page, "pd_")
    assert after > before
    assert (
        page.locator('tr[data-dimension="product_design"] [data-target]')
        .inner_text()
        .startswith("5")
    )
    context.close()


def _expected_overall() -> float:
    from maturity.core.scoring import score

    answers: dict[str, Any] = {q.id: 2 for q in QUESTIONNAIRE.questions}
    first = QUESTIONNAIRE.dimensions[0].questions
    answers[first[1].id] = 1
    answers[first[2].id] = "na"
    result = score(QUESTIONNAIRE, answers)
    assert result.overall_index is not None
    return result.overall_index


def test_questions_can_be_answered_with_the_keyboard(browser: Any, live_server: str) -> None:
    from tests.helpers import PASSWORD as HELPER_PASSWORD

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/auth/register")
    page.locator("#name").fill("键盘用户")
    page.locator("#email").fill("keyboard@example.com")
    page.locator("#password").fill(HELPER_PASSWORD)
    page.locator("#password_again").fill(HELPER_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#name").fill("键盘公司")
    page.locator("#industry_section").select_option("M")
    page.locator("#industry_division").select_option("74")
    page.locator("#province_code").select_option("110000")
    page.locator("#employees").fill("30")
    page.locator("#employees").press("Enter")
    page.get_by_role("button", name="开始新一轮评估").focus()
    page.keyboard.press("Enter")
    first = QUESTIONNAIRE.questions[0].id
    page.locator(f'fieldset[data-question="{first}"] input[type=radio][value="0"]').focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    wait_saved(page, first, "已保存")
    page.reload()
    assert (
        page.locator(f'fieldset[data-question="{first}"] input:checked').get_attribute("value")
        == "2"
    )
    # Every control on the page has a label a screen reader can announce.
    unlabelled = page.evaluate(
        """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
              .map(el => el.name)"""
    )
    assert unlabelled == []
    context.close()
