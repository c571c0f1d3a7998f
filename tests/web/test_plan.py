"""The curated plan on the pages: editing, revisions, what no longer fits, step
progress, what is due, the PDF, and the next round's comparison."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Assessment, PlanRevision
from tests.conftest import Owner
from tests.helpers import (
    CONFIRMED,
    fill_round,
    publish_questionnaires,
)


@pytest.fixture
def round_one(app: Flask, client: FlaskClient, owner: Owner) -> dict[str, Any]:
    # Curated plans of roadmap 2 on 2.0.0 (phase capacities 5 and 8, its wording).
    publish_questionnaires(app, upto="2.0.0")
    user_id, organisation_id = owner.user, owner.organisation
    client.post(f"/organisations/{organisation_id}/assessments")
    with app.app_context():
        assessment_id = db.session.scalars(select(Assessment)).one().id
        fill_round(assessment_id, user_id, 2)
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302
    return {"user": user_id, "organisation": organisation_id, "assessment": assessment_id}


def editor_form(html: str) -> dict[str, str]:
    """The editor's fields as the browser would post them unchanged."""
    form: dict[str, str] = {}
    for name, value in re.findall(
        r'<select name="(phase-[^"]+)">.*?value="(\d)" selected', html, re.S
    ):
        form[name] = value
    for name, value in re.findall(r'name="(order-[^"]+)" value="(\d+)"', html):
        form[name] = value
    return form


def steps_of(html: str, phase: int) -> list[str]:
    part = (
        html.split(f'id="phase-{phase}"')[1].split('id="phase-')[0]
        if f'id="phase-{phase}"' in html
        else ""
    )
    return re.findall(r'data-step="([a-z_]+:\d)"', part)


def test_an_edited_plan_is_a_revision_shown_on_the_page_and_in_the_pdf(
    app: Flask, client: FlaskClient, round_one: dict[str, Any]
) -> None:
    url = f"/assessments/{round_one['assessment']}"
    computed = client.get(f"{url}/results").get_data(as_text=True)
    phase_2 = steps_of(computed, 2)
    assert len(phase_2) == 8  # the capacity of phase 2
    moved, removed, reworded = (s.replace(":", "-") for s in phase_2[:3])
    editor = client.get(f"{url}/plan").get_data(as_text=True)
    assert "调整计划" in editor
    form = editor_form(editor)
    form |= {
        f"phase-{moved}": "1",
        f"pin-{moved}": "1",
        f"remove-{removed}": "1",
        f"text-{reworded}": "先由总经理牵头，写下三年目标。",
        "top-1": reworded,
        "summary": "顾问意见：数据治理优先。",
        "action": "save",
    }
    saved = client.post(f"{url}/plan", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    html = client.get(f"{url}/results").get_data(as_text=True)
    assert "计划由王经理于" in html and "顾问意见：数据治理优先。" in html
    # Moved to phase 1 and pinned: first there, out of phase 2; the removed step is gone.
    moved_key, removed_key = (":".join(s.rsplit("-", 1)) for s in (moved, removed))
    assert steps_of(html, 1)[0] == moved_key and moved_key not in steps_of(html, 2)
    assert f'data-step="{removed_key}"' not in html
    assert "先由总经理牵头，写下三年目标。" in html and "★" in html
    # The computed roadmap stays one click away.
    plain = client.get(f"{url}/results?plan=computed").get_data(as_text=True)
    assert steps_of(plain, 2) == phase_2 and "这是系统计算的路线图。" in plain
    with app.app_context():
        revisions = db.session.scalars(select(PlanRevision)).all()
        assert [(r.number, r.author.name) for r in revisions] == [(1, "王经理")]  # type: ignore[union-attr]
        from maturity.reports.render import render_html
        from maturity.services.reports import load_report_data

        report = render_html(load_report_data(round_one["assessment"], "zh"))
    top = report.split("最重要的三项后续行动")[1].split("</section>")[0]
    assert "先由总经理牵头，写下三年目标。" in top and "顾问意见：数据治理优先。" in top
    assert "计划由王经理于" in report
    # Back to the computed plan: a new revision, the old ones kept.
    client.post(f"{url}/plan", data={"action": "reset"})
    assert steps_of(client.get(f"{url}/results").get_data(as_text=True), 2) == phase_2
    assert "历史版本" in client.get(f"{url}/plan").get_data(as_text=True)


def test_edits_that_no_longer_fit_are_named_after_targets_change(
    client: FlaskClient, round_one: dict[str, Any]
) -> None:
    url = f"/assessments/{round_one['assessment']}"
    form = editor_form(client.get(f"{url}/plan").get_data(as_text=True))
    client.post(f"{url}/plan", data={**form, "action": "save"})
    # Product design's target drops to its level: its steps leave the roadmap.
    client.post(f"{url}/results", data={"target-product_design": "2"})
    html = client.get(f"{url}/results").get_data(as_text=True)
    assert "已不再符合当前的目标等级和业务目标" in html
    editor = client.get(f"{url}/plan").get_data(as_text=True)
    assert "以下调整已不再适用" in editor and "三维建模与图档管理" in editor
    bad = client.post(f"{url}/plan", data={**form, "phase-fd_network-3": "7", "action": "save"})
    assert bad.status_code == 400 and "计划未保存" in bad.get_data(as_text=True)


def test_step_progress_what_is_due_and_the_next_round_shows_what_was_done(
    app: Flask, client: FlaskClient, round_one: dict[str, Any]
) -> None:
    url = f"/assessments/{round_one['assessment']}"
    html = client.get(f"{url}/results").get_data(as_text=True)
    first, second = (s.split(":") for s in steps_of(html, 2)[:2])
    soon = (date.today() + timedelta(days=10)).isoformat()
    response = client.post(
        f"{url}/plan/steps/{first[0]}/{first[1]}",
        data={"state": "in_progress", "due_on": soon, "note": "已立项"},
    )
    assert response.status_code == 302
    organisation = client.get(f"/organisations/{round_one['organisation']}").get_data(as_text=True)
    assert "未来 30 天内到期的计划步骤" in organisation
    client.post(f"{url}/plan/steps/{second[0]}/{second[1]}", data={"state": "done"})
    refused = client.post(
        f"{url}/plan/steps/{first[0]}/{first[1]}", data={"state": "done", "due_on": "明天"}
    )
    assert refused.status_code == 302
    page = client.get(f"{url}/results").get_data(as_text=True)
    assert "请按日期格式填写截止日期" in page and "进行中" in page and "已完成" in page
    # Round 2 reaches the done step's level: the comparison says so.
    client.post(f"/organisations/{round_one['organisation']}/assessments")
    with app.app_context():
        second_round = db.session.scalars(select(Assessment).where(Assessment.round == 2)).one().id
        fill_round(second_round, round_one["user"], 3)
    client.post(f"/assessments/{second_round}/submit", data=CONFIRMED)
    compare = client.get(
        f"/organisations/{round_one['organisation']}/compare",
        query_string={"earlier": round_one["assessment"], "later": second_round},
    ).get_data(as_text=True)
    assert "第 1 轮以来已完成的计划步骤" in compare
    assert f'data-done="{second[0]}:{second[1]}"' in compare
    assert f'data-done="{first[0]}:{first[1]}"' not in compare  # in progress, not done
    # With the figure the step was meant to move (no figures given here: said so, or
    # the KPI in words).
    row = compare.split(f'data-done="{second[0]}:{second[1]}"')[1].split("</tr>")[0]
    assert "关注指标" in compare and re.search(r"<td>\s*\S", row.split("</td>")[-2] + "</td>")


# The editor told why a choice among the most important steps was not taken, by language.
REPEATED = {
    "zh": (
        "最重要的第 3 步（",
        "）与第 2 步（",
        "计划中每项实践只列一次",
        "您填写的内容仍保留在下方表单中。",
    ),
    "en": (
        "Most important step 3 (",
        ") repeats the practice of step 2 (",
        "The plan names each practice once",
        "Everything you entered is still in the form below.",
    ),
}


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_a_top_choice_repeating_an_earlier_one_s_practice_is_refused_and_nothing_is_lost(
    app: Flask, client: FlaskClient, round_one: dict[str, Any], locale: str
) -> None:
    from maturity.services import plans, results

    if locale == "en":
        client.get("/lang/en")
    url = f"/assessments/{round_one['assessment']}"
    with app.app_context():
        assessment = db.session.get(Assessment, round_one["assessment"])
        assert assessment is not None
        dimensions = results.questionnaire_for(assessment).dimensions
        plans.set_plan(assessment, {d.id: 4 for d in dimensions}, [])  # two steps a question
    form = editor_form(client.get(f"{url}/plan").get_data(as_text=True))
    assert {"phase-pd_cad_modelling-3", "phase-pd_cad_modelling-4"} <= form.keys()
    form |= {
        "text-pp_scheduling-3": "先排产，再谈别的。",
        "remove-pd_simulation-3": "1",
        "top-1": "pp_scheduling-3",
        "top-2": "pd_cad_modelling-3",
        "top-3": "pd_cad_modelling-4",  # the same question as place 2
        "summary": "顾问意见：先排产。",
        "action": "save",
    }
    refused = client.post(f"{url}/plan", data=form)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    alert = html.split('role="alert"')[1].split("</div>")[0]
    for words in REPEATED[locale]:
        assert words in alert, words
    with app.app_context():
        assert db.session.scalars(select(PlanRevision)).all() == []
    # The form as it was posted: every choice, the wording, the removal, the summary.
    for place, chosen in (("1", "pp_scheduling-3"), ("2", "pd_cad_modelling-3")):
        select_html = html.split(f'<select id="top-{place}"')[1].split("</select>")[0]
        assert f'value="{chosen}" selected' in select_html
    third = html.split('<select id="top-3"')[1].split("</div>")[0]
    assert 'aria-invalid="true" aria-describedby="top-3-error"' in third
    assert 'value="pd_cad_modelling-4" selected' in third and 'id="top-3-error"' in third
    assert "先排产，再谈别的。</textarea>" in html and "顾问意见：先排产。</textarea>" in html
    assert re.search(r'name="remove-pd_simulation-3" value="1" checked', html)
    # Another step in its place: saved, all three of them the plan's most important.
    form["top-3"] = "md_demand_insight-3"
    assert client.post(f"{url}/plan", data=form).status_code == 302
    with app.app_context():
        (revision,) = db.session.scalars(select(PlanRevision)).all()
        assert revision.edits is not None
        assert [(t["question"], t["level"]) for t in revision.edits["top"]] == [
            ("pp_scheduling", 3), ("pd_cad_modelling", 3), ("md_demand_insight", 3),
        ]  # fmt: skip
