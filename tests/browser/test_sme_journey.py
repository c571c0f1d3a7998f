"""An SME manager's whole journey, clicked through in a real browser, in Chinese and English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import confirm_sign_up, pdf_text
from tests.helpers import current_questionnaire
from tests.mailbox import Mailbox

pytestmark = pytest.mark.slow

QUESTIONNAIRE = current_questionnaire()  # 3.0.0: new rounds use it
PASSWORD = "browser test password"
PROFILE = {"sector": "process", "customers": "consumers", "designs_products": "own_design",
           "after_sales": "connected_products"}  # fmt: skip

TEXT = {
    "zh": {
        "sign_up": "注册", "create_account": "创建账号", "save_profile": "保存档案",
        "start": "开始新一轮评估", "continue": "继续评估", "saved": "已保存",
        "log_in": "登录", "next": "保存并继续", "review": "保存并检查", "submit": "提交评估",
        "update": "更新路线图", "overall": "总体", "not_applicable": "不适用",
        "about": "企业概况", "results": "经营成效", "range": "请输入 0.0 至 100.0 之间的数字（%）。",
        "trend": "各轮的经营成效",
    },
    "en": {
        "sign_up": "Sign up", "create_account": "Create account", "save_profile": "Save profile",
        "start": "Start a new assessment", "continue": "Continue the assessment", "saved": "Saved",
        "log_in": "Log in", "next": "Save and continue", "review": "Save and review",
        "submit": "Submit the assessment", "update": "Update the roadmap", "overall": "Overall",
        "not_applicable": "Not applicable", "about": "About your firm",
        "results": "Business results", "range": "Enter a number from 0.0 to 100.0 (%).",
        "trend": "Business results over the rounds",
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
    browser: Any, live_server: str, screenshot_dir: Path, locale: str, mailbox: Mailbox
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
    confirm_sign_up(page, mailbox, email)
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

    # The round opens with the questions about the firm: a process manufacturer (its
    # size is the organisation's, shown and not asked).
    page.get_by_role("button", name=t["start"]).click()
    assert page.locator("h1").inner_text() == t["about"]
    assert page.locator('input[name="item-size"]').count() == 0
    for item_id, option_id in PROFILE.items():
        page.locator(f'input[name="item-{item_id}"][value="{option_id}"]').check()
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot_dir / f"profile-{name}-{locale}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name=t["next"]).click()
    page.wait_for_load_state("load")  # the background saving script is running

    # Answer part of the first dimension (foundations); each answer is saved in the
    # background. Every level says what counts as evidence.
    assert re.search(r"/dimensions/foundations$", page.url)
    assert page.locator(".evidence").count() == 5 * len(QUESTIONNAIRE.dimensions[0].questions)
    first_three = [q.id for q in QUESTIONNAIRE.dimensions[0].questions[:3]]
    choose(page, first_three[0], "2")
    page.locator(f"#note-{first_three[0]}").fill(
        "规划起草中" if locale == "zh" else "plan in draft"
    )
    choose(page, first_three[1], "1")
    choose(page, first_three[2], "3")
    for question_id in first_three:
        wait_saved(page, question_id, t["saved"])
    page.wait_for_timeout(1200)  # the note is saved after a short pause in typing
    wait_saved(page, first_three[0], t["saved"])
    assert page.locator("[data-answered]").first.inner_text() == "7"  # 4 about the firm + 3
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
        rf"/dimensions/foundations#q-{QUESTIONNAIRE.dimensions[0].questions[3].id}$", page.url
    )
    checked = page.locator("input[type=radio]:checked").evaluate_all(
        "els => els.map(e => e.name + '=' + e.value)"
    )
    assert checked == [f"q-{first_three[0]}=2", f"q-{first_three[1]}=1", f"q-{first_three[2]}=3"]
    assert page.locator(f"#note-{first_three[0]}").input_value() in ("规划起草中", "plan in draft")

    # Finish all five dimensions. Mass customisation does not apply to a process
    # manufacturer: it says why; prototyping is answered "not applicable".
    assert len(QUESTIONNAIRE.dimensions) == 5
    for dimension in QUESTIONNAIRE.dimensions:
        assert dimension.id in page.url
        if dimension.id == "product_design":
            selector = 'fieldset[data-question="pd_mass_customisation"] input'
            assert page.locator(selector).count() == 0
        for question in dimension.questions:
            if question.id not in first_three and question.id != "pd_mass_customisation":
                choose(page, question.id, "na" if question.id == "pd_rapid_prototyping" else "2")
        page.get_by_role("button", name=t["next"]).click()

    # Business results: a figure out of range is refused with its message; the other
    # figure typed on the page is kept.
    assert page.locator("h1").inner_text() == t["results"]
    page.locator("#input-first_pass_yield").fill("180")
    page.locator("#input-on_time_delivery").fill("92.5")
    page.get_by_role("button", name=t["review"]).click()
    assert t["range"] in page.locator("#item-first_pass_yield").inner_text()
    assert page.locator("#input-on_time_delivery").input_value() == "92.5"
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.locator("#item-first_pass_yield").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"outcomes-{name}-{locale}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#input-first_pass_yield").fill("98.2")
    page.get_by_role("button", name=t["review"]).click()
    page.locator('input[name="role"]').fill("总经理")
    page.locator('input[name="confirm"]').check()
    page.get_by_role("button", name=t["submit"]).click()
    assert "/results" in page.url
    assert page.locator("[data-overall-index]").inner_text() == f"{_expected_overall():.1f}"
    assert t["trend"] in page.content() and "98.2" in page.content()
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screenshot_dir / f"results-{name}-{locale}.png"))
        page.locator("#roadmap .phase").first.screenshot(
            path=str(screenshot_dir / f"roadmap-{name}-{locale}.png")
        )
        page.locator("#plan-title").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"plan-{name}-{locale}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # The PDF in the reader's language: the firm, five dimensions and the figures.
    link = page.locator("p.actions").get_by_role(
        "link", name="中文" if locale == "zh" else "English"
    )
    text = pdf_text(page, live_server + str(link.get_attribute("href")), screenshot_dir)
    for dimension in QUESTIONNAIRE.dimensions:
        assert re.sub(r"\s+", "", dimension.label.get(locale)) in text
    assert re.sub(r"\s+", "", QUESTIONNAIRE.outcome("first_pass_yield").label.get(locale)) in text
    assert "98.2" in text and "92.5" in text

    # Raise the product-design target: the roadmap gains steps.
    before = step_count(page, "pd_")
    page.locator("#targets > summary").click()  # the panel of the roadmap opens
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
    from maturity.core.applicability import scored_answers
    from maturity.core.scoring import score

    answers: dict[str, Any] = {q.id: 2 for q in QUESTIONNAIRE.questions}
    first = QUESTIONNAIRE.dimensions[0].questions
    answers[first[1].id] = 1
    answers[first[2].id] = 3
    answers["pd_rapid_prototyping"] = "na"
    result = score(QUESTIONNAIRE, scored_answers(QUESTIONNAIRE, answers, PROFILE))
    assert result.overall_index is not None
    return result.overall_index


def test_questions_can_be_answered_with_the_keyboard(
    browser: Any, live_server: str, mailbox: Mailbox
) -> None:
    from tests.helpers import PASSWORD as HELPER_PASSWORD

    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/auth/register")
    page.locator("#name").fill("键盘用户")
    page.locator("#email").fill("keyboard@example.com")
    page.locator("#password").fill(HELPER_PASSWORD)
    page.locator("#password_again").fill(HELPER_PASSWORD)
    page.locator("#accept_privacy").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.goto(mailbox.wait_for("keyboard@example.com")[-1].link("/auth/confirm/"))
    page.locator("#password").fill(HELPER_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#name").fill("键盘公司")
    page.locator("#industry_section").select_option("M")
    page.locator("#industry_division").select_option("74")
    page.locator("#province_code").select_option("110000")
    page.locator("#employees").fill("30")
    page.locator("#employees").press("Enter")
    page.get_by_role("button", name="开始新一轮评估").focus()
    page.keyboard.press("Enter")
    # The questions about the firm, by keyboard too: the first option of each.
    for item in QUESTIONNAIRE.profile:
        if item.derived_from:  # filled in from the organisation, not asked
            continue
        page.locator(f'input[name="item-{item.id}"]').first.focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="保存并继续").focus()
    page.keyboard.press("Enter")
    # The dimension page, with its scripts running, before the keys go to a radio.
    page.wait_for_url(re.compile(rf"/dimensions/{QUESTIONNAIRE.dimensions[0].id}"))
    page.wait_for_load_state("load")
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
