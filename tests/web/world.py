"""A small world of organisations, people and relations for access tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    Assessment,
    Centre,
    CentreMembership,
    CentreRegistration,
    Membership,
    MembershipRole,
    User,
)
from maturity.services import assessments as service
from tests.helpers import (
    PASSWORD,
    attested,
    current_questionnaire,
    fill_round,
    log_in,
    make_organisation,
    make_user,
    publish_questionnaires,
    store_archive,
)

QUESTIONNAIRE = current_questionnaire()  # the version new rounds use
SECRET_A = "甲方保密精工有限公司"
SECRET_B = "乙方保密电子有限公司"
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LICENSED_CODE = "91350100M000103Y31"  # organisation A's, not yet verified
ROLES = (
    "anonymous",
    "owner",
    "member",
    "consultant",
    "reviewer",
    "admin",
    "stranger",
    "other_owner",
)


@dataclass
class World:
    app: Flask
    ids: dict[str, int] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.app.test_client()
            if role != "anonymous":
                log_in(client, f"{role}@example.com")
            self.clients[role] = client
        return self.clients[role]


def name_centre_consultant(world: World, role: str) -> None:
    """The administrator names the account of ``role`` a consultant of the world's centre."""
    response = world.client("admin").post(
        f"/admin/centres/{world.ids['centre']}/staff",
        data={"email": f"{role}@example.com", "role": "consultant"},
    )
    assert response.status_code == 302


def _submit(app: Flask, assessment_id: int, user_id: int, value: int) -> None:
    with app.app_context():
        fill_round(assessment_id, user_id, value)
        service.submit(
            db.session.get(Assessment, assessment_id), db.session.get(User, user_id), attested()
        )


def build_world(app: Flask) -> World:
    publish_questionnaires(app)
    world = World(app)
    users = {
        role: make_user(app, f"{role}@example.com", role) for role in ROLES if role != "anonymous"
    }
    world.ids.update({f"user_{role}": user_id for role, user_id in users.items()})
    org_a = make_organisation(app, users["owner"], name=SECRET_A)
    org_b = make_organisation(
        app, users["other_owner"], name=SECRET_B, section="F", division="51", employees=30
    )
    world.ids.update(org_a=org_a, org_b=org_b)
    with app.app_context():
        db.session.add(
            Membership(user_id=users["member"], organisation_id=org_a, role=MembershipRole.MEMBER)
        )
        consultant = Membership(
            user_id=users["consultant"], organisation_id=org_a, role=MembershipRole.CONSULTANT
        )
        db.session.add(consultant)
        admin = db.session.get(User, users["admin"])
        admin.is_admin = True
        centre = Centre(name="测试服务中心")
        db.session.add(centre)
        db.session.flush()
        db.session.add(CentreMembership(user_id=users["reviewer"], centre_id=centre.id))
        db.session.add(
            CentreRegistration(
                centre_id=centre.id,
                organisation_id=org_a,
                accepted_at=datetime.now(UTC),
                consent_granted_at=datetime.now(UTC),
            )
        )
        db.session.add(
            CentreRegistration(
                centre_id=centre.id, organisation_id=org_b, accepted_at=datetime.now(UTC)
            )
        )
        # Another centre imported organisation A: a request its owner has not answered.
        requesting = Centre(name="请求登记的中心")
        db.session.add(requesting)
        db.session.flush()
        db.session.add(CentreRegistration(centre_id=requesting.id, organisation_id=org_a))
        db.session.commit()
        world.ids.update(
            centre=centre.id, consultant_membership=consultant.id, requesting_centre=requesting.id
        )
        owner = db.session.get(User, users["owner"])
        other = db.session.get(User, users["other_owner"])
        from maturity.models import Organisation

        a1 = service.start_or_resume(db.session.get(Organisation, org_a), owner).id
        b1 = service.start_or_resume(db.session.get(Organisation, org_b), other).id
    _submit(app, a1, users["owner"], 2)
    _submit(app, b1, users["other_owner"], 3)
    with app.app_context():
        a2 = service.start_or_resume(
            db.session.get(Organisation, org_a), db.session.get(User, users["owner"])
        ).id
        assert db.session.scalar(select(Assessment.status).where(Assessment.id == a2)) == "draft"
    world.ids.update(a1=a1, a2=a2, b1=b1)
    with app.app_context():
        from maturity.services import evidence

        first = QUESTIONNAIRE.questions[0].id
        world.ids["evidence"] = evidence.add(
            db.session.get(Assessment, a1), first, "制度.pdf", EVIDENCE_PDF,
            db.session.get(User, users["owner"]),
        ).id  # fmt: skip
    from maturity.models import ReportJob, ReportJobStatus

    with app.app_context():
        job = ReportJob(
            user_id=users["owner"], language="zh", assessment_ids=str(a1), total=1, done=1,
            status=ReportJobStatus.DONE,
        )  # fmt: skip
        db.session.add(job)
        db.session.commit()
        world.ids["job"] = job.id
        store_archive(job, {"placeholder.txt": b""})
        from maturity.models import ImportStatus, OrganisationImport

        organisation_import = OrganisationImport(
            centre_id=world.ids["centre"], user_id=users["reviewer"], filename="orgs.csv",
            status=ImportStatus.DONE,
            outcome={"requested": 0, "already": 0},
        )  # fmt: skip
        db.session.add(organisation_import)
        db.session.commit()
        world.ids["import"] = organisation_import.id
        # Organisation A claims a credit code and has uploaded its business licence.
        from maturity.services import credit_codes

        organisation_a = db.session.get_one(Organisation, org_a)
        organisation_a.credit_code = LICENSED_CODE
        credit_codes.upload_licence(
            organisation_a, b"%PDF-1.4\n%%EOF\n", db.session.get_one(User, users["owner"])
        )
    assert PASSWORD
    return world
