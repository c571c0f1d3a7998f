"""An invitation link is single-use, whoever races for it."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.models import Invitation, Membership, Organisation, User
from maturity.services import invitations
from tests.helpers import make_organisation, make_user


def test_two_people_accepting_one_invitation_at_once_only_one_joins(app: Flask) -> None:
    """The finding replayed: acceptance set ``accepted_at`` without the conditional
    update e-mail links use, so two requests arriving together could both join."""
    owner = make_user(app, "owner@example.com")
    organisation_id = make_organisation(app, owner)
    people = [make_user(app, f"colleague{n}@example.com") for n in range(2)]
    with app.app_context():
        token = invitations.create_invitation(
            db.session.get_one(Organisation, organisation_id), db.session.get_one(User, owner), 7
        )
    ready = threading.Barrier(len(people))
    outcomes: list[str] = []

    def accept(user_id: int) -> None:
        with app.app_context():
            user = db.session.get_one(User, user_id)
            invitations.find_invitation(token)  # both see a link nobody used yet
            db.session.commit()  # as the join page's request ends (SQLite: its lock goes)
            ready.wait(timeout=10)
            try:
                invitations.accept_invitation(token, user)
                outcomes.append("joined")
            except invitations.InvitationInvalid:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(user_id,)) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["joined", "refused"]
    with app.app_context():
        joined = db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.organisation_id == organisation_id, Membership.user_id.in_(people)
            )
        )
        invitation = db.session.scalars(select(Invitation)).one()
        assert joined == 1 and invitation.accepted_by_id in people


def test_every_single_use_secret_expires_at_its_expiry_time() -> None:
    """Invitations compared expiry with ``<`` where e-mail links used ``<=``: one rule
    now (services.tokens), expired from the expiry time on."""
    from datetime import timedelta

    from maturity.models._types import utcnow
    from maturity.services import tokens

    expiry = utcnow()
    assert not tokens.live(expiry, now=expiry)
    assert tokens.live(expiry, now=expiry - timedelta(microseconds=1))
    assert tokens.live(None, now=expiry)
