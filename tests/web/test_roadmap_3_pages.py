"""Roadmap 3 on the results page: the plan at a glance, one card per item with its steps
inside (each keeping its progress form), every reason in words, each phase's cost, the
items after this plan, and the three most important next steps as items that say why.

A firm whose foundations are at level 1 with the security goal chosen (roadmap 2 put
its cheapest basics 18–36 months out): the security baseline comes first, as a goal, an
enabler and a quick win."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.core.plan import Plan, PlannedItem, computed_plan
from maturity.core.questionnaire import Questionnaire
from maturity.core.roadmap_items import ItemRoadmap
from maturity.extensions import db
from maturity.models import Assessment, User
from maturity.services import plans
from maturity.services.results import evaluation_of
from tests.helpers import (
    CONFIRMED,
    current_questionnaire,
    fill_round,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
)

QUESTIONNAIRE = current_questionnaire()
SECURITY = "security_compliance"


@pytest.fixture
def security_round(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """A submitted 3.0.0 round, every practice at level 1, the security goal chosen."""
    publish_questionnaires(app)
    user_id = make_user(app)
    organisation_id = make_organisation(app, user_id)
    log_in(client)
    assert client.post(f"/organisations/{organisation_id}/assessments").status_code == 302
    with app.app_context():
        assessment = db.session.scalars(select(Assessment)).one()
        assert assessment.questionnaire_version.version == "3.0.0"
        fill_round(assessment.id, user_id, 1)
        assessment_id = assessment.id
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302
    with app.app_context():
        plans.set_plan(db.get_or_404(Assessment, assessment_id), {}, [SECURITY])
    return {"user": user_id, "assessment": assessment_id}


def roadmap_of(app: Flask, assessment_id: int) -> ItemRoadmap:
    with app.app_context():
        roadmap = evaluation_of(db.get_or_404(Assessment, assessment_id)).roadmap
    assert isinstance(roadmap, ItemRoadmap) and roadmap.version == "3"
    return roadmap


def name_of(item: PlannedItem, q: Questionnaire, locale: str) -> str:
    """As the page names an item: its project, else its step's question and level."""
    if item.project is not None:
        return q.project(item.project).label.get(locale)
    step = item.steps[0].step
    title = q.question(step.question_id).wording("discrete").title.get(locale)
    return f"{title} → {q.levels[step.to_level].label.get(locale)}"


def cny(low: Decimal, high: Decimal) -> str:
    return f"up to {high:,.0f} CNY" if low == 0 else f"{low:,.0f}–{high:,.0f} CNY"


def phase_part(html: str, phase: int) -> str:
    """The page from the phase's heading to the next phase's (phase 4: after this plan)."""
    return html.split(f'id="phase-{phase}"')[1].split('id="phase-')[0]


def card(html: str, item_id: str) -> str:
    return html.split(f'data-item="{item_id}"')[1].split("data-item=")[0]


def plain(html: str) -> str:
    """The text of some HTML, spaces squeezed."""
    text = re.sub(r"<[^>]+>", " ", html).replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text.replace("&#39;", "'"))


def test_every_phase_shows_its_items_with_their_steps_reasons_and_cost(
    app: Flask, client: FlaskClient, security_round: dict[str, Any]
) -> None:
    roadmap = roadmap_of(app, security_round["assessment"])
    plan = computed_plan(roadmap)
    client.get("/lang/en")
    html = client.get(f"/assessments/{security_round['assessment']}/results").get_data(as_text=True)
    for phase in (1, 2, 3):
        part = phase_part(html, phase)
        items = [item for item in plan.items if item.phase == phase]
        assert items and re.findall(r'data-item="([^"]+)"', part) == [i.id for i in items]
        # The steps of each item, each with its progress form, inside the item's card.
        assert re.findall(r'data-step="([a-z_]+:\d)"', part) == [
            f"{s.key[0]}:{s.key[1]}" for item in items for s in item.steps
        ]
        assert part.count('class="form step-status"') == sum(len(i.steps) for i in items)
        for item in items:
            text = plain(card(part, item.id))
            source = item.sources[0]
            assert name_of(item, QUESTIONNAIRE, "en") in text
            assert "Why:" in text and "How to do it:" in text and "Done when you can show:" in text
            assert all(line.get("en") in text for line in source.how)
            assert all(line.get("en") in text for line in source.evidence)
            assert (
                source.owner
                and f"Owner: {QUESTIONNAIRE.band('roles', source.owner).label.en}" in text
            )
            assert source.cost and f"Budget {source.cost.label.en}" in text
            # The amount and its unit never part at a line's end.
            assert f'<span class="nowrap">{source.cost.label.en}</span>' in card(part, item.id)
        cost = roadmap.phase_costs[phase - 1]
        # The organisation's revenue (8,600 万元) gives each phase its share of it.
        assert f"Estimated cost of this phase: {cny(cost.low, cost.high)}, " in plain(part)
        assert cost.revenue_share is not None and "of annual revenue." in plain(part)
    # Phase 1 opens with the security baseline: the chosen goal, an enabler of a named
    # later item, what its dimension's next level needs, and a quick win.
    first = plan.items[0]
    assert first.id == "security_baseline@1"
    enabled = next(r for r in first.sources[0].reasons if r.code == "enabler").items
    later_names = [name_of(item, QUESTIONNAIRE, "en") for item in plan.items if item.id in enabled]
    assert (
        plain(card(html, first.id)).count(
            "Why: serves your goal Network and data security and compliance; needed first by "
            + ", ".join(later_names)
            + "; needed for Digital foundations and safeguards to reach level 2 (Managed); a quick "
            "win: in the lowest cost band and done within three months"
        )
        == 1
    )
    # An item the capacity pushed on says so; a project of several steps is one card.
    moved = [i for i in plan.items if any(r.code == "moved" for r in i.sources[0].reasons)]
    assert moved and all(
        "moved to a later phase: the earlier phase was full" in plain(card(html, i.id))
        for i in moved
    )
    erp = next(i for i in plan.items if i.project == "erp")
    assert len(erp.steps) > 1 and html.count(f'data-item="{erp.id}"') == 1
    assert f"The {len(erp.steps)} steps of this item:" in plain(card(html, erp.id))


def test_the_plan_at_a_glance_and_after_this_plan(
    app: Flask, client: FlaskClient, security_round: dict[str, Any]
) -> None:
    roadmap = roadmap_of(app, security_round["assessment"])
    plan = computed_plan(roadmap)
    assert plan.later_items  # capacity [4, 6, 8] leaves some after the plan
    client.get("/lang/en")
    html = client.get(f"/assessments/{security_round['assessment']}/results").get_data(as_text=True)
    overview = html.split('id="plan-overview"')[1].split('id="phase-1"')[0]
    for phase, cost in enumerate(roadmap.phase_costs, start=1):
        rows = overview.split(f'data-overview-phase="{phase}"')[1].split("</tbody>")[0]
        items = [i for i in plan.items if i.phase == phase]
        assert re.findall(r'data-overview-item="([^"]+)"', rows) == [i.id for i in items]
        assert rows.count("gantt-bar") == len(items)
        assert f"{len(items)} items · {cny(cost.low, cost.high)}" in plain(rows)
    later = plain(overview.split('class="gantt-later"')[1])
    assert "After this plan : " + name_of(plan.later_items[0], QUESTIONNAIRE, "en") in later
    # After the three phases, the items after this plan by name, with their steps.
    after = phase_part(html, 4)
    assert "After this plan" in after
    assert re.findall(r'data-item="([^"]+)"', after) == [i.id for i in plan.later_items]
    assert all(name_of(i, QUESTIONNAIRE, "en") in plain(after) for i in plan.later_items)
    assert re.findall(r'data-step="([a-z_]+:\d)"', after) == [
        f"{s.key[0]}:{s.key[1]}" for i in plan.later_items for s in i.steps
    ]
    assert "step-status" not in after  # not in the plan: no progress yet


@pytest.mark.parametrize(
    ("locale", "goal_words"),
    [
        ("en", "serves your goal Network and data security and compliance"),
        ("zh", "服务于您的目标：网络与数据安全合规"),
    ],
)
def test_the_three_most_important_next_steps_are_items_that_say_why(
    app: Flask, client: FlaskClient, security_round: dict[str, Any], locale: str, goal_words: str
) -> None:
    plan = computed_plan(roadmap_of(app, security_round["assessment"]))
    client.get(f"/lang/{locale}")
    html = client.get(f"/assessments/{security_round['assessment']}/results").get_data(as_text=True)
    top = html.split('class="card next-steps"')[1].split("</article>")[0]
    assert re.findall(r'data-top-item="([^"]+)"', top) == [i.id for i in plan.items[:3]]
    first = plain(top.split("</li>")[0])
    assert name_of(plan.items[0], QUESTIONNAIRE, locale) in first and goal_words in first
    assert all(name_of(i, QUESTIONNAIRE, locale) in plain(top) for i in plan.items[:3])


def test_progress_of_a_step_inside_an_item_and_an_edited_plan(
    app: Flask, client: FlaskClient, security_round: dict[str, Any]
) -> None:
    url = f"/assessments/{security_round['assessment']}"
    roadmap = roadmap_of(app, security_round["assessment"])
    plan = computed_plan(roadmap)
    crm = next(i for i in plan.items if i.project == "crm" and i.phase == 1)
    question, level = crm.steps[1].key
    saved = client.post(
        f"{url}/plan/steps/{question}/{level}", data={"state": "done", "note": "已上线"}
    )
    assert saved.status_code == 302
    # The consultant moves the ERP project from phase 2 into phase 1.
    erp = next(i for i in plan.items if i.project == "erp")
    assert erp.phase == 2
    edits = {
        "steps": [
            {
                "question": s.key[0],
                "level": s.key[1],
                "phase": 1 if s in erp.steps else s.phase,
                "text": None,
                "pinned": False,
            }
            for s in plan.steps
        ],
        "removed": [],
        "top": [],
        "summary": "",
    }
    with app.app_context():
        from maturity.core.plan_edits import parse_edits

        parsed, problems = parse_edits(roadmap, edits)
        assert not problems and parsed is not None
        assessment = db.get_or_404(Assessment, security_round["assessment"])
        plans.save_revision(assessment, parsed, db.get_or_404(User, security_round["user"]))
    client.get("/lang/en")
    html = client.get(f"{url}/results").get_data(as_text=True)
    step = html.split(f'data-step="{question}:{level}"')[1].split("</li>")[0]
    assert 'class="tag state-done"' in step and "已上线" in step
    assert 'data-item="crm@1"' in phase_part(html, 1)
    # The ERP is now an item of phase 1, placed there by the editor; phase 1's cost adds
    # the ERP's band and phase 2's loses it.
    part = phase_part(html, 1)
    assert 'data-item="erp@1"' in part and 'data-item="erp@2"' not in html
    assert "placed in this phase when the plan was adjusted" in plain(card(part, "erp@1"))
    assert "moved to a later phase" not in plain(card(part, "erp@1"))
    edited = apply_phase_one(plan, erp.sources[0].cost_cny)
    assert f"Estimated cost of this phase: {cny(*edited)}, " in plain(part)


def apply_phase_one(plan: Plan, erp: tuple[Decimal, Decimal] | None) -> tuple[Decimal, Decimal]:
    """Phase 1's cost once the ERP joins it: its items' ranges added up."""
    assert erp is not None
    ranges = [i.sources[0].cost_cny for i in plan.items if i.phase == 1]
    assert all(r is not None for r in ranges)
    low = sum((r[0] for r in ranges if r), Decimal(0)) + erp[0]
    high = sum((r[1] for r in ranges if r), Decimal(0)) + erp[1]
    return low, high


def test_a_round_on_questionnaire_2_keeps_roadmap_2(app: Flask, client: FlaskClient) -> None:
    publish_questionnaires(app, upto="2.0.0")
    user_id = make_user(app)
    organisation_id = make_organisation(app, user_id)
    log_in(client)
    client.post(f"/organisations/{organisation_id}/assessments")
    with app.app_context():
        assessment_id = db.session.scalars(select(Assessment)).one().id
        fill_round(assessment_id, user_id, 1)
    client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED)
    html = client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    assert 'id="phase-1"' in html and "data-step=" in html
    assert "data-item=" not in html and "gantt" not in html and 'id="phase-4"' not in html


def test_the_budget_set_with_the_targets_prices_every_phase(
    app: Flask, client: FlaskClient, security_round: dict[str, Any]
) -> None:
    """The annual digital budget (万元) is set with the targets and goals; each phase
    then fits it and says so, and the revenue (8,600 万元) prices the shares."""
    assessment_id = security_round["assessment"]
    unlimited = roadmap_of(app, assessment_id)
    assert unlimited.organisation.annual_revenue_cny == Decimal(86_000_000)
    refused = client.post(
        f"/assessments/{assessment_id}/results",
        data={"goals": [SECURITY], "budget": "三十万"},
    )
    assert refused.status_code == 400
    assert "请以万元为单位填写年度数字化预算" in refused.get_data(as_text=True)
    saved = client.post(
        f"/assessments/{assessment_id}/results", data={"goals": [SECURITY], "budget": "12.5"}
    )
    assert saved.status_code == 302
    with app.app_context():
        organisation = db.get_or_404(Assessment, assessment_id).organisation
        assert organisation.digital_budget == Decimal("12.5")
    limited = roadmap_of(app, assessment_id)
    assert limited.organisation.annual_budget_cny == Decimal(125_000)
    for cost in limited.phase_costs:
        assert cost.limit is not None and cost.midpoint <= cost.limit
    moved = [i for i in limited.items if any(r.by == "budget" for r in i.reasons)]
    assert moved and not any(r.by == "budget" for i in unlimited.items for r in i.reasons)
    page = client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)
    assert 'value="12.5"' in page and "年度数字化预算12.5万元" in page.replace(" ", "")
    # Cleared: no limit again.
    client.post(f"/assessments/{assessment_id}/results", data={"goals": [SECURITY], "budget": ""})
    assert roadmap_of(app, assessment_id).organisation.annual_budget_cny is None
