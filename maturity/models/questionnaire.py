from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, utcnow


class QuestionnaireVersion(Model):
    """A published questionnaire version. Immutable once stored: the source text
    is kept so that old assessments can always be re-read and re-scored."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    # The content as validated, in JSON: read back in a twentieth of the time the
    # YAML source takes (every process that scores or reports reads it).
    document: Mapped[str] = mapped_column(Text, server_default="")
    is_current: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"
