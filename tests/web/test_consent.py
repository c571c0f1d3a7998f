"""Access that ends when consent ends (three findings of a review, replayed).

1. A reviewer could make themselves consultant and keep the access after the owner
   revoked consent. 2. A batch ZIP built under consent stayed downloadable after it.
3. Importing another organisation's credit code registered it with the centre.
"""

from __future__ import annotations

import io

from flask import Flask
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.models import (
    AuditEvent,
    CentreRegistration,
    CreditCodeState,
    Membership,
    Organisation,
    ReportJob,
    ReportJobStatus,
)
from tests.api.test_api import token_for
from tests.helpers import store_archive
from tests.web.world import SECRET_A, World, name_centre_consultant


def assign(world: World, role: str):  # type: ignore[no-untyped-def]
    return world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/consultants",
        data={
            "organisation_id": str(world.ids["org_a"]),
            "consultant_id": str(world.ids[f"user_{role}"]),
        },
    )


def consultant_memberships(app: Flask, user_id: int) -> int:
    with app.app_context():
        return (
            db.session.scalar(
                select(func.count(Membership.id)).where(Membership.user_id == user_id)
            )
            or 0
        )


def set_consent(world: World, action: str) -> None:
    a, c = world.ids["org_a"], world.ids["centre"]
    response = world.client("owner").post(
        f"/organisations/{a}/centres/{c}/consent", data={"action": action}
    )
    assert response.status_code == 302


def test_a_reviewer_cannot_make_themselves_consultant(app: Flask, world: World) -> None:
    reviewer_id = world.ids["user_reviewer"]
    # Even named a consultant of the centre: never the assigning reviewer.
    name_centre_consultant(world, "reviewer")
    page = world.client("reviewer")
    response = assign(world, "reviewer")
    assert response.status_code == 302
    shown = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "不能指派您自己" in shown
    assert consultant_memberships(app, reviewer_id) == 0
    # After consent is revoked the reviewer sees nothing of the organisation.
    set_consent(world, "revoke")
    assert page.get(f"/assessments/{world.ids['a1']}/results").status_code == 404


def test_only_the_centre_s_own_consultants_can_be_assigned(app: Flask, world: World) -> None:
    response = assign(world, "stranger")
    shown = world.client("reviewer").get(response.headers["Location"]).get_data(as_text=True)
    assert "不是本中心的咨询顾问" in shown
    assert consultant_memberships(app, world.ids["user_stranger"]) == 0


def test_a_reviewer_cannot_assign_a_sock_puppet_consultant(app: Flask, world: World) -> None:
    """The attack replayed: the reviewer creates an organisation of his own, invites
    a second account of his (stranger) as its consultant, which makes that account a
    consultant, then assigns it to a client that consented to the centre."""
    from tests.helpers import VALID_PROFILE

    reviewer, puppet = world.client("reviewer"), world.client("stranger")
    created = reviewer.post("/organisations/new", data={**VALID_PROFILE, "credit_code": ""})
    assert created.status_code == 302
    own = int(created.headers["Location"].rsplit("/", 1)[1])
    invited = reviewer.post(f"/organisations/{own}/invitations", data={"role": "consultant"})
    link = invited.get_data(as_text=True).split('value="http://localhost')[1].split('"')[0]
    assert puppet.post(link).status_code == 302
    with app.app_context():
        from maturity.models import User

        assert db.session.get(User, world.ids["user_stranger"]).is_consultant
    response = assign(world, "stranger")
    shown = reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "不是本中心的咨询顾问" in shown
    assert puppet.get(f"/assessments/{world.ids['a1']}/results").status_code == 404
    assert SECRET_A not in puppet.get("/consultant").get_data(as_text=True)


def test_a_centre_consultant_loses_the_clients_when_the_role_is_taken_away(
    app: Flask, world: World
) -> None:
    name_centre_consultant(world, "stranger")
    assert assign(world, "stranger").status_code == 302
    consultant = world.client("stranger")
    assert consultant.get(f"/assessments/{world.ids['a1']}/results").status_code == 200
    removed = world.client("admin").post(
        f"/admin/centres/{world.ids['centre']}/staff/{world.ids['user_stranger']}/remove",
        data={"role": "consultant"},
    )
    assert removed.status_code == 302
    assert consultant.get(f"/assessments/{world.ids['a1']}/results").status_code == 404
    assert SECRET_A not in consultant.get("/consultant").get_data(as_text=True)


def test_a_centre_assigned_consultant_loses_everything_when_consent_is_revoked(
    app: Flask, world: World
) -> None:
    stranger_id, a1, a = world.ids["user_stranger"], world.ids["a1"], world.ids["org_a"]
    name_centre_consultant(world, "stranger")
    assert assign(world, "stranger").status_code == 302
    consultant = world.client("stranger")
    token = token_for(app, "stranger")
    api = app.test_client()

    def reads() -> dict[str, int]:
        return {
            "results": consultant.get(f"/assessments/{a1}/results").status_code,
            "pdf": consultant.get(f"/assessments/{a1}/report.pdf?lang=zh").status_code,
            "api": api.get(f"/api/v1/assessments/{a1}", headers=token).status_code,
            "api_start": api.post(
                f"/api/v1/organisations/{a}/assessments", headers=token
            ).status_code,
            "findings": consultant.post(
                f"/assessments/{a1}/findings", data={"finding-product_design": "仍在读取"}
            ).status_code,
        }

    assert reads() == {"results": 200, "pdf": 200, "api": 200, "api_start": 201, "findings": 302}
    assert SECRET_A in consultant.get("/consultant").get_data(as_text=True)
    # The consultant builds a batch while consent stands …
    with app.app_context():
        job = ReportJob(
            user_id=stranger_id, language="zh", assessment_ids=str(a1), total=1, done=1,
            status=ReportJobStatus.DONE,
        )  # fmt: skip
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        store_archive(job, {"report.pdf": b"%PDF"})
    assert consultant.get(f"/reports/jobs/{job_id}/download").status_code == 200

    set_consent(world, "revoke")
    assert reads() == {"results": 404, "pdf": 404, "api": 404, "api_start": 404, "findings": 404}
    assert SECRET_A not in consultant.get("/consultant").get_data(as_text=True)
    # … and can no longer download it: the ZIP holds a report they may not see.
    refused = consultant.get(f"/reports/jobs/{job_id}/download")
    assert refused.status_code == 403 and "已无权查看" in refused.get_data(as_text=True)
    assert "已无权查看" in consultant.get(f"/reports/jobs/{job_id}").get_data(as_text=True)
    # The owner sees why the consultant has no access, and consent brings it back.
    owner_page = world.client("owner").get(f"/organisations/{a}").get_data(as_text=True)
    assert "在您撤回对该中心的授权期间无访问权限" in owner_page
    set_consent(world, "grant")
    assert reads()["results"] == 200
    # Taking the centre's consultant role away ends centre-given access too.
    world.client("admin").post(
        f"/admin/centres/{world.ids['centre']}/staff/{stranger_id}/remove",
        data={"role": "consultant"},
    )
    assert reads()["results"] == 404


def test_batch_downloads_are_audited(app: Flask, world: World) -> None:
    owner = world.client("owner")
    assert owner.get(f"/reports/jobs/{world.ids['job']}/download").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "download_batch"))
    assert event is not None and event.object_id == str(world.ids["job"])
    assert event.actor_id == world.ids["user_owner"]


def test_a_consultant_invited_by_the_organisation_keeps_access_without_a_centre(
    app: Flask, world: World
) -> None:
    # The world's consultant joined through the organisation, not a centre.
    set_consent(world, "revoke")
    assert (
        world.client("consultant").get(f"/assessments/{world.ids['a1']}/results").status_code == 200
    )


def import_one(world: World, credit_code: str, name: str):  # type: ignore[no-untyped-def]
    header = (
        "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
    )
    row = f"{name},{credit_code},34,120,8600,,330000,330100"
    return world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(f"{header}\n{row}\n".encode()), "orgs.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def flash_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    start = html.index('class="flash flash-success"')
    return html[start : html.index("</p>", start)]


def test_importing_another_organisations_credit_code_only_asks(app: Flask, world: World) -> None:
    b = world.ids["org_b"]
    with app.app_context():
        organisation = db.session.get(Organisation, b)
        organisation.credit_code = "91350100M000100Y43"
        organisation.credit_code_state = CreditCodeState.VERIFIED  # proved: it gets requests
        db.session.commit()
        # A second centre, so that organisation B is unknown to the importing one.
        db.session.execute(
            CentreRegistration.__table__.delete().where(CentreRegistration.organisation_id == b)
        )
        db.session.commit()
    existing = import_one(world, "91350100M000100Y43", "随便写的名字")
    unknown = import_one(world, "91330100MA2D3M0P14", "另一家企业")
    assert existing.status_code == unknown.status_code == 200
    # The report reads the same whether the code belonged to an organisation or not.
    assert flash_of(existing).replace("随便写的名字", "") == flash_of(unknown).replace(
        "另一家企业", ""
    )
    assert "发出 1 个登记请求" in flash_of(existing)
    with app.app_context():
        request = db.session.scalar(
            select(CentreRegistration).where(CentreRegistration.organisation_id == b)
        )
        assert request is not None and request.accepted_at is None
        assert db.session.get(Organisation, b).name != "随便写的名字"  # nothing overwritten
    # Until the owner answers, the centre's view is unchanged and the owner is asked.
    centre_page = world.client("reviewer").get(f"/centres/{world.ids['centre']}")
    assert "2 个登记请求正在等待企业答复" in centre_page.get_data(as_text=True)
    owner = world.client("other_owner")
    page = owner.get(f"/organisations/{b}").get_data(as_text=True)
    assert "请求登记贵企业" in page and "测试服务中心" in page
    declined = owner.post(
        f"/organisations/{b}/centres/{world.ids['centre']}/request", data={"action": "decline"}
    )
    assert declined.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(CentreRegistration).where(CentreRegistration.organisation_id == b)
            )
            is None
        )
    # Imported again and accepted: now it is registered with the centre.
    import_one(world, "91350100M000100Y43", "随便写的名字")
    accepted = owner.post(
        f"/organisations/{b}/centres/{world.ids['centre']}/request", data={"action": "accept"}
    )
    assert accepted.status_code == 302
    with app.app_context():
        registration = db.session.scalar(
            select(CentreRegistration).where(CentreRegistration.organisation_id == b)
        )
        assert registration is not None and registration.accepted_at is not None
        assert not registration.has_consent  # accepting is not consenting


def test_after_revocation_no_api_route_shows_the_client_to_its_centre_consultant(
    app: Flask, world: World
) -> None:
    """The attack replayed: ``GET /api/v1/organisations`` still listed the client to
    its centre-assigned consultant after consent ended. Every route of the OpenAPI
    document is walked with the organisation's and its rounds' ids."""
    import json
    import re

    name_centre_consultant(world, "stranger")
    assert assign(world, "stranger").status_code == 302
    token = token_for(app, "stranger")
    api = app.test_client()
    listed = api.get("/api/v1/organisations", headers=token).json
    assert [o["name"] for o in listed] == [SECRET_A]
    set_consent(world, "revoke")
    document = api.get("/api/v1/openapi.json").json
    ids = {
        "organisation_id": world.ids["org_a"],
        "assessment_id": world.ids["a1"],
        "centre_id": world.ids["centre"],
    }
    walked = 0
    for path, operations in document["paths"].items():
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            url = re.sub(
                r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), "pd_virtual_design")), path
            )
            response = api.open(
                "/api/v1" + url, method=method.upper(), headers=token, json={"value": 1}
            )
            walked += 1
            body = response.get_data(as_text=True)
            assert SECRET_A not in body and SECRET_A not in json.dumps(response.json), url
            if "{organisation_id}" in path or "{assessment_id}" in path:
                assert response.status_code == 404, (method, url, response.status_code)
    assert walked >= 10
    assert api.get("/api/v1/organisations", headers=token).json == []
