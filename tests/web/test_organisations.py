from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from maturity.core.reference import SizeClass
from maturity.extensions import db
from maturity.models import Membership, MembershipRole, Organisation
from tests.helpers import VALID_PROFILE, log_in, make_user


def organisation_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Organisation.id))) or 0


def test_profile_requires_login(client: FlaskClient) -> None:
    response = client.get("/organisations/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_create_profile_derives_size_class_and_makes_creator_owner(
    app: Flask, client: FlaskClient
) -> None:
    user_id = make_user(app)
    log_in(client)
    response = client.post("/organisations/new", data=VALID_PROFILE)
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.scalars(select(Organisation)).one()
        assert organisation.industry_section == "C"
        assert organisation.size_class is SizeClass.SMALL  # industry: 120 staff < 300
        membership = db.session.scalars(select(Membership)).one()
        assert (membership.user_id, membership.role) == (user_id, MembershipRole.OWNER)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "小型" in html and "通用设备制造业" in html and "杭州市" in html


def test_bad_input_gets_clear_chinese_messages_and_saves_nothing(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app)
    log_in(client)
    bad = {
        **VALID_PROFILE,
        "credit_code": "91350100M000100Y44",
        "employees": "-3",
        "industry_division": "99",
    }
    html = client.post("/organisations/new", data=bad).get_data(as_text=True)
    assert "校验码（最后一位）不符" in html
    assert "请输入不小于 0 的整数。" in html
    assert "行业大类不存在。" in html
    assert "尚未保存任何内容" in html
    assert 'value="杭州测试机械有限公司"' in html  # what was typed is kept
    assert organisation_count(app) == 0


def test_bad_input_messages_in_english(app: Flask, client: FlaskClient) -> None:
    make_user(app, locale="en")
    log_in(client)
    bad = {**VALID_PROFILE, "credit_code": "ABC", "employees": "many", "industry_division": "51"}
    html = client.post("/organisations/new", data=bad).get_data(as_text=True)
    assert "A credit code has exactly 18 characters." in html
    assert "Not a valid integer value." in html
    assert "This division does not belong to the chosen industry section." in html
    assert organisation_count(app) == 0


def test_size_rule_measures_are_required_per_industry(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    log_in(client)
    construction = {**VALID_PROFILE, "industry_section": "E", "industry_division": "47"}
    html = client.post("/organisations/new", data=construction).get_data(as_text=True)
    assert "贵企业所在行业的规模划型需要此项数据" in html
    assert organisation_count(app) == 0
    response = client.post("/organisations/new", data={**construction, "total_assets": "4000"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Organisation)).one().size_class is SizeClass.SMALL


def test_city_must_be_in_province_and_a_claimed_code_tells_nothing(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app)
    log_in(client)
    html = client.post(
        "/organisations/new", data={**VALID_PROFILE, "city_code": "110100"}
    ).get_data(as_text=True)
    assert "所选城市不在所选省份内。" in html
    assert client.post("/organisations/new", data=VALID_PROFILE).status_code == 302
    # A second claim of the same code is accepted: saying otherwise would tell anyone
    # which codes are on the platform (tests/web/test_credit_codes.py).
    assert client.post("/organisations/new", data=VALID_PROFILE).status_code == 302
    assert organisation_count(app) == 2


def test_other_users_cannot_see_or_edit_an_organisation(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    make_user(app, "other@example.com", "别人")
    log_in(client)
    location = client.post("/organisations/new", data=VALID_PROFILE).headers["Location"]
    client.post("/auth/logout")
    log_in(client, "other@example.com")
    assert client.get(location).status_code == 404
    response = client.post(f"{location}/edit", data={**VALID_PROFILE, "name": "Hijacked"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Organisation)).one().name == VALID_PROFILE["name"]


def test_edit_profile_recomputes_size_class(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    log_in(client)
    location = client.post("/organisations/new", data=VALID_PROFILE).headers["Location"]
    response = client.post(
        f"{location}/edit", data={**VALID_PROFILE, "employees": "450", "revenue": "30000"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Organisation)).one().size_class is SizeClass.MEDIUM
