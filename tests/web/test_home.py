"""Each role lands on what it works with."""

from __future__ import annotations

from flask import Flask

from tests.helpers import make_user
from tests.web.world import SECRET_A, SECRET_B, World


def home(world: World, role: str) -> str:
    return world.client(role).get("/").get_data(as_text=True)


def test_the_owner_sees_where_the_organisation_stands_and_what_to_do_next(
    world: World,
) -> None:
    page = home(world, "owner")
    assert SECRET_A in page and SECRET_B not in page
    assert "第 1 轮，" in page  # the submitted round, with its index and level (below)
    assert "第 2 轮进行中：已保存 0 个回答" in page
    assert f'href="/assessments/{world.ids["a2"]}"' in page  # continue the draft
    assert "贵企业的数字化程度如何？" not in page  # no marketing for a user at work


def test_the_headline_is_the_index_out_of_100_and_the_level_by_name(
    app: Flask, world: World
) -> None:
    """The headline reads "44.2 / 100 · 规范级", not "等级 2": the name of the level, in the
    reader's language, from the questionnaire version the round was answered on."""
    from maturity.extensions import db
    from maturity.models import Assessment

    with app.app_context():
        result = db.session.get(Assessment, world.ids["a1"]).result
        index, level = result.overall_index, result.overall_level
    assert level == 2  # every answer at 2
    owner = world.client("owner")
    zh = owner.get("/").get_data(as_text=True)
    assert f"<strong>{index:.1f}</strong> / 100 · 规范级</p>" in zh
    assert "等级 2" not in zh
    owner.get("/lang/en")
    en = owner.get("/").get_data(as_text=True)
    assert f"<strong>{index:.1f}</strong> / 100 · Managed</p>" in en
    assert "level 2" not in en and "规范级" not in en


def test_the_consultant_sees_clients_not_an_organisation_of_their_own(world: World) -> None:
    page = home(world, "consultant")
    assert "我的客户" in page and SECRET_A in page
    assert "/consultant" in page
    assert "您的企业" not in page and "从企业档案开始" not in page


def test_the_reviewer_sees_their_centres_and_dashboards(world: World) -> None:
    page = home(world, "reviewer")
    assert "我的服务中心" in page
    assert f"/centres/{world.ids['centre']}/dashboard" in page
    assert "从企业档案开始" not in page and SECRET_A not in page


def test_the_administrator_sees_the_administration(world: World) -> None:
    page = home(world, "admin")
    assert 'href="/admin/"' in page and "从企业档案开始" not in page


def test_a_newcomer_is_asked_to_create_the_profile(app: Flask, world: World) -> None:
    make_user(app, "new@example.com", "新人")
    from tests.helpers import log_in

    client = app.test_client()
    log_in(client, "new@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "从企业档案开始" in page and 'href="/organisations/new"' in page


def test_after_a_round_the_results_come_first_and_a_new_round_is_asked_for(
    app: Flask, world: World
) -> None:
    from maturity.extensions import db
    from maturity.models import Assessment

    with app.app_context():  # no draft: round 1 submitted, nothing open
        db.session.delete(db.session.get(Assessment, world.ids["a2"]))
        db.session.commit()
    owner = world.client("owner")
    page = owner.get(f"/organisations/{world.ids['org_a']}").get_data(as_text=True)
    assert f'class="button" href="/assessments/{world.ids["a1"]}/results"' in page
    assert "查看第 1 轮结果" in page and "开始新一轮评估…" in page
    assert (
        'action="/organisations/' not in page.split("assessments-title")[1].split("</section>")[0]
    )
    asked = owner.get(f"/organisations/{world.ids['org_a']}/assessments/new")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "开始新一轮评估？" in html and "是，开始第 2 轮" in html
    started = owner.post(f"/organisations/{world.ids['org_a']}/assessments")
    assert started.status_code == 302
    # With a draft open, the question is not asked again: it goes on with the draft.
    again = owner.get(f"/organisations/{world.ids['org_a']}/assessments/new")
    assert again.status_code == 302 and "/assessments/" in again.headers["Location"]


def test_the_results_open_with_strongest_weakest_and_the_three_next_steps(
    world: World,
) -> None:
    page = world.client("owner").get(f"/assessments/{world.ids['a1']}/results")
    html = page.get_data(as_text=True)
    summary = html.split('class="summary-cards"')[1].split("</section>")[0]
    # Every dimension at the same score: no strongest or weakest to name.
    assert "最强维度" not in summary
    assert "最重要的三项后续行动" in summary
    # The round is on 3.0.0: the three are items of roadmap 3, each leading to its step.
    assert summary.count("<li data-top-item=") == 3 and 'href="#step-' in summary


def test_a_round_can_start_from_the_previous_answers_each_marked_until_confirmed(
    app: Flask, world: World
) -> None:
    from sqlalchemy import select

    from maturity.extensions import db
    from maturity.models import Answer, Assessment
    from tests.helpers import CONFIRMED, FULL_PROFILE
    from tests.web.world import QUESTIONNAIRE

    with app.app_context():
        db.session.delete(db.session.get(Assessment, world.ids["a2"]))
        db.session.commit()
    owner = world.client("owner")
    started = owner.post(
        f"/organisations/{world.ids['org_a']}/assessments", data={"start": "previous"}
    )
    assert started.status_code == 302
    with app.app_context():
        new = db.session.scalars(select(Assessment).where(Assessment.round == 2)).one()
        carried = db.session.scalars(select(Answer).where(Answer.assessment_id == new.id)).all()
        new_id = new.id
    assert carried and all(a.carried_over and a.value == 2 for a in carried)
    with app.app_context():
        from maturity.services import items

        # The firm's profile describes the firm: the new round starts with it (and with
        # the size class the organisation's figures give).
        assert items.profile_of(db.session.get(Assessment, new_id), QUESTIONNAIRE) == {
            **FULL_PROFILE,
            "size": "small",
        }
    first = QUESTIONNAIRE.dimensions[0]
    page = owner.get(f"/assessments/{new_id}/dimensions/{first.id}").get_data(as_text=True)
    assert "沿用上一轮，待确认" in page
    # Nothing counts as answered yet, and the round cannot be submitted.
    review = owner.get(f"/assessments/{new_id}/submit").get_data(as_text=True)
    assert f"还有 {len(carried)} 个沿用上一轮的回答待确认" in review
    assert 'name="confirm"' not in review
    refused = owner.post(f"/assessments/{new_id}/submit", data=CONFIRMED)
    assert refused.status_code == 302 or "待确认" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assessment, new_id).status == "draft"
    # Choosing the same answer again confirms it; changing one does too.
    question = first.questions[0]
    again = owner.post(
        f"/assessments/{new_id}/answers",
        json={"question_id": question.id, "value": 2, "note": "", "revision": 1},
    )
    assert again.status_code == 200
    with app.app_context():
        row = db.session.scalar(
            select(Answer).where(Answer.assessment_id == new_id, Answer.question_id == question.id)
        )
        assert row is not None and not row.carried_over
    review = owner.get(f"/assessments/{new_id}/submit").get_data(as_text=True)
    assert f"还有 {len(carried) - 1} 个沿用上一轮的回答待确认" in review


def test_the_landing_page_says_how_long_the_assessment_takes(app: Flask) -> None:
    from tests.helpers import publish_questionnaires

    publish_questionnaires(app)  # 3.0.0 is the current version: 44 questions
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "评估约有 44 道题，大约需要 30 分钟。" in page and "营业成本" in page
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "about 44 questions and takes about 30 minutes" in page
