"""Personal API tokens: shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import Request
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import ApiToken, User

PREFIX = "mat_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user: User, name: str) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=_hash(token)))
    db.session.commit()
    return token


def user_for(request: Request) -> User | None:
    """The active user whose valid token the request carries (``Authorization: Bearer``)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.startswith(PREFIX):
        return None
    found = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _hash(token.strip()), ApiToken.revoked_at.is_(None)
        )
    )
    if found is None or not found.user.active:
        return None
    now = datetime.now(UTC)
    # Remember use to the minute: a write on every request would serialise readers.
    if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
        found.last_used_at = now
        db.session.commit()
    return found.user
