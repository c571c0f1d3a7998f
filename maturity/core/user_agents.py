"""A browser's User-Agent as people name it ("Chrome · Windows"), for the list of
sessions on the account page."""

from __future__ import annotations

import re

# Order matters: Edge and WeChat's browser also say "Chrome" and "Safari".
BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("HarmonyOS", "HarmonyOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str | None) -> str | None:
    """Browser and system, or None when neither is recognised."""
    if not user_agent:
        return None
    browser = next((name for marker, name in BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in SYSTEMS if marker in user_agent), None)
    if browser is None and system is None:
        return re.sub(r"\s+", " ", user_agent)[:40] or None
    return " · ".join(part for part in (browser, system) if part)
