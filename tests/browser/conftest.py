"""Browser tests: the real pages in headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import ROOT, empty_tables, make_app
from tests.helpers import PASSWORD, publish_questionnaires
from tests.mailbox import Mailbox

CHROMIUM = os.environ.get("MATURITY_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: ./dev installs the chromium package")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The application served on loopback, with CSRF on as in production."""
    app: Flask = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    publish_questionnaires(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Mailed links name the server's address (the app builds every link from it).
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()
    thread.join(timeout=10)
    empty_tables(app)


@pytest.fixture
def live_server(live: LiveServer) -> str:
    return live.url


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    # With two test processes (pytest-xdist) each takes screenshots into the one folder:
    # only a run in one process starts it afresh.
    if SCREENSHOTS.exists() and not os.environ.get("PYTEST_XDIST_WORKER"):
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def confirm_sign_up(page: Any, mailbox: Mailbox, email: str) -> None:
    """After "Create account": open the confirmation link that arrived by mail and
    confirm it with the password typed (still in the form's #password field)."""
    password = page.locator("#password").input_value()
    before = len(mailbox.to(email))
    page.locator("#accept_privacy").check()
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    link = mailbox.wait_for(email, count=before + 1)[-1].link("/auth/confirm/")
    page.goto(link)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


def pdf_text(page: Any, url: str, folder: Path) -> str:
    """The PDF at ``url`` fetched in the page's session, as pdftotext reads it, without
    whitespace (line breaks fall anywhere in a laid-out page)."""
    response = page.request.get(url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    path = folder / "fetched.pdf"
    path.write_bytes(response.body())
    try:
        read = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    finally:
        path.unlink()
    return re.sub(r"\s+", "", read)


def log_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a user would."""
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert "/auth/login" not in page.url
