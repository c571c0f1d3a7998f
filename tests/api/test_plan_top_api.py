"""Over the API as on the editor's page, a chosen most important step that repeats the
practice (question or project) of an earlier choice is refused, not dropped."""

from __future__ import annotations

from flask import Flask

from maturity.extensions import db
from maturity.models import Assessment
from maturity.services import plans, results
from tests.api.test_api import token_for
from tests.web.world import World


def test_a_top_choice_repeating_an_earlier_practice_is_a_conflict(app: Flask, world: World) -> None:
    with app.app_context():  # targets two levels up: two steps for some questions
        assessment = db.session.get(Assessment, world.ids["a1"])
        assert assessment is not None
        scores = results.stored_scores(assessment).dimensions
        plans.set_plan(
            assessment,
            {d: min(5, (r.level or 0) + 2) for d, r in scores.items() if r.assessed},
            [],
        )
    client = app.test_client()
    owner = token_for(app, "owner")
    url = f"/api/v1/assessments/{world.ids['a1']}/plan"
    steps = client.get(url, headers=owner).json["steps"]
    by_question: dict[str, list[dict[str, object]]] = {}
    for step in steps:
        by_question.setdefault(str(step["question"]), []).append(step)
    other, *_rest = (s for s in steps if len(by_question[str(s["question"])]) == 1)
    lower, higher = next(found for found in by_question.values() if len(found) >= 2)[:2]

    def key(step: dict[str, object]) -> dict[str, object]:
        return {"question": step["question"], "level": step["level"]}

    refused = client.put(url, json={"top": [key(higher), key(other), key(lower)]}, headers=owner)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "invalid_plan"
    assert refused.json["error"]["problems"] == [
        "top[2]: repeats the practice (question or project) of top[0]; choose another step"
    ]
    assert client.get(url, headers=owner).json["revision"] is None  # nothing saved
    saved = client.put(url, json={"top": [key(higher), key(other)]}, headers=owner)
    assert saved.status_code == 200
    assert saved.json["top"] == [key(higher), key(other)]
