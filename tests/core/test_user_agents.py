from __future__ import annotations

import pytest

from maturity.core.user_agents import describe


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", "Edge · Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50", "WeChat · iPhone"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36", "Chrome · Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15", "Safari · macOS"),
        ("Mozilla/5.0 (Linux; Android 14) Gecko/124.0 Firefox/124.0", "Firefox · Android"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_browsers_are_named_as_people_name_them(agent: str | None, expected: str | None) -> None:
    assert describe(agent) == expected
