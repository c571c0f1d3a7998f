"""Secrets handed out once (login sessions, e-mail links, invitations, API tokens):
made, hashed and, for single-use ones, redeemed in one place.

Only a secret's SHA-256 is stored: a copy of the database opens nothing. A
single-use secret is redeemed by one conditional UPDATE (still unused, not expired):
of two requests racing with the same link, exactly one changes the row, and the
other learns it lost. A secret counts as expired from its expiry time on.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, inspect, update
from sqlalchemy.orm import InstrumentedAttribute

from maturity.extensions import Model, rows_changed
from maturity.models._types import utcnow


@dataclass(frozen=True)
class Secret:
    token: str  # shown or sent once
    hash: str  # stored


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_secret(prefix: str = "", size: int = 32) -> Secret:
    """``size`` random bytes (an invitation's link is printed as a QR code: it uses 24)."""
    token = prefix + secrets.token_urlsafe(size)
    return Secret(token, token_hash(token))


def live(expires_at: datetime | None, now: datetime | None = None) -> bool:
    """Not expired yet (no expiry: never expires)."""
    return expires_at is None or expires_at > (now or utcnow())


def still_live(expires_at: InstrumentedAttribute[datetime]) -> ColumnElement[bool]:
    """The same rule in SQL."""
    return expires_at > utcnow()


def redeem(
    model: type[Model],
    row_id: int,
    used_at: InstrumentedAttribute[Any],
    expires_at: InstrumentedAttribute[datetime],
    **also: Any,
) -> bool:
    """Mark a single-use secret's row used now (and set ``also``), in the current
    transaction, only if it is still unused and live: True when this request did."""
    row_key = inspect(model).primary_key[0]
    return bool(
        rows_changed(
            update(model)
            .where(row_key == row_id, used_at.is_(None), still_live(expires_at))
            .values({used_at.key: utcnow(), **also})
        )
    )
