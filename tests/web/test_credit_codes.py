"""A credit code belongs to whoever proves it.

The attack replayed: someone registered an organisation with a real firm's unified
social credit code first; the firm was then refused ("already registered"), and a
centre's import sent its registration request for the firm to the squatter, who
accepted it. The form also told anyone whether a code was on the platform."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    CentreRegistration,
    CodeVerificationRequest,
    CreditCodeState,
    Organisation,
)
from tests.helpers import PASSWORD, VALID_PROFILE, log_in, make_user
from tests.mailbox import Mailbox
from tests.web.world import World

CODE = VALID_PROFILE["credit_code"]
HEADER = "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def register(client: FlaskClient, name: str, code: str = CODE) -> tuple[int, str]:
    response = client.post(
        "/organisations/new", data={**VALID_PROFILE, "name": name, "credit_code": code}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1]), response.get_data(as_text=True)


def newcomer(app: Flask, email: str) -> FlaskClient:
    make_user(app, email)
    client = app.test_client()
    log_in(client, email)
    return client


def import_rows(world: World, *rows: str) -> str:
    csv = "\n".join([HEADER, *rows]) + "\n"
    response = world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(csv.encode()), "orgs.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def outcome_line(html: str) -> str:
    return re.sub(r"\S+\.csv", "", html.split('class="flash flash-success"')[1].split("</p>")[0])


def state_of(app: Flask, organisation_id: int) -> CreditCodeState:
    with app.app_context():
        return db.session.get_one(Organisation, organisation_id).credit_code_state


def test_a_squatter_neither_blocks_the_firm_nor_receives_its_centre_request(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    squatter = newcomer(app, "squatter@example.com")
    firm = newcomer(app, "firm@example.com")
    squatted, _ = register(squatter, "抢注的公司")
    # The firm registers with its own code: accepted, and nothing says anyone claims it.
    page = firm.post("/organisations/new", data={**VALID_PROFILE, "name": "真正的企业"})
    assert page.status_code == 302
    real = int(page.headers["Location"].rsplit("/", 1)[1])
    shown = firm.get(f"/organisations/{real}").get_data(as_text=True)
    assert "抢注的公司" not in shown and "已有其他组织" not in shown and "未核验" in shown
    # The centre imports the firm: no request reaches either claimant yet …
    held = import_rows(world, f"真正的企业,{CODE},34,120,8600,,330000,330100")
    unknown = import_rows(world, "另一家企业,91350100M000102Y28,34,120,8600,,330000,330100")
    # … and the report reads the same as for a code nobody holds.
    assert outcome_line(held) == outcome_line(unknown)
    with app.app_context():
        assert (
            db.session.scalars(
                select(CentreRegistration.organisation_id).where(
                    CentreRegistration.organisation_id.in_([squatted, real])
                )
            ).all()
            == []
        )
    assert mailbox.to("squatter@example.com") == mailbox.to("firm@example.com") == []
    # The centre's reviewer sees both claimants to check.
    centre_page = world.client("reviewer").get(f"/centres/{world.ids['centre']}")
    listed = centre_page.get_data(as_text=True).split("data-codes-to-verify")[1]
    assert "抢注的公司" in listed and "真正的企业" in listed

    # The firm proves the code; the reviewer compares and verifies.
    uploaded = firm.post(
        f"/organisations/{real}/credit-code/licence",
        data={"licence": (io.BytesIO(PDF), "营业执照.pdf")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    reviewer = world.client("reviewer")
    licence = reviewer.get(f"/organisations/{real}/credit-code/licence")
    assert licence.status_code == 200 and licence.data == PDF
    assert licence.headers["Content-Disposition"].startswith("attachment;")
    assert licence.headers["X-Content-Type-Options"] == "nosniff"
    assert licence.headers["Content-Security-Policy"].startswith("sandbox")
    verified = reviewer.post(
        f"/organisations/{real}/credit-code/verification", data={"action": "verify"}
    )
    assert verified.status_code == 302
    assert (state_of(app, real), state_of(app, squatted)) == (
        CreditCodeState.VERIFIED,
        CreditCodeState.DISPUTED,
    )
    with app.app_context():
        requested = db.session.scalars(
            select(CentreRegistration.organisation_id).where(
                CentreRegistration.centre_id == world.ids["centre"],
                CentreRegistration.organisation_id.in_([squatted, real]),
            )
        ).all()
        assert requested == [real]
        assert db.session.scalars(select(CodeVerificationRequest)).all() == []
    disputed = mailbox.wait_for("squatter@example.com")[0]
    assert "抢注的公司" in disputed.subject and "/credit-code" in disputed.text
    request_mail = mailbox.wait_for("firm@example.com")[0]
    assert "请求登记" in request_mail.subject
    # The squatter sees the dispute, and none of the firm's proof.
    assert "另一家组织已用营业执照证明了这个代码" in squatter.get(
        f"/organisations/{squatted}/credit-code"
    ).get_data(as_text=True)
    assert squatter.get(f"/organisations/{real}/credit-code/licence").status_code == 404
    # A later import names the code: the request goes to the verified firm only.
    with app.app_context():
        db.session.execute(
            CentreRegistration.__table__.delete().where(CentreRegistration.organisation_id == real)
        )
        db.session.commit()
    import_rows(world, f"真正的企业,{CODE},34,120,8600,,330000,330100")
    with app.app_context():
        assert db.session.scalars(
            select(CentreRegistration.organisation_id).where(
                CentreRegistration.organisation_id.in_([squatted, real])
            )
        ).all() == [real]


def test_a_licence_is_checked_by_its_content_and_a_refusal_loses_nothing(
    app: Flask, world: World
) -> None:
    firm = newcomer(app, "firm@example.com")
    real, _ = register(firm, "真正的企业")
    for content, name in [
        (b"MZ\x90\x00 not a document", "营业执照.pdf"),
        (b"<html><script>alert(1)</script></html>", "licence.png"),
        (b"", "licence.pdf"),
    ]:
        refused = firm.post(
            f"/organisations/{real}/credit-code/licence",
            data={"licence": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        assert refused.status_code == 400
        text = refused.get_data(as_text=True)
        assert "不是 PDF、PNG 或 JPEG" in text or "请选择营业执照文件" in text
    with app.app_context():
        organisation = db.session.get_one(Organisation, real)
        assert organisation.licence_file is None and organisation.credit_code == CODE


def test_only_staff_and_its_verifiers_reach_a_licence(app: Flask, world: World) -> None:
    firm = newcomer(app, "firm@example.com")
    real, _ = register(firm, "真正的企业")
    firm.post(
        f"/organisations/{real}/credit-code/licence",
        data={"licence": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    url = f"/organisations/{real}/credit-code/licence"
    assert firm.get(url).status_code == 200
    assert world.client("admin").get(url).status_code == 200
    for role in ("anonymous", "owner", "consultant", "reviewer", "stranger"):
        assert world.client(role).get(url).status_code in (302, 404), role
    # A reviewer may not verify an organisation the centre has nothing to do with.
    refused = world.client("reviewer").post(
        f"/organisations/{real}/credit-code/verification", data={"action": "verify"}
    )
    assert refused.status_code == 404
    assert state_of(app, real) is CreditCodeState.UNVERIFIED


def test_changing_the_code_drops_its_proof_and_deleting_removes_the_licence(
    app: Flask, world: World
) -> None:
    firm = newcomer(app, "firm@example.com")
    real, _ = register(firm, "真正的企业")
    firm.post(
        f"/organisations/{real}/credit-code/licence",
        data={"licence": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    world.client("admin").post(
        f"/organisations/{real}/credit-code/verification", data={"action": "verify"}
    )
    assert state_of(app, real) is CreditCodeState.VERIFIED
    folder = Path(app.config["DOCUMENTS_DIR"])

    def licences() -> list[str]:
        return [p.name for p in folder.iterdir() if p.name.startswith(f"licence-{real}-")]

    assert len(licences()) == 1
    firm.post(
        f"/organisations/{real}/edit",
        data={**VALID_PROFILE, "name": "真正的企业", "credit_code": "91350100M000102Y28"},
    )
    assert state_of(app, real) is CreditCodeState.UNVERIFIED
    assert licences() == []
    firm.post(
        f"/organisations/{real}/credit-code/licence",
        data={"licence": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert len(licences()) == 1
    deleted = firm.post(
        f"/organisations/{real}/delete", data={"name": "真正的企业", "password": PASSWORD}
    )
    assert deleted.status_code == 302
    assert licences() == []
