"""Personal API tokens: shown once, stored as a hash, scoped, expiring, revocable."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, func, or_, select, update

from maturity.extensions import db, rows_changed
from maturity.models import ApiToken, TokenScope, User
from maturity.models._types import utcnow
from maturity.services import tokens
from maturity.services.audit import record

PREFIX = "mat_"
MAX_DAYS = 366
# Remember use to the minute: a write on every request would serialise readers.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create(user: User, name: str, scope: TokenScope = TokenScope.READ, days: int = 90) -> str:
    """Store a token (committed) and return it; it is never shown again."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token lives 1 to {MAX_DAYS} days")
    secret = tokens.new_secret(PREFIX)
    now = utcnow()
    found = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        token_hash=secret.hash,
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(found)
    db.session.flush()
    record(user, "create_api_token", "api_token", found.id, scope=str(scope), days=days)
    db.session.commit()
    return secret.token


def of_user(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def revoke(user: User, token_id: int, actor: User | None = None) -> bool:
    """Revoke one of the user's tokens (committed); False when it is not theirs or
    was revoked already."""
    found = db.session.get(ApiToken, token_id)
    if found is None or found.user_id != user.id or found.revoked_at is not None:
        return False
    found.revoked_at = utcnow()
    record(actor or user, "revoke_api_token", "api_token", found.id, user=user.id)
    db.session.commit()
    return True


def _working(user: User) -> list[ColumnElement[bool]]:
    """The user's tokens that work now: neither revoked nor expired."""
    return [
        ApiToken.user_id == user.id,
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow()),
    ]


def revoke_all(user: User) -> int:
    """Revoke every token of the user that still works (in the caller's transaction);
    how many. A new password ends what the old one let anyone make."""
    return rows_changed(update(ApiToken).where(*_working(user)).values(revoked_at=utcnow()))


def working_count(user: User) -> int:
    return db.session.scalar(select(func.count(ApiToken.id)).where(*_working(user))) or 0


class TokenProblem(enum.Enum):
    MISSING = "missing"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class TokenCheck:
    user: User | None
    scope: TokenScope | None = None
    problem: TokenProblem | None = None


def check(header: str) -> TokenCheck:
    """Who an ``Authorization: Bearer <token>`` header speaks for, or why nobody."""
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return TokenCheck(None, problem=TokenProblem.MISSING)
    if not token.startswith(PREFIX):
        return TokenCheck(None, problem=TokenProblem.UNKNOWN)
    found = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == tokens.token_hash(token))
    )
    if found is None or not found.user.active:
        return TokenCheck(None, problem=TokenProblem.UNKNOWN)
    if found.revoked_at is not None:
        return TokenCheck(None, problem=TokenProblem.REVOKED)
    now = utcnow()
    if not tokens.live(found.expires_at, now):
        return TokenCheck(None, problem=TokenProblem.EXPIRED)
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        found.last_used_at = now
        db.session.commit()
    return TokenCheck(found.user, scope=found.scope)
