"""A centre's directory of service providers: kept by its reviewers, named by the
roadmap steps of the organisations registered with the centre, in pages and PDF."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from maturity.core.roadmap_items import LATER, ItemRoadmap
from maturity.extensions import db
from maturity.models import Assessment, AuditEvent, ServiceProvider
from tests.web.world import World, build_world


def items_with_services(app: Flask, world: World, services: set[str]) -> dict[str, list[str]]:
    """The items of the plan's three phases with steps that call on any of ``services``,
    each with those steps (round A1 is on 3.0.0: roadmap 3, one card per item)."""
    from maturity.services import results

    with app.app_context():
        assessment = db.session.get(Assessment, world.ids["a1"])
        assert assessment is not None
        roadmap = results.evaluation_of(assessment).roadmap
    assert isinstance(roadmap, ItemRoadmap)
    found: dict[str, list[str]] = {}
    for item in roadmap.items:
        for step in item.steps:
            if item.phase != LATER and services & set(step.services):
                found.setdefault(item.id, []).append(f"{step.question_id}:{step.to_level}")
    return found


def item_card(html: str, item_id: str) -> str:
    """The card of an item on the results page, up to the next item or phase."""
    return re.split(r'data-item="|</section>', html.split(f'data-item="{item_id}"')[1])[0]


def test_reviewers_keep_the_directory_and_steps_name_its_providers(app: Flask) -> None:
    world = build_world(app)
    reviewer = world.client("reviewer")
    url = f"/centres/{world.ids['centre']}/providers"
    refused = reviewer.post(url, data={"name": "云服务商", "services": []}, follow_redirects=True)
    assert "请至少选择一项该机构提供的支持服务" in refused.get_data(as_text=True)
    refused = reviewer.post(
        url,
        data={
            "name": "  ",
            "services": ["cloud_it"],
            "contact": "0571-1234",
            "programmes": "创新券",
        },
    )
    # Refused with the reason, and the form comes back as typed: nothing is lost.
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert (
        "请填写服务机构名称" in page and 'value="0571-1234"' in page and "创新券</textarea>" in page
    )
    assert "服务机构名称</label>" in page and "姓名" not in page  # a provider, not a person
    assert 'value="cloud_it" checked' in page
    unknown = reviewer.post(
        url, data={"name": "某机构", "services": ["banking"]}, follow_redirects=True
    )
    assert "请从列表中选择支持服务" in unknown.get_data(as_text=True)
    saved = reviewer.post(
        url,
        data={
            "name": "杭州某云科技有限公司",
            "services": ["cloud_it", "data_services"],
            "contact": "0571-88880000",
            "programmes": "浙江省中小企业数字化改造补贴",
        },
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert "名录已保存" in page and "杭州某云科技有限公司" in page
    with app.app_context():
        provider = db.session.scalars(select(ServiceProvider)).one()
        assert provider.services == ["cloud_it", "data_services"]
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "save_provider" in actions
        provider_id = provider.id

    # The owner of organisation A (registered with the centre) sees it on the card of
    # every item with a step that calls on cloud or data services (roadmap 3 names
    # providers per item, under its steps) and on no other, on the page and in the PDF;
    # B's owner, whose organisation is registered too, also sees it; nobody else's
    # provider shows.
    html = (
        world.client("owner").get(f"/assessments/{world.ids['a1']}/results").get_data(as_text=True)
    )
    items = items_with_services(app, world, {"cloud_it", "data_services"})
    assert items
    for item_id, steps in items.items():
        card = item_card(html, item_id)
        assert all(f'data-step="{step}"' in card for step in steps)
        assert "杭州某云科技有限公司" in card and "由测试服务中心推荐" in card
    others = set(re.findall(r'data-item="([^"]+)"', html)) - set(items)
    assert others and not any("杭州某云科技有限公司" in item_card(html, i) for i in others)
    with app.app_context():
        from maturity.reports.render import render_html
        from maturity.services.reports import load_report_data

        report = render_html(load_report_data(world.ids["a1"], "zh"))
    assert "杭州某云科技有限公司" in report and "浙江省中小企业数字化改造补贴" in report

    # Another centre's reviewer cannot touch it; the own reviewer removes it.
    foreign = world.client("other_owner").post(f"{url}/{provider_id}", data={"action": "delete"})
    assert foreign.status_code in (403, 404)
    reviewer.post(f"{url}/{provider_id}", data={"action": "delete"})
    with app.app_context():
        assert db.session.scalars(select(ServiceProvider)).all() == []
    html = (
        world.client("owner").get(f"/assessments/{world.ids['a1']}/results").get_data(as_text=True)
    )
    assert not re.search("杭州某云科技有限公司", html)
