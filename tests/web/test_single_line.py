"""Single-line fields hold one line, and a mail that cannot be built says so.

The attack replayed: an organisation named with a line break ("某公司\\r\\nBcc: …") made
every invitation mail fail in the worker with ``BadHeaderError``, retried as if the
mail server were away, while the page said it was sent."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Centre, Organisation
from tests.helpers import VALID_PROFILE, log_in, make_organisation, make_user
from tests.mailbox import Mailbox

BROKEN_NAMES = ["某公司\r\nBcc: everyone@example.com", "某公司\n分行", "某\t公司", "某公司\u2028"]


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_an_organisation_name_with_a_line_break_is_refused_and_nothing_saved(
    app: Flask, name: str
) -> None:
    owner = make_user(app, "owner@example.com")
    organisation = make_organisation(app, owner, name="原来的名称")
    client = app.test_client()
    log_in(client, "owner@example.com")
    created = client.post("/organisations/new", data={**VALID_PROFILE, "name": name})
    edited = client.post(
        f"/organisations/{organisation}/edit",
        data={**VALID_PROFILE, "credit_code": "", "name": name},
    )
    for response in (created, edited):
        assert response.status_code == 200
        assert "请写在一行内，不要包含换行或控制字符。" in response.get_data(as_text=True)
    with app.app_context():
        names = db.session.scalars(select(Organisation.name)).all()
    assert names == ["原来的名称"]


def test_the_refusal_speaks_english_to_an_english_user(app: Flask) -> None:
    make_user(app, "owner@example.com", locale="en")
    client = app.test_client()
    log_in(client, "owner@example.com")
    response = client.post("/organisations/new", data={**VALID_PROFILE, "name": "A\nB"})
    assert "Please write this on one line, without line breaks or control characters." in (
        response.get_data(as_text=True)
    )


def test_a_person_s_name_and_a_centre_s_name_are_one_line_too(app: Flask) -> None:
    from maturity.models import User

    make_user(app, "admin@example.com")
    with app.app_context():
        db.session.scalar(select(User)).is_admin = True
        db.session.commit()
    client = app.test_client()
    log_in(client, "admin@example.com")
    settings = client.post("/account", data={"name": "王\r\n经理", "locale": "zh"})
    assert "请写在一行内" in settings.get_data(as_text=True)
    centre = client.post(
        "/admin/centres", data={"name": "某中心\nX-Header: y"}, follow_redirects=True
    )
    assert "请写在一行内" in centre.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(User.name)).all() == ["王经理"]
        assert db.session.scalars(select(Centre)).all() == []


def test_every_form_of_the_product_checks_its_single_line_fields() -> None:
    """The rule lives in one base class; a new form that skipped it would skip the rule."""
    import importlib
    import pkgutil

    from flask_wtf import FlaskForm

    import maturity
    from maturity.web.forms import BaseForm

    for module in pkgutil.walk_packages(maturity.__path__, "maturity."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls: type) -> list[type]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    forms = [f for f in subclasses(FlaskForm) if f.__module__.startswith("maturity.")]
    assert len(forms) >= 10
    assert [f for f in forms if not issubclass(f, BaseForm)] == []


def test_an_invitation_mail_that_cannot_be_built_is_not_said_to_be_sent(
    app: Flask, mailbox: Mailbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A name stored before the rule existed still cannot break the page or the worker."""
    owner = make_user(app, "owner@example.com")
    organisation = make_organisation(app, owner)
    with app.app_context():
        db.session.get(Organisation, organisation).name = "某公司\r\nBcc: everyone@example.com"
        db.session.commit()
    client = app.test_client()
    log_in(client, "owner@example.com")
    with caplog.at_level(logging.ERROR, logger="maturity.mail"):
        page = client.post(
            f"/organisations/{organisation}/invitations",
            data={"role": "member", "email": "colleague@example.com"},
        )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "发往 colleague@example.com 的邮件无法发送。请改为复制链接。" in html
    assert "/organisations/join/" in html and "链接已发送至" not in html
    assert mailbox.all() == []
    assert any("cannot be built" in r.getMessage() for r in caplog.records)


def test_a_worker_given_a_broken_message_refuses_it_at_once(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from maturity import queue
    from maturity.mail.tasks import deliver

    message = {
        "name": "invitation",
        "to": "colleague@example.com",
        "from": "maturity <no-reply@maturity.local>",
        "subject": "某公司\r\nBcc: everyone@example.com",
        "text": "x",
        "html": "<p>x</p>",
    }
    with app.app_context(), caplog.at_level(logging.WARNING, logger="maturity.mail"):
        queue.queue(deliver, message)  # run here (no broker), as a worker runs it
    # Refused as permanent, like a mail server's 5xx; not "could not be sent" after tries.
    assert [(r.levelname, r.getMessage().split(":")[0]) for r in caplog.records] == [
        ("ERROR", "mail invitation to colleague@example.com refused")
    ]
