"""The curated plan of a submitted round: revisions of its edits, and the status of
each step as the organisation works through it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.core.plan import StepState
from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow
from maturity.models.user import User


class PlanRevision(Model):
    """One saved version of a round's plan edits (core.plan.PlanEdits as JSON); the
    newest is the plan, the others its history. ``edits`` None: back to the computed
    plan."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    edits: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class StepStatus(Model):
    """Where the organisation stands with one step of a round's plan."""

    __tablename__ = "step_status"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    state: Mapped[StepState] = mapped_column(str_enum(StepState, 16), default=StepState.PLANNED)
    due_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()
