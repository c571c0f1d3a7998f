from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OrganisationImport(Model):
    """A centre's list of organisations, uploaded and imported by a worker.

    ``outcome`` is what the centre is shown once it is done: how many requests were
    sent and how many organisations were on the list already, or why nothing was
    imported (the file's problems, row by row, or why it could not be read)."""

    __tablename__ = "organisation_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The uploaded file's name in the storage, until the import has run.
    upload: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus, 16), default=ImportStatus.QUEUED
    )
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Organisations already on the platform whose owners are told of the request,
    # until they have been (then empty); never shown to the centre.
    to_notify: Mapped[list[int]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
