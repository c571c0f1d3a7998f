"""Every link the platform sends names its one configured public address.

The attack replayed here: a request that names another host (``Host``, or
``X-Forwarded-Host`` as a proxy would pass it) asks for a password reset, a sign-up
confirmation or an invitation for somebody else, hoping that the mailed link leads to
the attacker's site, which then learns the victim's single-use token."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, url_for

from tests.conftest import make_app
from tests.helpers import PASSWORD, log_in, make_organisation, make_user
from tests.mailbox import Mailbox

FOREIGN = {"Host": "evil.example:8080"}
FORWARDED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}


def test_a_foreign_host_is_refused_before_anything_is_mailed(app: Flask, mailbox: Mailbox) -> None:
    make_user(app, "victim@example.com")
    client = app.test_client()
    forgot = client.post("/auth/forgot", data={"email": "victim@example.com"}, headers=FOREIGN)
    register = client.post(
        "/auth/register",
        data={
            "name": "某人",
            "email": "newcomer@example.com",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "accept_privacy": "y",
        },
        headers=FOREIGN,
    )
    assert (forgot.status_code, register.status_code) == (400, 400)
    assert mailbox.all() == []


def test_mailed_links_ignore_forwarded_host_headers(app: Flask, mailbox: Mailbox) -> None:
    owner = make_user(app, "owner@example.com")
    make_user(app, "victim@example.com")
    organisation = make_organisation(app, owner)
    client = app.test_client()
    client.post("/auth/forgot", data={"email": "victim@example.com"}, headers=FORWARDED)
    client.post(
        "/auth/register",
        data={
            "name": "某人",
            "email": "newcomer@example.com",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "accept_privacy": "y",
        },
        headers=FORWARDED,
    )
    log_in(client, "owner@example.com")
    page = client.post(
        f"/organisations/{organisation}/invitations",
        data={"role": "member", "email": "colleague@example.com"},
        headers=FORWARDED,
    )
    assert "evil.example" not in page.get_data(as_text=True)
    mails = [
        *mailbox.wait_for("victim@example.com"),
        *mailbox.wait_for("newcomer@example.com"),
        *mailbox.wait_for("colleague@example.com"),
    ]
    for mail in mails:
        assert mail.links(), mail.text
        assert all(link.startswith("http://localhost/") for link in mail.links()), mail.text
        assert "evil.example" not in mail.text + mail.html


def test_a_second_trusted_name_still_mails_the_public_address(
    database_url: str, tmp_path: Path, mailbox: Mailbox
) -> None:
    """An internal name the operator trusts (a health check, a second domain) is
    answered, but what it mails names the public address only."""
    app = make_app(
        database_url,
        tmp_path,
        BASE_URL="https://maturity.example.cn",
        TRUSTED_HOSTS=["maturity.example.cn", "internal.example"],
    )
    make_user(app, "victim@example.com")
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    response = client.post(
        "/auth/forgot", data={"email": "victim@example.com"}, headers={"Host": "internal.example"}
    )
    assert response.status_code == 200
    link = mailbox.wait_for("victim@example.com")[0].link("/auth/reset/")
    assert link.startswith("https://maturity.example.cn/auth/reset/")


def test_links_built_outside_a_request_name_the_public_address(
    database_url: str, tmp_path: Path
) -> None:
    """A worker (an import's notices, a batch's mails) has no request to ask."""
    app = make_app(database_url, tmp_path, BASE_URL="https://maturity.example.cn/sme/")
    with app.app_context():
        assert url_for("auth.forgot") == "https://maturity.example.cn/sme/auth/forgot"
        assert (
            url_for("organisations.show", organisation_id=7, _anchor="centres")
            == "https://maturity.example.cn/sme/organisations/7#centres"
        )


@pytest.mark.parametrize(
    "raw", ["evil", "ftp://maturity.example.cn", "https://", "https://x.cn/?a=1", "https://u@x.cn"]
)
def test_the_public_address_must_be_a_plain_site_address(raw: str) -> None:
    from maturity.config import ConfigError, public_base_url

    with pytest.raises(ConfigError):
        public_base_url(raw)


def test_production_refuses_to_start_without_a_public_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from maturity.config import ConfigError, load_config

    monkeypatch.setenv("MATURITY_ENV", "production")
    monkeypatch.setenv("MATURITY_SECRET_KEY", "x" * 64)
    monkeypatch.delenv("MATURITY_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="MATURITY_BASE_URL"):
        load_config(tmp_path)
    monkeypatch.setenv("MATURITY_BASE_URL", "https://maturity.example.cn/")
    monkeypatch.setenv("MATURITY_TRUSTED_HOSTS", "internal.example, ")
    config = load_config(tmp_path)
    assert config["BASE_URL"] == "https://maturity.example.cn"
    assert config["TRUSTED_HOSTS"] == ["maturity.example.cn", "internal.example"]


def test_an_import_s_notice_names_the_public_address(app: Flask, mailbox: Mailbox) -> None:
    import io

    from maturity.extensions import db
    from maturity.models import CentreRegistration, CreditCodeState, Organisation
    from tests.web.world import build_world

    world = build_world(app)
    code = "91350100M000100Y43"
    with app.app_context():
        organisation = db.session.get_one(Organisation, world.ids["org_b"])
        organisation.credit_code, organisation.credit_code_state = code, CreditCodeState.VERIFIED
        db.session.execute(
            CentreRegistration.__table__.delete().where(
                CentreRegistration.organisation_id == organisation.id
            )
        )
        db.session.commit()
    header = (
        "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
    )
    csv = f"{header}\n某企业,{code},65,45,3200,,330000,330100\n".encode()
    response = world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(csv), "orgs.csv")},
        content_type="multipart/form-data",
        headers=FORWARDED,
    )
    assert response.status_code == 303
    mail = mailbox.wait_for("other_owner@example.com")[0]
    assert mail.links() and all(link.startswith("http://localhost/") for link in mail.links())
    assert "evil.example" not in mail.text + mail.html
