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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import SQLAlchemyError

from maturity.extensions import db
from maturity.models import AuditEvent, Centre, Organisation, Release, User
from maturity.models._types import utcnow

logger = logging.getLogger(__name__)

# Detail keys that name a person, always by account id (never an address or a name,
# which would outlive the account): pages and exports look the person up, and show
# "a former member" once the account is gone.
PEOPLE_KEYS = ("user_id", "consultant_id")


def details_of(detail: str | None) -> dict[str, Any]:
    """An event's stored detail as a mapping (empty when there is none)."""
    values = json.loads(detail) if detail else {}
    return values if isinstance(values, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def object_number(event: AuditEvent) -> int | None:
    """The event's object id when it is a number (a row id), else None."""
    text = event.object_id or ""
    return int(text) if text.isdigit() else None


def people_in(detail: str | None) -> set[int]:
    """The account ids an event's stored detail names."""
    values = details_of(detail)
    return {value for key in PEOPLE_KEYS if (value := _int(values.get(key))) is not None}


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
    organisation: str | None = None  # part of the organisation's name
    organisation_id: int | None = None  # exactly this organisation
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.action:
            conditions.append(AuditEvent.action == self.action)
        if self.actor:
            pattern = containing(self.actor)
            conditions.append(
                AuditEvent.actor_id.in_(
                    select(User.id).where(
                        User.email.ilike(pattern, escape="\\")
                        | User.name.ilike(pattern, escape="\\")
                    )
                )
            )
        if self.organisation:
            conditions.append(
                AuditEvent.organisation_id.in_(
                    select(Organisation.id).where(
                        Organisation.name.ilike(containing(self.organisation), escape="\\")
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


def containing(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its wildcards taken literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def organisation_filtered(chosen: AuditFilter) -> Organisation | None:
    """The organisation the log is narrowed to by id (None: none chosen, or gone)."""
    if chosen.organisation_id is None:
        return None
    return db.session.get(Organisation, chosen.organisation_id)


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


@dataclass(frozen=True)
class AuditNames:
    """What a page of events names by id, loaded at once: accounts, centres,
    organisations and releases (an id missing here is gone: "a former member")."""

    people: dict[int, User] = field(default_factory=dict)
    centres: dict[int, Centre] = field(default_factory=dict)
    organisations: dict[int, Organisation] = field(default_factory=dict)
    releases: dict[int, Release] = field(default_factory=dict)


# Detail keys that name an account beside PEOPLE_KEYS (an API token's owner).
_OTHER_PEOPLE_KEYS = ("user",)


def names_for(events: Iterable[AuditEvent]) -> AuditNames:
    people: set[int] = set()
    centre_ids: set[int] = set()
    organisation_ids: set[int] = set()
    release_ids: set[int] = set()
    for event in events:
        values = details_of(event.detail)
        object_id = object_number(event)
        if event.actor_id is not None:
            people.add(event.actor_id)
        people |= people_in(event.detail)
        people |= {v for k in _OTHER_PEOPLE_KEYS if (v := _int(values.get(k))) is not None}
        if event.object_type == "user" and object_id is not None:
            people.add(object_id)
        if event.object_type == "centre" and object_id is not None:
            centre_ids.add(object_id)
        if (centre := _int(values.get("centre"))) is not None:
            centre_ids.add(centre)
        if event.organisation_id is not None:
            organisation_ids.add(event.organisation_id)
        if (release := _int(values.get("release"))) is not None:
            release_ids.add(release)

    def load(model: Any, ids: set[int]) -> dict[int, Any]:
        if not ids:
            return {}
        return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}

    return AuditNames(
        people=load(User, people),
        centres=load(Centre, centre_ids),
        organisations=load(Organisation, organisation_ids),
        releases=load(Release, release_ids),
    )
