from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from maturity.extensions import db
from maturity.models import User

PASSWORD = "correct horse battery"


def make_user(
    app: Flask, email: str = "manager@example.com", name: str = "王经理", locale: str = "zh"
) -> int:
    with app.app_context():
        user = User(email=email, name=name, locale=locale)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client: FlaskClient, email: str = "manager@example.com") -> None:
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


VALID_PROFILE = {
    "name": "杭州测试机械有限公司",
    "credit_code": "91350100M000100Y43",
    "industry_section": "C",
    "industry_division": "34",
    "employees": "120",
    "revenue": "8600",
    "total_assets": "",
    "province_code": "330000",
    "city_code": "330100",
}


def publish_questionnaires(app: Flask) -> None:
    from maturity.core.questionnaire import Catalogue
    from maturity.services.questionnaires import publish_all
    from tests.conftest import ROOT

    with app.app_context():
        report = publish_all(Catalogue.scan(ROOT / "questionnaires"))
        assert not report.problems, report.problems


def make_organisation(
    app: Flask, owner_id: int, name: str = "杭州测试机械有限公司", credit_code: str | None = None,
    section: str = "C", division: str = "34", employees: int = 120,
) -> int:  # fmt: skip
    from decimal import Decimal

    from maturity.services.organisations import OrganisationProfile, create_organisation

    with app.app_context():
        owner = db.session.get(User, owner_id)
        organisation = create_organisation(
            OrganisationProfile(
                name=name,
                credit_code=credit_code,
                industry_division=division,
                employees=employees,
                revenue=Decimal(8600),
                total_assets=None,
                province_code="330000",
                city_code="330100",
            ),
            owner,
        )
        db.session.commit()
        return organisation.id


def add_membership(app: Flask, user_id: int, organisation_id: int, role: str) -> None:
    """Give a user a role ("member", "consultant") in an organisation."""
    from maturity.models import Membership, MembershipRole

    with app.app_context():
        db.session.add(
            Membership(user_id=user_id, organisation_id=organisation_id, role=MembershipRole(role))
        )
        db.session.commit()
