"""The audit log: who did what to which object, and when.

A change is audited in the transaction that makes it (``record``). A read of
another organisation's data is noted while the request runs and written when it
ends, in a transaction of its own (``note_read``, ``write_noted``): checking access
never commits a request's work half-way, and a request that fails after the read
still leaves its trace.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import SQLAlchemyError

from maturity.extensions import db
from maturity.models import AuditEvent, User
from maturity.models._types import utcnow

logger = logging.getLogger(__name__)

# Detail keys that name a person, always by account id (never an address or a name,
# which would outlive the account): pages and exports look the person up, and show
# "a former member" once the account is gone.
PEOPLE_KEYS = ("user_id", "consultant_id")


def people_in(detail: str | None) -> set[int]:
    """The account ids an event's stored detail names."""
    if not detail:
        return set()
    values = json.loads(detail)
    return {
        value
        for key in PEOPLE_KEYS
        if isinstance(value := values.get(key), int) and not isinstance(value, bool)
    }


def _event(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any,
    organisation_id: int | None,
    detail: dict[str, Any],
) -> AuditEvent:
    return AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        organisation_id=organisation_id,
        ip_address=request.remote_addr if has_request_context() else None,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with it)."""
    event = _event(actor, action, object_type, object_id, organisation_id, detail)
    db.session.add(event)
    return event


def note_read(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> None:
    """Note a read (or an export) for the audit log; written when the request ends."""
    event = _event(actor, action, object_type, object_id, organisation_id, detail)
    if has_app_context():
        g.setdefault("noted_reads", []).append(event)
    else:  # outside any request or command: nothing else would write it
        _write([event])


def write_noted(_error: BaseException | None = None) -> None:
    """Write the reads noted during this app context (its teardown calls this)."""
    noted = g.pop("noted_reads", None) if has_app_context() else None
    if noted:
        _write(noted)


def _write(events: list[AuditEvent]) -> None:
    try:
        # Whatever the request left uncommitted is discarded at its end anyway;
        # the audit events go into a transaction of their own.
        db.session.rollback()
        db.session.add_all(events)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.exception("could not write %d audit event(s)", len(events))


@dataclass(frozen=True)
class AuditFilter:
    """What an administrator narrows the log to; None means any."""

    action: str | None = None
    actor: str | None = None  # part of the actor's e-mail address or name
    organisation_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.action:
            conditions.append(AuditEvent.action == self.action)
        if self.actor:
            pattern = f"%{self.actor.strip().lower()}%"
            conditions.append(
                AuditEvent.actor_id.in_(
                    select(User.id).where(
                        func.lower(User.email).like(pattern) | func.lower(User.name).like(pattern)
                    )
                )
            )
        if self.organisation_id is not None:
            conditions.append(AuditEvent.organisation_id == self.organisation_id)
        if self.since is not None:
            conditions.append(AuditEvent.at >= self.since)
        if self.until is not None:
            conditions.append(AuditEvent.at < self.until)
        return conditions


def search(chosen: AuditFilter, limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(*chosen.where())
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count(chosen: AuditFilter) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(*chosen.where())) or 0


def actions_in_use() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
