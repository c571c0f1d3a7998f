"""A forgotten password, a changed password and a deleted account, in the browser,
in Chinese and in English; the mails come over real SMTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import confirm_sign_up
from tests.mailbox import Mailbox

pytestmark = pytest.mark.slow

FIRST = "first browser password here"
SECOND = "second browser password here"
THIRD = "third browser password here"
TEXT = {
    "zh": {
        "sign_up": "注册", "log_in": "登录", "log_out": "退出登录", "forgot": "忘记密码？",
        "send": "发送链接", "save_new": "保存新密码", "weak": "常用密码",
        "reset_done": "新密码已设置", "change": "修改密码", "changed": "密码已修改",
        "delete": "删除账号", "delete_button": "删除我的账号", "deleted": "您的账号已删除。",
        "wrong": "电子邮箱或密码错误。", "reset_subject": "设置新密码",
    },
    "en": {
        "sign_up": "Sign up", "log_in": "Log in", "log_out": "Log out",
        "forgot": "Forgot your password?", "send": "Send the link",
        "save_new": "Save the new password", "weak": "common passwords",
        "reset_done": "Your new password is set", "change": "Change your password",
        "changed": "Your password is changed", "delete": "Delete your account",
        "delete_button": "Delete my account", "deleted": "Your account is deleted.",
        "wrong": "Email or password is wrong.", "reset_subject": "Choose a new password",
    },
}  # fmt: skip


def log_in(page: Any, t: dict[str, str], email: str, password: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=t["log_in"]).click()
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("main").get_by_role("button", name=t["log_in"]).click()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_reset_change_and_delete_an_account(
    browser: Any, live_server: str, mailbox: Mailbox, screenshot_dir: Path, locale: str
) -> None:
    t = TEXT[locale]
    email = f"account-{locale}@example.com"
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server + f"/lang/{locale}")
    page.get_by_role("navigation").get_by_role("link", name=t["sign_up"]).click()
    page.locator("#name").fill("赵会计" if locale == "zh" else "Ms Zhao")
    page.locator("#email").fill(email)
    page.locator("#password").fill(FIRST)
    page.locator("#password_again").fill(FIRST)
    confirm_sign_up(page, mailbox, email)
    page.get_by_role("button", name=t["log_out"]).click()

    # Forgot the password: a link by mail, once, in the user's language.
    page.get_by_role("navigation").get_by_role("link", name=t["log_in"]).click()
    page.get_by_role("link", name=t["forgot"]).click()
    page.locator("#email").fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name=t["send"]).click()
    mail = mailbox.wait_for(email, count=2)[-1]
    assert mail.subject == t["reset_subject"]
    link = mail.link("/auth/reset/")
    page.goto(link)
    page.locator("#password").fill("password123")
    page.locator("#password_again").fill("password123")
    page.get_by_role("button", name=t["save_new"]).click()
    assert t["weak"] in page.locator(".error").first.inner_text()
    page.locator("#password").fill(SECOND)
    page.locator("#password_again").fill(SECOND)
    page.get_by_role("button", name=t["save_new"]).click()
    assert t["reset_done"] in page.locator(".flash").first.inner_text()
    page.goto(link)  # used up
    assert page.locator(".flash-error").count() == 1

    # Change it on the account page.
    page.goto(live_server + "/account")
    for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshot_dir / f"account-{name}-{locale}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name=t["change"]).click()
    page.locator("#current").fill(SECOND)
    page.locator("#password").fill(THIRD)
    page.locator("#password_again").fill(THIRD)
    page.locator("form.form button[type=submit]").click()
    assert t["changed"] in page.locator(".flash").first.inner_text()

    # Delete the account: gone, and the password no longer opens anything.
    page.goto(live_server + "/account")
    page.get_by_role("link", name=t["delete"]).click()
    page.locator("#password").fill(THIRD)
    page.get_by_role("button", name=t["delete_button"]).click()
    assert page.locator(".flash").first.inner_text() == t["deleted"]
    log_in(page, t, email, THIRD)
    assert page.locator(".error").first.inner_text() == t["wrong"]
