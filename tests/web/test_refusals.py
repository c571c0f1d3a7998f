"""One refusal type, its words in both languages, and one JSON error shape."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale

from maturity.core.refusals import Refusal, Refused
from maturity.web.messages import refusal_message

# What the words of these codes name (the limit, the range …).
DETAILS = {
    Refusal.OUT_OF_RANGE: {"minimum": "0", "maximum": "100"},
    Refusal.NAME_TOO_LONG: {"limit": 200},
    Refusal.CONTACT_TOO_LONG: {"limit": 300},
    Refusal.PROGRAMMES_TOO_LONG: {"limit": 2000},
    Refusal.LOGO_TOO_LARGE: {"limit": 2 * 1024 * 1024},
    Refusal.TOO_LARGE: {"limit": 5 * 1024 * 1024},
    Refusal.NOT_CENTRE_CONSULTANT: {"name": "某人"},
    Refusal.ROUND_FULL: {"limit": 100 * 1024 * 1024},
    Refusal.ROLE_TOO_LONG: {"limit": 100},
    Refusal.TOO_MANY_GOALS: {"limit": 3},
}


def test_every_refusal_has_its_words_in_chinese_and_english(app: Flask) -> None:
    with app.test_request_context():
        for code in Refusal:
            refused = Refused(code, **DETAILS.get(code, {}))
            with force_locale("en"):
                english = refusal_message(refused)
            with force_locale("zh"):
                chinese = refusal_message(refused)
            assert english and chinese and english != chinese, code
            assert not any("\u4e00" <= c <= "\u9fff" for c in english.replace("某人", "")), code


def test_background_requests_get_errors_in_the_json_shape(app: Flask, world) -> None:  # type: ignore[no-untyped-def]
    """Chosen by the request, not by an /api/ path: a background save that fails for
    any reason (a refusal, an unknown round, a missing page) answers in JSON."""
    owner = world.client("owner")
    draft = world.ids["a2"]
    refused = owner.post(f"/assessments/{draft}/answers", json={"question_id": "x", "value": 9})
    assert refused.status_code == 400
    assert set(refused.json["error"]) == {"code", "message", "problems"}
    missing = owner.post("/assessments/999999/answers", json={"question_id": "x", "value": 1})
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    submitted = owner.post(
        f"/assessments/{world.ids['a1']}/answers", json={"question_id": "x", "value": 1}
    )
    assert submitted.status_code == 403
    assert submitted.json["error"]["code"] == "not_editable"
    assert "不能再修改" in submitted.json["error"]["message"]
    page = owner.get("/assessments/999999", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.mimetype == "text/html"
