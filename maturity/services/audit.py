"""The audit log: who did what to which object, and when."""

from __future__ import annotations

import json
from typing import Any

from flask import has_request_context, request
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with it)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        organisation_id=organisation_id,
        ip_address=request.remote_addr if has_request_context() else None,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    )
    db.session.add(event)
    return event


def record_now(*args: Any, **kwargs: Any) -> AuditEvent:
    """Record and commit at once (for reads, which commit nothing else)."""
    event = record(*args, **kwargs)
    db.session.commit()
    return event


def recent(limit: int = 100, offset: int = 0) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
