"""JSON API v1: tokens, the access policy, the error shape, and the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from maturity.api.auth import OPEN_ENDPOINTS
from maturity.extensions import db
from maturity.models import TokenScope, User
from maturity.services.api_tokens import create
from tests.helpers import (
    ATTESTATION_JSON,
    FULL_PROFILE,
    make_organisation,
    make_user,
    publish_questionnaires,
)
from tests.web.world import QUESTIONNAIRE, SECRET_A, SECRET_B, World


def token_for(app: Flask, role: str) -> dict[str, str]:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@example.com"))
        return {"Authorization": f"Bearer {create(user, 'test', TokenScope.WRITE)}"}


def test_requests_without_a_valid_token_get_401_in_the_error_shape(
    app: Flask, world: World
) -> None:
    client = app.test_client()
    for headers in ({}, {"Authorization": "Bearer mat_wrong"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/organisations", headers=headers)
        assert response.status_code == 401
        assert set(response.json["error"]) == {"code", "message", "problems"}
    # A logged-in browser session does not authenticate the API either.
    assert world.client("owner").get("/api/v1/organisations").status_code == 401


def test_owner_runs_an_assessment_through_the_api(app: Flask, world: World) -> None:
    client = app.test_client()
    headers = token_for(app, "owner")
    assert client.get("/api/v1/me", headers=headers).json["email"] == "owner@example.com"
    organisations = client.get("/api/v1/organisations", headers=headers).json
    assert [o["name"] for o in organisations] == [SECRET_A]
    a = world.ids["org_a"]
    draft = client.post(f"/api/v1/organisations/{a}/assessments", headers=headers)
    assert draft.status_code == 201 and draft.json["id"] == world.ids["a2"]
    url = f"/api/v1/assessments/{world.ids['a2']}"
    first = QUESTIONNAIRE.questions[0].id
    saved = client.put(
        f"{url}/answers/{first}", json={"value": 3, "note": "ok", "revision": 0}, headers=headers
    )
    assert saved.status_code == 200 and saved.json == {
        "question_id": first,
        "value": 3,
        "note": "ok",
        "revision": 1,
        "carried_over": False,
    }
    stale = client.put(f"{url}/answers/{first}", json={"value": 1, "revision": 0}, headers=headers)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    incomplete = client.post(f"{url}/submit", headers=headers, json=ATTESTATION_JSON)
    problems = incomplete.json["error"]["problems"]
    assert incomplete.status_code == 409
    # The size is not asked: it is the organisation's size class.
    asked = [item for item in QUESTIONNAIRE.profile if item.derived_from is None]
    assert len(asked) == len(QUESTIONNAIRE.profile) - 1
    assert len(problems) == len(QUESTIONNAIRE.questions) - 1 + len(asked)
    assert "profile: sector: missing answer" in problems
    assert not any(problem.startswith("profile: size") for problem in problems)
    # The profile is taken whole or refused whole; the derived size cannot be set.
    refused = client.put(
        f"{url}/profile", json={**FULL_PROFILE, "sector": "bogus", "size": "micro"}, headers=headers
    )
    assert refused.status_code == 400
    assert refused.json["error"]["problems"] == [
        "sector: not one of the options",
        "size: derived",
    ]
    assert client.get(url, headers=headers).json["profile"] == {"size": "small"}
    pure_service = {
        "sector": "services",
        "customers": "businesses",
        "designs_products": "no_products",
        "after_sales": "no_after_sales",
    }
    profile = client.put(f"{url}/profile", json=pure_service, headers=headers)
    assert profile.status_code == 200
    assert profile.json["profile"] == {**pure_service, "size": "small"}
    marked = profile.json["not_applicable"]
    assert {"pp_scheduling", "pd_cad_modelling", "md_after_sales_service"} <= set(marked)
    assert marked["pp_scheduling"]["en"] == (
        "A service business offers no physical products, so production, prototyping and "
        "production-equipment practices do not apply."
    )
    out_of_range = client.put(
        f"{url}/outcomes", json={"on_time_delivery": 90, "first_pass_yield": 101}, headers=headers
    )
    assert out_of_range.status_code == 400
    assert out_of_range.json["error"]["problems"] == ["first_pass_yield: outside 0.0 to 100.0"]
    figures = client.put(
        f"{url}/outcomes",
        json={"on_time_delivery": 90, "revenue_per_employee": "1,234.56"},
        headers=headers,
    )
    assert figures.status_code == 200
    assert figures.json["outcomes"] == {"revenue_per_employee": 1234.6, "on_time_delivery": 90.0}
    for question in QUESTIONNAIRE.questions[1:]:
        if question.id in marked:
            continue
        assert (
            client.put(
                f"{url}/answers/{question.id}", json={"value": 2}, headers=headers
            ).status_code
            == 200
        )
    results = client.post(f"{url}/submit", headers=headers, json=ATTESTATION_JSON)
    assert results.status_code == 200 and results.json["scoring_version"] == "1"
    assert results.json["not_applicable"].keys() == marked.keys()
    assert results.json["outcomes"] == figures.json["outcomes"]
    assert results.json["dimensions"]["production_process"] == {"assessed": False}
    assert results.json["dimensions"]["foundations"]["assessed"] is True
    assert results.json["benchmark"]["cohort"] is None  # fewer than k peers
    assert client.get(f"{url}/results", headers=headers).json["overall"] == results.json["overall"]
    assert "roadmap" in client.get(f"{url}/roadmap", headers=headers).json
    locked = client.put(f"{url}/answers/{first}", json={"value": 5, "revision": 1}, headers=headers)
    assert locked.status_code == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"value": 9}, 400, "invalid_value"),
        ({"value": True}, 400, "invalid_value"),
        ({"value": "na"}, 400, "na_not_allowed"),
        ({"value": 2, "revision": "x"}, 400, "bad_request"),
        ([1, 2], 400, "bad_request"),
    ],
)
def test_bad_answers_are_refused(
    app: Flask, world: World, body: Any, status: int, code: str
) -> None:
    headers = token_for(app, "owner")
    first = QUESTIONNAIRE.questions[0].id
    response = app.test_client().put(
        f"/api/v1/assessments/{world.ids['a2']}/answers/{first}", json=body, headers=headers
    )
    assert (response.status_code, response.json["error"]["code"]) == (status, code)
    unknown = app.test_client().put(
        f"/api/v1/assessments/{world.ids['a2']}/answers/not_a_question",
        json={"value": 1},
        headers=headers,
    )
    assert unknown.status_code == 404


def test_the_api_applies_the_same_access_policy(app: Flask, world: World) -> None:
    client = app.test_client()
    stranger = token_for(app, "stranger")
    for url in (
        f"/api/v1/organisations/{world.ids['org_a']}",
        f"/api/v1/assessments/{world.ids['a1']}",
        f"/api/v1/assessments/{world.ids['a1']}/results",
        f"/api/v1/centres/{world.ids['centre']}/aggregates",
    ):
        response = client.get(url, headers=stranger)
        assert response.status_code == 404, url
        assert SECRET_A not in response.get_data(as_text=True)
    reviewer = token_for(app, "reviewer")
    assert (
        client.get(f"/api/v1/assessments/{world.ids['a1']}/results", headers=reviewer).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/assessments/{world.ids['b1']}/results", headers=reviewer).status_code
        == 404
    )  # no consent
    aggregates = client.get(f"/api/v1/centres/{world.ids['centre']}/aggregates", headers=reviewer)
    assert (
        aggregates.status_code == 200 and aggregates.json["shown"] is False
    )  # 2 organisations < k
    assert SECRET_B not in aggregates.get_data(as_text=True)


def test_every_api_route_is_in_the_openapi_document(app: Flask) -> None:
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    described = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        # The document itself and its page for people (test_api_docs.py) are not operations.
        if rule.endpoint.startswith("api.") and rule.endpoint not in OPEN_ENDPOINTS:
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            # A route over several fixed words (<any(a,b):name>) serves a path for each.
            choices = re.search(r"<any\(([^)]*)\):\w+>", path)
            paths = (
                [path.replace(choices.group(0), word) for word in choices.group(1).split(",")]
                if choices
                else [path]
            )
            served |= {(p, m) for p in paths for m in rule.methods - {"HEAD", "OPTIONS"}}  # type: ignore[operator]
    assert served == described


def test_a_version_without_a_profile_answers_409_and_takes_every_answer(app: Flask) -> None:
    publish_questionnaires(app, only="1.0.0")
    owner = make_user(app, "owner@example.com", "owner")
    organisation = make_organisation(app, owner)
    client = app.test_client()
    headers = token_for(app, "owner")
    draft = client.post(f"/api/v1/organisations/{organisation}/assessments", headers=headers)
    assert draft.json["questionnaire"]["version"] == "1.0.0" and draft.json["profile"] == {}
    url = f"/api/v1/assessments/{draft.json['id']}"
    for section in ("profile", "outcomes"):
        refused = client.put(f"{url}/{section}", json={}, headers=headers)
        assert refused.status_code == 409 and refused.json["error"]["code"] == "not_asked"
    incomplete = client.post(f"{url}/submit", headers=headers, json=ATTESTATION_JSON).json["error"][
        "problems"
    ]
    assert len(incomplete) == 23 and not any(p.startswith("profile") for p in incomplete)


def test_a_wrong_method_is_a_405_that_says_which_are_allowed(app: Flask, world: World) -> None:
    client = app.test_client()
    response = client.delete("/api/v1/me", headers=token_for(app, "owner"))
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.put("/auth/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_the_plan_over_the_api_follows_the_same_rules_as_the_pages(
    app: Flask, world: World
) -> None:
    client = app.test_client()
    owner, reviewer = token_for(app, "owner"), token_for(app, "reviewer")
    url = f"/api/v1/assessments/{world.ids['a1']}/plan"
    plan = client.get(url, headers=owner)
    assert plan.status_code == 200 and plan.json["edited"] is False
    assert plan.json["revision"] is None
    steps = plan.json["steps"]
    assert steps and all(s["state"] is None for s in steps)
    first, second = steps[0], steps[1]
    edits = {
        "steps": [
            {
                "question": s["question"],
                "level": s["level"],
                "phase": 3 if s is first else s["phase"],
            }
            for s in steps
            if s is not second
        ],
        "removed": [{"question": second["question"], "level": second["level"]}],
        "top": [{"question": first["question"], "level": first["level"]}],
        "summary": "先做数据治理。",
    }
    # A centre reviewer with consent reads the plan but cannot change it.
    assert client.get(url, headers=reviewer).status_code == 200
    refused = client.put(url, json=edits, headers=reviewer)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    saved = client.put(url, json=edits, headers=owner)
    assert saved.status_code == 200, saved.json
    assert saved.json["edited"] is True and saved.json["revision"]["number"] == 1
    assert saved.json["summary"] == "先做数据治理。"
    assert saved.json["removed"] == [{"question": second["question"], "level": second["level"]}]
    moved = next(
        s
        for s in saved.json["steps"]
        if s["question"] == first["question"] and s["level"] == first["level"]
    )
    assert moved["phase"] == 3 and moved["computed_phase"] == first["phase"]
    bad = client.put(url, json={**edits, "top": [{"question": "nope", "level": 1}]}, headers=owner)
    assert bad.status_code == 409 and bad.json["error"]["code"] == "invalid_plan"
    assert bad.json["error"]["problems"] == [
        "top[0]: 'nope' to level 1 is not a step of this roadmap"
    ]
    # Step status: stored, validated, and listed with the plan.
    step_url = f"{url}/steps/{first['question']}/{first['level']}"
    done = client.put(
        step_url, json={"state": "done", "due_on": "2027-03-31", "note": "完成"}, headers=owner
    )
    assert done.status_code == 200
    status = next(
        s
        for s in done.json["steps"]
        if s["question"] == first["question"] and s["level"] == first["level"]
    )
    assert (status["state"], status["due_on"], status["note"]) == ("done", "2027-03-31", "完成")
    assert client.put(step_url, json={"state": "finished"}, headers=owner).status_code == 400
    assert (
        client.put(f"{url}/steps/nope/1", json={"state": "done"}, headers=owner).status_code == 404
    )
    # Back to the computed roadmap, with the history kept.
    reset = client.post(f"{url}/reset", headers=owner)
    assert reset.status_code == 200 and reset.json["edited"] is False
    revisions = client.get(f"{url}/revisions", headers=owner).json["revisions"]
    assert [(r["number"], r["computed"]) for r in revisions] == [(2, True), (1, False)]
    # A draft has no plan; a stranger sees nothing.
    assert (
        client.get(f"/api/v1/assessments/{world.ids['a2']}/plan", headers=owner).status_code == 409
    )
    assert client.get(url, headers=token_for(app, "stranger")).status_code == 404


def test_answers_taken_over_from_the_previous_round_say_so_until_saved_again(
    app: Flask, world: World
) -> None:
    from maturity.models import Assessment, Organisation
    from maturity.services import assessments as service

    with app.app_context():
        db.session.delete(db.session.get(Assessment, world.ids["a2"]))
        db.session.commit()
        organisation = db.session.get(Organisation, world.ids["org_a"])
        owner = db.session.get(User, world.ids["user_owner"])
        new = service.start_or_resume(organisation, owner, from_previous=True).id
    client = app.test_client()
    headers = token_for(app, "owner")
    url = f"/api/v1/assessments/{new}"
    answers = client.get(url, headers=headers).json["answers"]
    assert answers and all(a["carried_over"] for a in answers.values())
    # The profile carries over, with the size taken from the organisation.
    assert client.get(url, headers=headers).json["profile"] == {**FULL_PROFILE, "size": "small"}
    first = next(iter(answers))
    confirmed = client.put(
        f"{url}/answers/{first}",
        json={"value": answers[first]["value"], "revision": answers[first]["revision"]},
        headers=headers,
    )
    assert confirmed.status_code == 200 and confirmed.json["carried_over"] is False
    refused = client.post(f"{url}/submit", headers=headers, json=ATTESTATION_JSON)
    assert refused.status_code == 409  # the others still wait for confirmation
