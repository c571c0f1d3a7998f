"""Failed logins are limited without letting anyone lock an owner out.

The attack replayed: ten wrong passwords a minute for the owner's address, sent from
other addresses, kept the owner's correct password at 429. Counters live in Redis, as
in production (several workers share them)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import empty_tables, make_app
from tests.helpers import PASSWORD, make_user

# The limiter is one object for the process and keeps the first key prefix it was given:
# every test counts for accounts of its own.
RUN = uuid.uuid4().hex[:8]


@pytest.fixture
def limited_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    redis_url = os.environ.get("MATURITY_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis server given (MATURITY_TEST_REDIS_URL)")
    app = make_app(
        database_url,
        tmp_path,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="5 per minute",
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",  # runs never share counters
    )
    yield app
    empty_tables(app)


@pytest.fixture
def victim() -> str:
    return f"victim-{uuid.uuid4().hex[:8]}@example.com"


def attempt(client: FlaskClient, password: str, address: str, email: str) -> int:
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_guesses_from_elsewhere_never_lock_the_owner_out_of_a_known_browser(
    limited_app: Flask, victim: str
) -> None:
    make_user(limited_app, victim)
    owners_browser = limited_app.test_client()
    assert attempt(owners_browser, PASSWORD, "10.0.0.1", victim) == 302  # a device cookie now
    owners_browser.post("/auth/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    attacker = limited_app.test_client()
    guesses = [attempt(attacker, f"guess {n}", f"192.0.2.{n}", victim) for n in range(10)]
    assert guesses[:5] == [200] * 5 and guesses[5:] == [429] * 5
    # The owner's browser knows the account: the owner still gets in, a wrong password
    # typed there is still just wrong.
    assert attempt(owners_browser, "typo", "10.0.0.1", victim) == 200
    assert attempt(owners_browser, PASSWORD, "10.0.0.1", victim) == 302
    # A browser that never logged into the account meets the account's limit.
    assert attempt(limited_app.test_client(), PASSWORD, "10.0.0.2", victim) == 429


def test_failures_are_counted_per_address_and_per_account_and_address(
    limited_app: Flask,
) -> None:
    emails = [f"user{n}-{RUN}@example.com" for n in range(7)]
    for email in emails:
        make_user(limited_app, email)
    sprayer = limited_app.test_client()
    spray = [attempt(sprayer, "Winter2026!", "203.0.113.9", email) for email in emails]
    assert spray == [200] * 5 + [429] * 2
    # Successes do not count: an office behind one address logs in all day.
    office = [attempt(limited_app.test_client(), PASSWORD, "198.51.100.1", e) for e in emails]
    assert office == [302] * 7


def test_a_forged_or_foreign_device_cookie_counts_as_an_unknown_device(
    limited_app: Flask, victim: str
) -> None:
    make_user(limited_app, victim)
    make_user(limited_app, f"attacker-{RUN}@example.com")
    attacker = limited_app.test_client()
    assert attempt(attacker, PASSWORD, "192.0.2.1", f"attacker-{RUN}@example.com") == 302
    attacker.post("/auth/logout", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    # The attacker's own device cookie names their account, not the victim's.
    guesses = [attempt(attacker, f"guess {n}", f"192.0.2.{10 + n}", victim) for n in range(6)]
    assert guesses == [200] * 5 + [429]
    forged = limited_app.test_client()
    forged.set_cookie("maturity_device", "eyJhY2NvdW50IjoieCJ9.forged", path="/auth/")
    assert attempt(forged, PASSWORD, "192.0.2.99", victim) == 429
