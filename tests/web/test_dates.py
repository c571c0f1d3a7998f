"""Dates name their month in English ("6 Dec 2026", never "12/6/26"); in Chinese every
date reads as the long one does ("2026年12月6日", never "2026/12/6")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale

DAY = date(2026, 12, 6)
MOMENT = datetime(2026, 12, 6, 9, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "template", "expected"),
    [
        ("en", "{{ day|dateformat('short') }}", "6 Dec 2026"),
        ("en", "{{ day|dateformat('medium') }}", "6 Dec 2026"),
        ("en", "{{ day|dateformat('long') }}", "6 December 2026"),
        ("en", "{{ moment|datetimeformat('short') }}", "6 Dec 2026, 17:05"),
        ("zh", "{{ day|dateformat('long') }}", "2026年12月6日"),
        ("zh", "{{ day|dateformat('short') }}", "2026年12月6日"),
        ("zh", "{{ day|dateformat('medium') }}", "2026年12月6日"),
        ("zh", "{{ moment|datetimeformat('short') }}", "2026年12月6日 17:05"),
    ],
)
def test_dates_in_each_language(app: Flask, language: str, template: str, expected: str) -> None:
    # Times are shown in the application's time zone (Asia/Shanghai by default).
    with app.test_request_context(), force_locale(language):
        assert render_template_string(template, day=DAY, moment=MOMENT) == expected


def test_a_missing_date_is_empty(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert render_template_string("{{ none|dateformat('short') }}", none=None) == ""
