"""Single-use, time-limited links sent by e-mail (confirming an address, a new password)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from maturity.extensions import db, rows_changed
from maturity.models import EmailLink, LinkPurpose, User
from maturity.models._types import utcnow


class LinkInvalid(Exception):
    """Unknown, expired or already used."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
    token = secrets.token_urlsafe(32)
    db.session.add(
        EmailLink(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + lifetime,
            next_url=next_url,
        )
    )
    return token


def find(token: str, purpose: LinkPurpose) -> EmailLink:
    """A link that may still be used; raises LinkInvalid otherwise."""
    link = db.session.scalar(
        select(EmailLink).where(EmailLink.token_hash == _hash(token), EmailLink.purpose == purpose)
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        raise LinkInvalid()
    return link


def redeem(token: str, purpose: LinkPurpose) -> EmailLink:
    """Use the link up (in the current transaction). Two requests racing with the
    same link: one wins, the other gets LinkInvalid."""
    link = find(token, purpose)
    won = rows_changed(
        update(EmailLink)
        .where(EmailLink.id == link.id, EmailLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if not won:
        raise LinkInvalid()
    db.session.refresh(link)
    return link
