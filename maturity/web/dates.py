"""Dates as readers write them. Babel's English patterns are American and the short ones
ambiguous ("12/6/26" is 6 December to a British reader and 12 June to many others): in
English every date names its month ("6 Dec 2026"). In Chinese every date is written as
the long one is ("2026年12月6日", "2026年12月6日 11:41"), not one page in that form and
the next in Babel's short "2026/12/6"."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

ENGLISH_DATES = {"short": "d MMM y", "medium": "d MMM y", "long": "d MMMM y"}
ENGLISH_DATETIMES = {"short": "d MMM y, HH:mm", "medium": "d MMM y, HH:mm:ss"}
CHINESE_DATES = {"short": "y年M月d日", "medium": "y年M月d日"}
CHINESE_DATETIMES = {"short": "y年M月d日 HH:mm", "medium": "y年M月d日 HH:mm:ss"}


def _patterns(english: dict[str, str], chinese: dict[str, str]) -> dict[str, str]:
    locale = get_locale()
    language = locale.language if locale is not None else None
    return english if language == "en" else chinese if language == "zh" else {}


def date_in_words(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    format = _patterns(ENGLISH_DATES, CHINESE_DATES).get(format, format)
    return format_date(value, format)


def datetime_in_words(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    format = _patterns(ENGLISH_DATETIMES, CHINESE_DATETIMES).get(format, format)
    return format_datetime(value, format)


def init_app(app: Flask) -> None:
    """After Flask-Babel, whose filters of the same names these replace."""
    app.jinja_env.filters["dateformat"] = date_in_words
    app.jinja_env.filters["datetimeformat"] = datetime_in_words
