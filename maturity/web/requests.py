"""What every request shares: clean parameters and database ids."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Request, url_for
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
# Something that can be an existing account's address: one "@", no spaces.
EMAIL_SHAPE = r"^[^@\s]+@[^@\s]+$"


def mail_address(raw: str) -> str | None:
    """A typed address that can be an account's (lower case), or None."""
    address = raw.strip()
    if not re.match(EMAIL_SHAPE, address) or len(address) > 254:
        return None
    return address.lower()


def database_id(raw: object) -> int | None:
    """A submitted id, if it is one (digits, 1 to MAX_ID); None otherwise."""
    text = str(raw or "").strip()
    if not text.isdecimal() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class DatabaseId(IntegerConverter):
    """An integer route part that fits every database's INTEGER column."""

    def __init__(self, url_map: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


# C0 control characters other than tab, newline and carriage return: never meant as
# text, invisible on the page, garbage in the PDF, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: Any) -> Any:
    """Submitted data with control characters removed from every string in it."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: without_control_characters(item) for key, item in value.items()}
    return value


class CleanParameters(ImmutableMultiDict[str, str]):
    """Query and form parameters, with the control characters taken out of values."""

    def __init__(self, mapping: Any = None) -> None:
        if isinstance(mapping, list):
            mapping = [(key, without_control_characters(value)) for key, value in mapping]
        super().__init__(mapping)


# No form of ours nests deeper than a few levels; deeper JSON is refused as malformed
# before anything walks it (the parser itself gives up near Python's recursion limit).
MAX_JSON_DEPTH = 32


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest in ``value`` (stops counting past ``limit``)."""
    deepest = 0
    stack = [(value, 1)]
    while stack and deepest <= limit:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend(
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


class CleanRequest(Request):
    """Every value a view reads from a form, a query string or a JSON body is clean,
    and a JSON body of any shape either parses or is refused as a bad request."""

    parameter_storage_class = CleanParameters

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            data = super().get_json(force, silent, cache)
        except RecursionError:
            return self._malformed(ValueError("JSON nested too deeply"), silent)
        if json_depth(data) > MAX_JSON_DEPTH:
            return self._malformed(ValueError("JSON nested too deeply"), silent)
        return without_control_characters(data)

    def _malformed(self, error: ValueError, silent: bool) -> Any:
        if silent:
            return None
        return self.on_json_loading_failed(error)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths may be redirected to."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.index")
    return target
