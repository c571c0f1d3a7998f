"""A failed login takes as long for an unknown address as for a known one, so the
time of the answer does not tell which addresses have accounts."""

from __future__ import annotations

import statistics
import time

import pytest
from flask import Flask

from tests.helpers import make_user

ATTEMPTS = 20


@pytest.mark.slow
@pytest.mark.alone
@pytest.mark.usefixtures("production_passwords")
def test_login_takes_as_long_for_unknown_addresses(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    make_user(app, "known@example.com")
    client = app.test_client()
    client.post("/auth/login", data={"email": "warm@example.com", "password": "warm up"})
    times: dict[str, list[float]] = {"known@example.com": [], "unknown@example.com": []}
    for attempt in range(ATTEMPTS):  # alternating, so that drift affects both alike
        for email in times:
            started = time.perf_counter()
            response = client.post(
                "/auth/login", data={"email": email, "password": f"wrong guess {attempt}"}
            )
            times[email].append(time.perf_counter() - started)
            assert response.status_code == 200
    known = statistics.median(times["known@example.com"]) * 1000
    unknown = statistics.median(times["unknown@example.com"]) * 1000
    difference = abs(known - unknown) / max(known, unknown)
    with capsys.disabled():  # the figure belongs in the test log
        print(
            f"\nlogin, median of {ATTEMPTS}: existing address {known:.1f} ms, "
            f"unknown address {unknown:.1f} ms, difference {difference:.1%}"
        )
    assert difference < 0.20
