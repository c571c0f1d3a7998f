from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow


class ReportJobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportJob(Model):
    """A batch of PDF reports built in the background into one ZIP file."""

    __tablename__ = "report_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    # Comma-separated assessment ids, checked against the access policy when queued.
    assessment_ids: Mapped[str] = mapped_column(Text)
    status: Mapped[ReportJobStatus] = mapped_column(
        str_enum(ReportJobStatus, 16), default=ReportJobStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The lease: which process works on the job and when it last showed progress.
    # A job whose process died (a recycled or killed worker) stops showing
    # progress and is taken over by the next process that looks at it.
    worker: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def ids(self) -> list[int]:
        return [int(part) for part in self.assessment_ids.split(",") if part]
