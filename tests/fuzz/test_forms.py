"""Random, malformed, oversized and wrongly typed input to every form never causes a
server error, and markup in names and notes always comes out escaped."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.world import QUESTIONNAIRE, World

pytestmark = pytest.mark.slow

HOSTILE = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}", "na", "-1", "9" * 40,
    "\x00", "😀" * 10, "A" * 10_000, "0", "5", "", " ", "C", "34", "330000", "1e309", "[]",
]  # fmt: skip
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str))


def forms(world: World) -> list[tuple[str, str, list[str]]]:
    a, a1, a2, c = world.ids["org_a"], world.ids["a1"], world.ids["a2"], world.ids["centre"]
    first = QUESTIONNAIRE.questions[0].id
    page = QUESTIONNAIRE.questions[0].dimension_id
    return [
        ("anonymous", "/auth/register", ["name", "email", "password", "password_again", "accept_privacy"]),
        ("anonymous", "/auth/forgot", ["email"]),
        ("anonymous", "/auth/reset/not-a-token", ["password", "password_again"]),
        ("anonymous", "/auth/login", ["email", "password", "remember"]),
        ("owner", "/organisations/new", ["name", "credit_code", "industry_section", "industry_division",
                                          "employees", "revenue", "total_assets", "province_code", "city_code", "goals"]),
        ("owner", f"/organisations/{a}/edit", ["name", "credit_code", "industry_section", "industry_division",
                                               "employees", "revenue", "total_assets", "province_code", "city_code", "goals"]),
        ("owner", f"/assessments/{a2}/dimensions/{page}", [f"q-{first}", f"note-{first}", f"rev-{first}", "action", "q-x"]),
        ("owner", f"/assessments/{a1}/results", ["target-product_design", "target-business_decisions", "goals", "budget"]),
        ("owner", f"/organisations/{a}/invitations", ["role", "email", "language"]),
        ("owner", "/account", ["name", "locale"]),
        ("owner", "/account/password", ["current", "password", "password_again"]),
        ("owner", "/account/tokens", ["name", "scope", "days"]),
        ("member", "/account/delete", ["password"]),
        ("owner", f"/organisations/{a}/delete", ["name", "password"]),
        ("owner", f"/organisations/{a}/centres", ["centre_id"]),
        ("owner", f"/organisations/{a}/centres/{c}/consent", ["action"]),
        ("consultant", f"/assessments/{a1}/findings", ["finding-__overall__", "finding-product_design"]),
        ("consultant", f"/assessments/{a1}/verify", [f"outcome-{first}", f"adjusted-{first}", f"method-{first}", f"day-{first}", f"note-{first}"]),
        ("consultant", f"/assessments/{a1}/verify/complete", ["note"]),
        ("owner", f"/assessments/{a2}/submit", ["confirm", "role"]),
        ("admin", "/admin/releases", ["population", "period", "reason"]),
        ("reviewer", f"/centres/{c}/consultants", ["organisation_id", "consultant_id"]),
        ("owner", "/reports/batch", ["assessment_id", "lang"]),
        ("admin", "/admin/centres", ["name", "province_code"]),
        ("admin", f"/admin/centres/{c}/staff", ["email", "role"]),
        ("admin", f"/admin/users/{world.ids['user_stranger']}", ["action"]),
    ]  # fmt: skip


def test_no_form_input_causes_a_server_error(app: Flask, world: World) -> None:
    for role, url, fields in forms(world):
        check_form(world.client(role), url, fields)


def check_form(client: Any, url: str, fields: list[str]) -> None:
    @given(
        data=st.dictionaries(
            st.sampled_from([*fields, "unexpected"]),
            st.one_of(VALUES, st.lists(VALUES, max_size=3)),
        )
    )
    @settings(
        max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def post(data: dict[str, Any]) -> None:
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)

    post()


def test_no_background_save_causes_a_server_error(app: Flask, world: World) -> None:
    client = world.client("owner")
    url = f"/assessments/{world.ids['a2']}/answers"
    first = QUESTIONNAIRE.questions[0].id

    @given(
        value=st.one_of(st.sampled_from(HOSTILE), st.integers(), st.floats(allow_nan=True), st.booleans(),
                        st.none(), st.lists(st.integers(), max_size=3),
                        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)),
        revision=st.one_of(st.integers(), st.text(max_size=5), st.none(), st.floats()),
        note=st.one_of(st.none(), st.sampled_from(HOSTILE), st.integers()),
        question=st.one_of(st.just(first), st.text(max_size=20), st.integers()),
    )  # fmt: skip
    @settings(
        max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def save(value: Any, revision: Any, note: Any, question: Any) -> None:
        response = client.post(
            url, json={"question_id": question, "value": value, "revision": revision, "note": note}
        )
        assert response.status_code < 500, (value, revision, note, question)

    save()


def test_markup_in_names_and_notes_comes_out_escaped(app: Flask, world: World) -> None:
    owner = world.client("owner")
    a, a2 = world.ids["org_a"], world.ids["a2"]
    first = QUESTIONNAIRE.questions[0]
    question_page = f"/assessments/{a2}/dimensions/{first.dimension_id}"
    hostile = "<script>alert('x')</script><b>粗体</b>"
    owner.post(
        question_page,
        data={f"q-{first.id}": "2", f"note-{first.id}": hostile, f"rev-{first.id}": "0"},
    )
    for url in (question_page, f"/organisations/{a}"):
        html = owner.get(url).get_data(as_text=True)
        assert "<script>alert('x')</script>" not in html
    page = owner.get(question_page).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;" in page
