"""Invitations and centre requests arrive by e-mail, in the recipient's language."""

from __future__ import annotations

import base64
import io

from flask import Flask

from tests.helpers import make_user, sign_up
from tests.mailbox import Mailbox
from tests.web.world import SECRET_A, World


def test_an_invitation_by_mail_arrives_in_the_chosen_language(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    a = world.ids["org_a"]
    page = world.client("owner").post(
        f"/organisations/{a}/invitations",
        data={"role": "member", "email": "Colleague@Example.com", "language": "en"},
    )
    html = page.get_data(as_text=True)
    assert "链接已发送至 colleague@example.com。" in html
    qr = html.split('src="data:image/svg+xml;base64,')[1].split('"')[0]
    assert base64.b64decode(qr).startswith(b"<svg")
    mail = mailbox.wait_for("colleague@example.com")[0]
    assert mail.subject == f"owner invites you to join {SECRET_A}"
    assert mail.text.startswith("Hello,")
    link = mail.link("/organisations/join/")
    assert link in html  # the same link as the page shows, once
    path = link.removeprefix("http://localhost")
    newcomer = app.test_client()
    assert sign_up(newcomer, mailbox, "colleague@example.com", next_path=path) == path
    assert newcomer.post(path).status_code == 302


def test_a_consultant_invitation_to_a_known_user_uses_their_language(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    make_user(app, "expert@example.com", "Dr Expert", locale="en")
    world.client("owner").post(
        f"/organisations/{world.ids['org_a']}/invitations",
        data={"role": "consultant", "email": "expert@example.com", "language": "zh"},
    )
    mail = mailbox.wait_for("expert@example.com")[0]
    assert mail.subject == f"owner invites you as consultant of {SECRET_A}"
    assert mail.text.startswith("Hello Dr Expert,")


def test_a_bad_address_is_named_and_the_link_still_shown(world: World, mailbox: Mailbox) -> None:
    page = world.client("owner").post(
        f"/organisations/{world.ids['org_a']}/invitations",
        data={"role": "member", "email": "not an address"},
    )
    html = page.get_data(as_text=True)
    assert "未发送：not an address 不是有效的电子邮箱。" in html and "/organisations/join/" in html
    assert mailbox.all() == []


def test_owners_hear_of_a_centre_s_registration_request(
    app: Flask, world: World, mailbox: Mailbox
) -> None:
    with app.app_context():
        from maturity.extensions import db
        from maturity.models import CreditCodeState, Organisation

        code = "91350100M000100Y43"
        organisation = db.session.get(Organisation, world.ids["org_b"])
        organisation.credit_code = code
        organisation.credit_code_state = CreditCodeState.VERIFIED  # proved: it gets requests
        db.session.commit()
    header = (
        "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
    )
    row = f"某企业,{code},65,45,3200,,330000,330100"
    response = world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(f"{header}\n{row}\n".encode()), "orgs.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    # Organisation B was registered with the centre already: no request, no mail.
    assert mailbox.all() == []
    requesting = world.ids["requesting_centre"]
    with app.app_context():
        from sqlalchemy import select

        from maturity.extensions import db
        from maturity.models import Centre, CentreMembership, User

        reviewer = db.session.scalar(select(User).where(User.email == "reviewer@example.com"))
        db.session.add(CentreMembership(user_id=reviewer.id, centre_id=requesting))
        db.session.commit()
        centre_name = db.session.get(Centre, requesting).name
    second = world.client("reviewer").post(
        f"/centres/{requesting}/import",
        data={"file": (io.BytesIO(f"{header}\n{row}\n".encode()), "orgs.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert second.status_code == 200
    mail = mailbox.wait_for("other_owner@example.com")[0]
    assert mail.subject == f"{centre_name} 请求登记 乙方保密电子有限公司"
    assert f"/organisations/{world.ids['org_b']}#centres" in mail.text
