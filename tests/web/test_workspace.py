"""The consultant's workspace: where each client stands, findable and sortable."""

from __future__ import annotations

from tests.web.world import SECRET_A, World


def test_each_client_shows_score_level_draft_progress_and_findings(world: World) -> None:
    consultant = world.client("consultant")
    a1, a2 = world.ids["a1"], world.ids["a2"]
    saved = consultant.post(
        f"/assessments/{a2}/answers",
        json={"question_id": "pd_cad_modelling", "value": 3, "note": "", "revision": 0},
    )
    assert saved.status_code == 200
    consultant.post(f"/assessments/{a1}/findings", data={"finding-product_design": "CAD 未联网"})
    page = consultant.get("/consultant").get_data(as_text=True)
    row = page.split(f">{SECRET_A}</a>")[1].split("</tr>")[0]
    assert "· 等级 " in row  # the latest submitted round's index and level
    assert "第 2 轮 · 进行中，已答 1 题" in row
    assert "已写 1 条" in row


def test_clients_can_be_searched_and_sorted(world: World) -> None:
    consultant = world.client("consultant")
    assert SECRET_A in consultant.get("/consultant?q=保密精工").get_data(as_text=True)
    missing = consultant.get("/consultant?q=不存在的名字").get_data(as_text=True)
    assert "没有客户的名称包含“不存在的名字”。" in missing
    for order in ("score", "activity", "name", "bogus"):
        assert SECRET_A in consultant.get(f"/consultant?sort={order}").get_data(as_text=True)


def test_a_batch_of_reports_is_offered_in_the_interface_language(world: World) -> None:
    consultant = world.client("consultant")
    chosen = '<option value="%s" selected>'
    assert chosen % "zh" in consultant.get("/consultant").get_data(as_text=True)
    consultant.get("/lang/en")
    page = consultant.get("/consultant").get_data(as_text=True)
    assert chosen % "en" in page and chosen % "zh" not in page
