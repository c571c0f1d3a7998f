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
    """A batch of PDF reports built in the background into one ZIP file.

    Each report is a task of its own (any worker may take it); ``done`` counts the
    batch's items rendered so far, the last one to finish queues the ZIP."""

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
    # Queued, a report rendered, or queued again: a batch quiet for long is stalled.
    progressed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The ZIP's name in the storage (a fingerprint of its content), once built.
    archive: Mapped[str | None] = mapped_column(String(100))

    @property
    def ids(self) -> list[int]:
        return [int(part) for part in self.assessment_ids.split(",") if part]


class ReportJobItem(Model):
    """One report of a batch: rendered (into the PDF cache) or not yet."""

    __tablename__ = "report_job_item"

    job_id: Mapped[int] = mapped_column(
        ForeignKey("report_job.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int]
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
