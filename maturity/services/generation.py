"""The aggregate generation: raised with every change that can alter aggregates."""

from __future__ import annotations

import secrets

from sqlalchemy import select, update

from maturity.extensions import db, rows_changed
from maturity.models import AggregateGeneration


def current() -> tuple[str, int]:
    row = db.session.execute(
        select(AggregateGeneration.token, AggregateGeneration.value).where(
            AggregateGeneration.id == 1
        )
    ).first()
    return ("", 0) if row is None else (row.token, row.value)


def bump() -> None:
    """Raise the counter in the caller's transaction (so it commits with the change)."""
    raised = rows_changed(
        update(AggregateGeneration)
        .where(AggregateGeneration.id == 1)
        .values(value=AggregateGeneration.value + 1)
    )
    if raised == 0:
        db.session.add(AggregateGeneration(id=1, token=secrets.token_hex(16), value=1))
        db.session.flush()
