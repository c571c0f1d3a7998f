"""The header's menu does not wait for JavaScript: with none, on a phone it is closed
as the page is first painted (so nothing flashes open while the deferred script loads)
and opens with a tap; on a desktop the main links show, the menu does not.
tests/browser/test_every_page.py checks every page with JavaScript on."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import LiveServer, log_in
from tests.helpers import make_organisation, make_user

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LINKS = ["王经理", "New organisation"]


def logged_in_page(browser: Any, live: LiveServer, viewport: dict[str, int], script: bool) -> Any:
    page = browser.new_context(viewport=viewport, java_script_enabled=script).new_page()
    page.goto(live.url + "/lang/en")
    log_in(page, live.url, "manager@example.com")
    return page


@pytest.fixture
def manager(live: LiveServer) -> None:
    make_organisation(live.app, make_user(live.app, locale="en"))


def in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        locator.is_visible()
        and box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


def test_without_javascript_the_phone_menu_is_closed_and_opens_with_a_tap(
    browser: Any, live: LiveServer, manager: None
) -> None:
    page = logged_in_page(browser, live, PHONE, script=False)
    header = page.locator("header.site-header")
    menu = header.locator("details.site-menu")
    assert menu.evaluate("menu => menu.open") is False
    assert header.get_by_role("navigation").count() == 0  # hidden, links and all
    for name in LINKS:
        assert not header.get_by_role("link", name=name, exact=True).is_visible()
    assert in_view(page, header.get_by_role("button", name="Log out", exact=True))
    menu.locator("summary").click()
    assert menu.evaluate("menu => menu.open") is True
    for name in LINKS:
        assert in_view(page, header.get_by_role("link", name=name, exact=True)), name
    menu.locator("summary").click()
    assert not header.get_by_role("link", name=LINKS[-1], exact=True).is_visible()
    page.context.close()


def test_without_javascript_a_desktop_shows_the_links_and_no_menu(
    browser: Any, live: LiveServer, manager: None
) -> None:
    page = logged_in_page(browser, live, DESKTOP, script=False)
    header = page.locator("header.site-header")
    assert not header.locator("details.site-menu summary").is_visible()
    for name in LINKS:
        assert in_view(page, header.get_by_role("link", name=name, exact=True)), name
    page.context.close()
