"""Single-use, time-limited links sent by e-mail (confirming an address, a new password)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from maturity.extensions import db
from maturity.models import EmailLink, LinkPurpose, User
from maturity.models._types import utcnow
from maturity.services import tokens


class LinkInvalid(Exception):
    """Unknown, expired or already used."""


def issue(
    user: User, purpose: LinkPurpose, lifetime: timedelta, next_url: str | None = None
) -> str:
    """Store a link (in the current transaction) and return its token, which is
    sent once and never stored. Earlier unused links of the same purpose die."""
    now = utcnow()
    db.session.execute(
        update(EmailLink)
        .where(
            EmailLink.user_id == user.id,
            EmailLink.purpose == purpose,
            EmailLink.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    secret = tokens.new_secret()
    db.session.add(
        EmailLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=secret.hash,
            created_at=now,
            expires_at=now + lifetime,
            next_url=next_url,
        )
    )
    return secret.token


def find(token: str, purpose: LinkPurpose) -> EmailLink:
    """A link that may still be used; raises LinkInvalid otherwise."""
    link = db.session.scalar(
        select(EmailLink).where(
            EmailLink.token_hash == tokens.token_hash(token), EmailLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None or not tokens.live(link.expires_at):
        raise LinkInvalid()
    return link


def redeem(token: str, purpose: LinkPurpose) -> EmailLink:
    """Use the link up (in the current transaction). Two requests racing with the
    same link: one wins, the other gets LinkInvalid."""
    link = find(token, purpose)
    if not tokens.redeem(EmailLink, link.id, EmailLink.used_at, EmailLink.expires_at):
        raise LinkInvalid()
    db.session.refresh(link)
    return link
