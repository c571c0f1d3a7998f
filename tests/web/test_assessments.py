"""The SME manager's journey through the web pages (server side)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.core.releases import Cohort
from maturity.core.scoring import score
from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus
from tests.conftest import Owner
from tests.helpers import (
    CONFIRMED,
    FULL_PROFILE_2,
    add_membership,
    fill_round,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
    sign_up,
    version_2_questionnaire,
)
from tests.mailbox import Mailbox

# The journey's mechanics on 2.0.0 as the current version (pages, saves, submission,
# results); what 3.0.0 adds to the pages is tested in test_version_3_pages.py.
QUESTIONNAIRE = version_2_questionnaire()
FIRST = QUESTIONNAIRE.questions[0].id  # pd_cad_modelling
ITEM_FIELDS = {f"item-{item_id}": option for item_id, option in FULL_PROFILE_2.items()}


@pytest.fixture
def setup(app: Flask, client: FlaskClient, owner: Owner) -> dict[str, Any]:
    publish_questionnaires(app, upto="2.0.0")
    user_id, organisation_id = owner.user, owner.organisation
    response = client.post(f"/organisations/{organisation_id}/assessments")
    assert response.status_code == 302
    with app.app_context():
        assessment_id = db.session.scalars(select(Assessment)).one().id
    return {"user": user_id, "organisation": organisation_id, "assessment": assessment_id}


def save(
    client: FlaskClient,
    assessment_id: int,
    question_id: str,
    value: Any,
    revision: int = 0,
    note: str = "",
):  # type: ignore[no-untyped-def]
    return client.post(
        f"/assessments/{assessment_id}/answers",
        json={"question_id": question_id, "value": value, "note": note, "revision": revision},
    )


def stored(app: Flask, assessment_id: int) -> dict[str, tuple[Any, ...]]:
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
        return {a.question_id: (a.value, a.not_applicable, a.note, a.revision) for a in rows}


def answer_all(
    app: Flask,
    assessment_id: int,
    user_id: int,
    values: dict[str, Any],
    profile: dict[str, str] | None = None,
) -> None:
    """The profile (by default one under which everything applies), then ``values``."""
    with app.app_context():
        fill_round(assessment_id, user_id, values, profile)


def test_start_asks_the_profile_then_opens_the_first_dimension(
    client: FlaskClient, setup: dict[str, Any]
) -> None:
    url = f"/assessments/{setup['assessment']}"
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{url}/profile")
    html = client.get(f"{url}/profile").get_data(as_text=True)
    assert "贵企业是否自行设计产品？" in html and html.count('name="item-production"') == 4
    assert "<dt>来图加工</dt>" in html  # the glossary explains the profile's jargon too
    assert "<span data-answered>0</span> / 45" in html  # 42 questions and 3 about the firm
    saved = client.post(f"{url}/profile", data={**ITEM_FIELDS, "action": "next"})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"{url}/dimensions/product_design")
    assert (
        client.get(url).headers["Location"].endswith(f"{url}/dimensions/product_design#q-{FIRST}")
    )
    html = client.get(f"{url}/dimensions/product_design").get_data(as_text=True)
    assert html.count('data-question="') == 9
    assert html.count(f'name="q-{FIRST}"') == 6  # six levels, no "not applicable"
    assert html.count('name="q-pd_rapid_prototyping"') == 7  # six levels + N/A
    assert "以手绘或二维图纸为主" in html and "<span data-answered>3</span> / 45" in html
    assert "<dt>CAD</dt>" in html  # the glossary explains the jargon where it appears
    # Starting again continues the same draft.
    client.post(f"/organisations/{setup['organisation']}/assessments")
    with client.application.app_context():
        assert len(db.session.scalars(select(Assessment)).all()) == 1


def test_background_save_is_idempotent_and_detects_conflicts(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    assessment_id = setup["assessment"]
    first = save(client, assessment_id, FIRST, 2, note="三维软件试用中")
    assert first.status_code == 200 and first.json["revision"] == 1 and first.json["answered"] == 1
    assert (
        save(client, assessment_id, FIRST, 2, revision=0, note="三维软件试用中").status_code == 200
    )
    changed = save(client, assessment_id, FIRST, 3, revision=1)
    assert changed.status_code == 200 and changed.json["revision"] == 2
    # A colleague's page still shows revision 1: their save must not overwrite.
    colleague_id = make_user(app, "colleague@example.com", "李同事")
    add_membership(app, colleague_id, setup["organisation"], "member")
    other = app.test_client()
    log_in(other, "colleague@example.com")
    stale = save(other, assessment_id, FIRST, 1, revision=1)
    assert stale.status_code == 409
    assert stale.json["current"] == {"value": 3, "note": "", "revision": 2, "by": "王经理"}
    assert "同事" in stale.json["error"]["message"]
    assert stored(app, assessment_id)[FIRST] == (3, False, None, 2)


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"question_id": FIRST, "value": 9, "revision": 0}, 400, "0 到 5"),
        ({"question_id": FIRST, "value": "na", "revision": 0}, 400, "不适用"),
        (
            {"question_id": "some_other_questionnaires_question", "value": 2, "revision": 0},
            400,
            "不属于",
        ),
        ({"question_id": FIRST, "value": True, "revision": 0}, 400, "0 到 5"),
        ({"question_id": FIRST, "value": 2, "revision": "x"}, 400, "无法读取"),
        ({"question_id": FIRST, "value": 2, "note": "长" * 2001, "revision": 0}, 400, "2000"),
        ({"value": 2}, 400, "无法读取"),
    ],
)
def test_tampered_background_saves_are_refused_and_change_nothing(
    app: Flask,
    client: FlaskClient,
    setup: dict[str, Any],
    payload: dict[str, Any],
    status: int,
    message: str,
) -> None:
    save(client, setup["assessment"], FIRST, 1)
    response = client.post(f"/assessments/{setup['assessment']}/answers", json=payload)
    assert response.status_code == status
    assert message in response.json["error"]["message"]
    assert stored(app, setup["assessment"]) == {FIRST: (1, False, None, 1)}


def test_another_organisations_assessment_is_not_found(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    stranger_id = make_user(app, "stranger@example.com", "陌生人")
    other_org = make_organisation(app, stranger_id, name="别家公司")
    stranger = app.test_client()
    log_in(stranger, "stranger@example.com")
    stranger.post(f"/organisations/{other_org}/assessments")
    save(client, setup["assessment"], FIRST, 4)
    for method, url, kwargs in [
        (
            "post",
            f"/assessments/{setup['assessment']}/answers",
            {"json": {"question_id": FIRST, "value": 0, "revision": 1}},
        ),
        (
            "post",
            f"/assessments/{setup['assessment']}/dimensions/product_design",
            {"data": {f"q-{FIRST}": "0", f"rev-{FIRST}": "1"}},
        ),
        ("get", f"/assessments/{setup['assessment']}/dimensions/product_design", {}),
        ("get", f"/assessments/{setup['assessment']}/results", {}),
        ("post", f"/assessments/{setup['assessment']}/submit", {}),
        ("post", f"/organisations/{setup['organisation']}/assessments", {}),
        ("get", f"/organisations/{setup['organisation']}/history", {}),
    ]:
        response = getattr(stranger, method)(url, **kwargs)
        assert response.status_code == 404, url
        assert "杭州测试机械" not in response.get_data(as_text=True)
    assert stored(app, setup["assessment"]) == {FIRST: (4, False, None, 1)}


def test_plain_page_save_without_javascript(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    url = f"/assessments/{setup['assessment']}/dimensions/product_design"
    form = {
        f"q-{FIRST}": "2",
        f"note-{FIRST}": "试点中",
        f"rev-{FIRST}": "0",
        "q-pd_rapid_prototyping": "na",
        "action": "next",
    }
    response = client.post(url, data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dimensions/production_process")
    assert stored(app, setup["assessment"]) == {
        FIRST: (2, False, "试点中", 1),
        "pd_rapid_prototyping": (None, True, None, 1),
    }
    html = client.get(url).get_data(as_text=True)
    assert re.search(rf'name="q-{FIRST}" value="2" checked', html)
    assert "试点中" in html and "<span data-answered>2</span> / 45" in html


def test_tampered_page_posts_are_refused(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    url = f"/assessments/{setup['assessment']}/dimensions/product_design"
    foreign = client.post(url, data={f"q-{FIRST}": "2", "q-pp_smart_lines": "3"})
    assert foreign.status_code == 400 and "不属于" in foreign.get_data(as_text=True)
    foreign = client.post(
        f"/assessments/{setup['assessment']}/profile", data={"item-not_an_item": "x"}
    )
    assert foreign.status_code == 400 and "不属于" in foreign.get_data(as_text=True)
    bad = client.post(url, data={f"q-{FIRST}": "9", "q-pd_design_knowledge": "2"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "0 到 5" in html
    # The valid answer on the same page is kept; the invalid one changes nothing.
    assert stored(app, setup["assessment"]) == {"pd_design_knowledge": (2, False, None, 1)}
    assert client.get("/assessments/999999/dimensions/product_design").status_code == 404
    assert client.get(f"/assessments/{setup['assessment']}/dimensions/nope").status_code == 404


def test_resume_goes_to_the_first_unanswered_question(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    answer_all(
        app, setup["assessment"], setup["user"], {q.id: 2 for q in QUESTIONNAIRE.questions[:10]}
    )
    response = client.get(f"/assessments/{setup['assessment']}")
    assert response.headers["Location"].endswith(
        "/dimensions/production_process#q-pp_equipment_maintenance"
    )
    answer_all(app, setup["assessment"], setup["user"], {q.id: 2 for q in QUESTIONNAIRE.questions})
    response = client.get(f"/assessments/{setup['assessment']}")
    assert response.headers["Location"].endswith(f"/assessments/{setup['assessment']}/submit")


def test_submit_needs_every_answer_then_stores_scores_and_locks(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    assessment_id = setup["assessment"]
    values: dict[str, Any] = {q.id: (i % 6) for i, q in enumerate(QUESTIONNAIRE.questions)}
    values["pd_rapid_prototyping"] = "na"
    partial = dict(list(values.items())[:-2])
    with app.app_context():  # no profile yet: answers only
        fill_round(assessment_id, setup["user"], partial, profile={})
    review = client.get(f"/assessments/{assessment_id}/submit").get_data(as_text=True)
    assert "还有 2 个问题未回答" in review and "还有 3 个关于企业的问题未回答" in review
    assert f"/assessments/{assessment_id}/dimensions/foundations#q-fd_talent" in review
    assert f"/assessments/{assessment_id}/profile#item-production" in review
    refused = client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED)
    assert refused.status_code == 200 and "还有问题未回答" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).status is AssessmentStatus.DRAFT

    answer_all(app, assessment_id, setup["user"], dict(list(values.items())[-2:]))
    review = client.get(f"/assessments/{assessment_id}/submit").get_data(as_text=True)
    assert "经营成效：已填写 0 个数据，共 7 个（选填）" in review
    submitted = client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED)
    assert submitted.status_code == 302 and submitted.headers["Location"].endswith("/results")
    expected = score(QUESTIONNAIRE, values)
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        assert (
            assessment.status is AssessmentStatus.SUBMITTED
            and assessment.submitted_by_id == setup["user"]
        )
        assert assessment.result.scoring_version == "1"
        assert assessment.result.overall_index == expected.overall_index
        assert {d.dimension_id: (d.score, d.level) for d in assessment.result.dimensions} == {
            d: (r.score, r.level) for d, r in expected.dimensions.items()
        }
    # Read-only now.
    locked = save(client, assessment_id, FIRST, 5, revision=1)
    assert locked.status_code == 403 and "已提交" in locked.json["error"]["message"]
    assert (
        client.post(
            f"/assessments/{assessment_id}/dimensions/product_design", data={f"q-{FIRST}": "5"}
        ).status_code
        == 403
    )
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302


def submit_full(app: Flask, client: FlaskClient, setup: dict[str, Any], value: int = 2) -> None:
    answer_all(
        app, setup["assessment"], setup["user"], {q.id: value for q in QUESTIONNAIRE.questions}
    )
    assert (
        client.post(f"/assessments/{setup['assessment']}/submit", data=CONFIRMED).status_code == 302
    )


def test_results_show_scores_meaning_chart_roadmap_and_plan_controls(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    submit_full(app, client, setup, value=2)
    html = client.get(f"/assessments/{setup['assessment']}/results").get_data(as_text=True)
    assert "40.0" in html and "规范级" in html
    assert "日常使用单点数字化工具，并有规范。" in html  # the level's meaning
    assert "按权重至少 80% 的实践达到该级" in html
    assert "<svg" in html and "产品设计数字化" in html
    assert "暂无对标：同行数据在每个季度结束后发布" in html
    assert "第 2 阶段" in html  # steps 2 → 3 are phase 2
    assert html.count('data-step="') == 42
    # Roadmap version 2 explains itself: no priority number, but why each dimension is
    # at its level and what the next one needs, and plain reasons on the steps.
    assert "优先级" not in html
    assert "为什么是这个等级，下一等级还差什么" in html
    assert html.count("data-next-level=") == 5
    assert "目前按权重 0% 的实践达到集成级或以上，需要 80%。" in html
    assert "产品设计数字化达到集成级所需" in html
    # Capacity: phase 2 (level-3 steps) holds 8; the rest wait for phase 3.
    phases = re.findall(r'<h3 id="phase-(\d)">', html)
    assert phases == ["2", "3"]
    phase_2 = html.split('id="phase-2"')[1].split('id="phase-3"')[0]
    assert phase_2.count('data-step="') == 8
    # Raise the product-design target to 5: three steps per product-design question.
    response = client.post(
        f"/assessments/{setup['assessment']}/results",
        data={
            "target-product_design": "5",
            "target-production_process": "2",
            "goals": ["faster_development"],
        },
    )
    assert response.status_code == 302
    html = client.get(f"/assessments/{setup['assessment']}/results").get_data(as_text=True)
    steps = re.findall(r'data-step="([a-z_]+):(\d)"', html)
    assert sum(1 for q, _ in steps if q.startswith("pd_")) == 9 * 3
    assert not any(q.startswith("pp_") for q, _ in steps)
    assert "第 3 阶段" in html


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"target-product_design": "9"}, "这些目标或业务目标对本次评估无效"),
        ({"target-product_design": "x"}, "目标等级必须是 0 到 5"),
        (
            {"goals": ["cut_costs", "grow_markets", "customisation", "supply_chain"]},
            "最多选择 3 个业务目标",
        ),
        ({"goals": ["not_a_goal"]}, "这些目标或业务目标对本次评估无效"),
    ],
)
def test_bad_plan_input_is_refused_with_a_message(
    app: Flask, client: FlaskClient, setup: dict[str, Any], form: dict[str, Any], message: str
) -> None:
    submit_full(app, client, setup)
    response = client.post(f"/assessments/{setup['assessment']}/results", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assessment = db.session.get(Assessment, setup["assessment"])
        assert assessment.targets == [] and assessment.organisation.goals == []


def store_benchmark_release(app: Flask, period: str, *cohorts: Cohort) -> None:
    """A benchmark release as the workers store it, with cohorts chosen by hand."""
    from maturity.core.periods import parse_period
    from maturity.core.releases import BenchmarkTables, Release
    from maturity.models import Release as StoredRelease

    chosen = parse_period(period)
    assert chosen is not None
    dimensions = tuple(d.id for d in QUESTIONNAIRE.dimensions)
    release = Release(
        population="platform", period=period, revision=1, k=10, mechanism="", neighbouring="",
        opendp="", rho=0.5, epsilon=3.0, delta=1e-6,
        benchmark=(BenchmarkTables(f"sme-digital@{QUESTIONNAIRE.version.split('.')[0]}",
                                   dimensions, cohorts, 0.5, ()),),
    )  # fmt: skip
    with app.app_context():
        stored = StoredRelease(
            population="platform", centre_id=None, period=period,
            period_first=chosen.first, period_last=chosen.last, revision=1,
            computed_at=datetime.now(UTC), rho=0.5, epsilon=3.0, document=release.to_json(),
        )  # fmt: skip
        db.session.add(stored)
        db.session.commit()


def test_the_benchmark_is_read_from_the_newest_release_with_a_cohort(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    from maturity.core.releases import Cohort

    submit_full(app, client, setup, value=3)  # overall 60, every dimension 60
    url = f"/assessments/{setup['assessment']}/results"
    assert "暂无对标：同行数据在每个季度结束后发布" in client.get(url).get_data(as_text=True)
    quartiles = (30.0, 45.0, 60.0)
    dimensions = tuple((d.id, quartiles) for d in QUESTIONNAIRE.dimensions)
    # Last year's release: the organisation's section (C) has a cohort, its section and
    # size do not (too few, or too few to read); a newer quarter has no cohort of this
    # questionnaire at all, so the benchmark stays with the year.
    store_benchmark_release(app, "2025", Cohort("section", "C", 140, quartiles, dimensions))
    store_benchmark_release(app, "2026-Q1", Cohort("section", "F", 40, quartiles, dimensions))
    html = client.get(url).get_data(as_text=True)
    assert (
        "与您同一行业门类且同等规模的企业太少，无法比较，因此与同一行业门类的 100+ 家企业比较。"
        in html
    )
    assert "2025 年发布的数据。" in html
    overall_row = html[html.index('<span class="peer-label">总体</span>') :]
    overall_row = overall_row[: overall_row.index("</li>")]
    assert "同行 30.0–60.0，中位数 45.0" in overall_row and "位于同行前四分之一" in overall_row
    assert 'class="peer-box" style="left: 30.0%; width: 30.0%"' in overall_row
    assert 'class="peer-median" style="left: 45.0%"' in overall_row
    assert 'class="peer-you" style="left: 60.0%"' in overall_row


def test_history_and_comparison_of_two_rounds(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    first_values = {q.id: 1 for q in QUESTIONNAIRE.questions}
    first_values["pd_rapid_prototyping"] = "na"
    answer_all(app, setup["assessment"], setup["user"], first_values)
    client.post(f"/assessments/{setup['assessment']}/submit", data=CONFIRMED)
    client.post(f"/organisations/{setup['organisation']}/assessments")
    with app.app_context():
        second = db.session.scalars(select(Assessment).where(Assessment.round == 2)).one().id
    answer_all(
        app,
        second,
        setup["user"],
        {q.id: 3 if q.dimension_id == "product_design" else 1 for q in QUESTIONNAIRE.questions},
    )
    client.post(f"/assessments/{second}/submit", data=CONFIRMED)
    history = client.get(f"/organisations/{setup['organisation']}/history").get_data(as_text=True)
    assert "第 1 轮" in history and "第 2 轮" in history and "比较" in history
    html = client.get(
        f"/organisations/{setup['organisation']}/compare",
        query_string={"earlier": setup["assessment"], "later": second},
    ).get_data(as_text=True)
    assert "+40.0" in html  # product design 20 → 60 over the eight comparable questions
    assert 'class="pair-change ">0.0<' in html  # unchanged: no sign, no colour
    # Questions grouped under their dimension, in the questionnaire's order.
    by_question = html[html.index('id="by-question"') :]
    groups = re.findall(r'<th scope="rowgroup" colspan="4">([^<]+)</th>', by_question)
    assert groups == [d.label.get("zh") for d in QUESTIONNAIRE.dimensions][: len(groups)]
    first_design = by_question.index(groups[0])
    design_questions = [q for q in QUESTIONNAIRE.questions if q.dimension_id == "product_design"]
    assert all(
        first_design < by_question.index(f'data-question="{q.id}"') < by_question.index(groups[1])
        for q in design_questions
        if f'data-question="{q.id}"' in by_question
    )
    with app.app_context():
        before, after = (
            db.session.get(Assessment, i).result for i in (setup["assessment"], second)
        )
        assert before is not None and after is not None
        headline = f"{before.overall_index:.1f}</span> → <span>{after.overall_index:.1f}</span>"
        change = f"（{after.overall_index - before.overall_index:+.1f}）"  # full-width in Chinese
    assert headline in html and change in html
    if before.overall_level == after.overall_level:
        assert f"等级未变：第 {after.overall_level} 级（" in html
    else:
        assert f"等级 {before.overall_level} → {after.overall_level}" in html
    assert "在其中一轮中为“不适用”" in html  # rapid prototyping is left out, and why
    bad = client.get(
        f"/organisations/{setup['organisation']}/compare",
        query_string={"earlier": second, "later": second},
    )
    assert bad.status_code == 400


def test_invitation_link_lets_one_colleague_join(
    app: Flask, client: FlaskClient, setup: dict[str, Any], mailbox: Mailbox
) -> None:
    html = client.post(f"/organisations/{setup['organisation']}/invitations").get_data(as_text=True)
    link = re.search(r'value="(http://localhost/organisations/join/[^"]+)"', html).group(1)  # type: ignore[union-attr]
    path = link.removeprefix("http://localhost")
    newcomer = app.test_client()
    to_login = newcomer.get(path)
    assert to_login.status_code == 302 and "/auth/login" in to_login.headers["Location"]
    assert sign_up(newcomer, mailbox, "new@example.com", next_path=path) == path
    assert "加入" in newcomer.get(path).get_data(as_text=True)
    joined = newcomer.post(path)
    assert joined.status_code == 302
    assert (
        newcomer.get(f"/assessments/{setup['assessment']}/dimensions/product_design").status_code
        == 200
    )
    # Single use.
    assert app.test_client().get(path).status_code == 302
    other = app.test_client()
    make_user(app, "late@example.com", "迟到")
    log_in(other, "late@example.com")
    used = other.get(path)
    assert used.status_code == 404 and "邀请链接无效" in used.get_data(as_text=True)


def test_plan_can_be_changed_again_keeping_some_choices(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    submit_full(app, client, setup)
    url = f"/assessments/{setup['assessment']}/results"
    first = {"target-product_design": "4", "goals": ["cut_costs", "grow_markets"]}
    assert client.post(url, data=first).status_code == 302
    second = {
        "target-product_design": "3",
        "target-market_development": "4",
        "goals": ["grow_markets", "supply_chain"],
    }
    assert client.post(url, data=second).status_code == 302
    with app.app_context():
        assessment = db.session.get(Assessment, setup["assessment"])
        assert {t.dimension_id: t.level for t in assessment.targets} == {
            "product_design": 3,
            "market_development": 4,
        }
        assert [g.goal_id for g in assessment.organisation.goals] == [
            "grow_markets",
            "supply_chain",
        ]


def test_profile_goals_are_saved_and_limited_to_three(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    from tests.helpers import VALID_PROFILE

    url = f"/organisations/{setup['organisation']}/edit"
    profile = {**VALID_PROFILE, "credit_code": ""}
    assert (
        client.post(url, data={**profile, "goals": ["cut_costs", "grow_markets"]}).status_code
        == 302
    )
    assert (
        client.post(url, data={**profile, "goals": ["grow_markets", "customisation"]}).status_code
        == 302
    )
    too_many = client.post(
        url,
        data={**profile, "goals": ["cut_costs", "grow_markets", "customisation", "supply_chain"]},
    )
    assert too_many.status_code == 200 and "最多选择 3 个业务目标" in too_many.get_data(
        as_text=True
    )
    with app.app_context():
        assessment = db.session.get(Assessment, setup["assessment"])
        assert [g.goal_id for g in assessment.organisation.goals] == [
            "grow_markets",
            "customisation",
        ]
    html = client.get(f"/organisations/{setup['organisation']}").get_data(as_text=True)
    assert "开拓市场、打造品牌" in html and "满足个性化定制需求" in html


def test_pages_issue_a_bounded_number_of_queries(
    app: Flask, client: FlaskClient, setup: dict[str, Any], count_queries: Any
) -> None:
    """No query per question or per step: the counts do not grow with the questionnaire."""
    answer_all(
        app, setup["assessment"], setup["user"], {q.id: 2 for q in QUESTIONNAIRE.questions[:10]}
    )
    start = count_queries.count
    client.get(f"/assessments/{setup['assessment']}/dimensions/product_design")
    page_queries = count_queries.count - start
    start = count_queries.count
    assert save(client, setup["assessment"], FIRST, 3, revision=1).status_code == 200
    save_queries = count_queries.count - start
    answer_all(
        app, setup["assessment"], setup["user"], {q.id: 2 for q in QUESTIONNAIRE.questions[10:]}
    )
    client.post(f"/assessments/{setup['assessment']}/submit", data=CONFIRMED)
    start = count_queries.count
    client.get(f"/assessments/{setup['assessment']}/results")
    results_queries = count_queries.count - start
    print(f"queries: dimension page {page_queries}, save {save_queries}, results {results_queries}")
    assert page_queries <= 12
    assert save_queries <= 12
    assert results_queries <= 20


def test_the_review_shows_every_answer_and_submitting_needs_a_confirmation(
    app: Flask, client: FlaskClient, setup: dict[str, Any]
) -> None:
    assessment_id = setup["assessment"]
    with app.app_context():
        fill_round(assessment_id, setup["user"], 3)
    first = QUESTIONNAIRE.questions[0]
    save(client, assessment_id, first.id, 3, revision=1, note="由 CAD 组负责")
    review = client.get(f"/assessments/{assessment_id}/submit").get_data(as_text=True)
    assert "您的回答" in review and first.title.get("zh") in review
    assert f"3 · {QUESTIONNAIRE.levels[3].label.get('zh')}" in review
    assert "由 CAD 组负责" in review
    assert f"/dimensions/{first.dimension_id}#q-{first.id}" in review  # edit that one
    assert "提交不可撤回" in review
    unconfirmed = client.post(f"/assessments/{assessment_id}/submit")
    assert unconfirmed.status_code == 400
    assert "请勾选此项" in unconfirmed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, assessment_id).status == AssessmentStatus.DRAFT
    confirmed = client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED)
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/results")
