"""Login sessions kept on the server, so that ending one is final.

The browser holds only the session's random key (in the signed session cookie and
the remember-me cookie, both through ``User.get_id``); the database holds its hash.
A key opens nothing once its session has ended (logout, "log out everywhere", a new
password) or has been idle too long: 12 hours by default, or 30 days for "keep me
logged in".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from maturity.extensions import db, rows_changed
from maturity.models import User, UserSession
from maturity.models._types import utcnow
from maturity.services import tokens

# How often a session's last activity is written: one write per request would
# serialise every reader behind the database's write lock.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    remembered: timedelta

    def expired(self, found: UserSession, now: datetime) -> bool:
        if found.remember:
            return now - found.created_at > self.remembered
        return now - found.last_seen_at > self.idle


def start(user: User, remember: bool, user_agent: str | None, ip_address: str | None) -> str:
    """Open a session for the user (committed) and set its key on the user object."""
    secret = tokens.new_secret()
    key = secret.token
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=secret.hash,
            remember=remember,
            created_at=now,
            last_seen_at=now,
            user_agent=(user_agent or "")[:200] or None,
            ip_address=ip_address,
        )
    )
    db.session.commit()
    user.session_key = key
    return key


def load(user_id: int, key: str, lifetimes: Lifetimes) -> User | None:
    """The user of a live session; None when it is unknown, ended or expired."""
    found = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))  # one query for both
        .where(
            UserSession.key_hash == tokens.token_hash(key),
            UserSession.user_id == user_id,
            UserSession.ended_at.is_(None),
        )
    )
    if found is None or not found.user.active:
        return None
    now = utcnow()
    if lifetimes.expired(found, now):
        found.ended_at = now
        db.session.commit()
        return None
    if now - found.last_seen_at > LAST_SEEN_RESOLUTION:
        found.last_seen_at = now
        db.session.commit()
    user = found.user
    user.session_key = key
    return user


def end(user: User) -> None:
    """End the session the user object was loaded for."""
    if user.session_key:
        db.session.execute(
            update(UserSession)
            .where(
                UserSession.key_hash == tokens.token_hash(user.session_key),
                UserSession.ended_at.is_(None),
            )
            .values(ended_at=utcnow())
        )
    user.session_key = None


def end_all(user: User, keep_current: bool = False) -> int:
    """End every session of the user (but the current one, if asked); how many."""
    statement = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep_current and user.session_key:
        statement = statement.where(UserSession.key_hash != tokens.token_hash(user.session_key))
    return rows_changed(statement.values(ended_at=utcnow()))


def active(user: User, lifetimes: Lifetimes) -> list[UserSession]:
    now = utcnow()
    found = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    return [each for each in found if not lifetimes.expired(each, now)]


def is_current(found: UserSession, user: User) -> bool:
    return user.session_key is not None and found.key_hash == tokens.token_hash(user.session_key)
