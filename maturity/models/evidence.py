"""What makes a round's answers something others can rely on: the submitter's
attestation, evidence files beside answers, and a verifier's review of each answer."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from maturity.models.assessment import Assessment
    from maturity.models.user import User


class Attestation(Model):
    """真实性承诺: who submitted the round, in which role, when, and which wording of
    the promise they accepted (core.attestation)."""

    __tablename__ = "attestation"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # As they were then: an account renamed or deleted later does not change it.
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))
    text_version: Mapped[str] = mapped_column(String(10))
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="attestation")


class EvidenceFile(Model):
    """A document given as evidence for one answer: stored under a generated name
    (``stored_name``), its kind read from its content."""

    __tablename__ = "evidence_file"
    __table_args__ = (Index("ix_evidence_file_answer", "assessment_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="evidence_files")
    uploaded_by: Mapped[User | None] = relationship()


class ReviewOutcome(enum.StrEnum):
    VERIFIED = "verified"  # the evidence or the visit shows the level answered
    ADJUSTED = "adjusted"  # it shows another level, given with a note
    NOT_VERIFIABLE = "not_verifiable"  # nothing to check it by


class ReviewMethod(enum.StrEnum):
    DOCUMENTS = "documents"
    ON_SITE = "on_site"


class AnswerReview(Model):
    """A verifier's finding on one answer of a submitted round."""

    __tablename__ = "answer_review"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint(
            "(outcome = 'adjusted' AND adjusted_value BETWEEN 0 AND 5) OR "
            "(outcome <> 'adjusted' AND adjusted_value IS NULL)",
            name="adjusted_value_when_adjusted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, 16))
    adjusted_value: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    method: Mapped[ReviewMethod] = mapped_column(str_enum(ReviewMethod, 16))
    checked_on: Mapped[date | None]  # the visit's day, on site
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="reviews")
    reviewer: Mapped[User | None] = relationship()


class Verification(Model):
    """A round's verification as a whole: when its verifier said it was complete."""

    __tablename__ = "verification"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[Assessment] = relationship(back_populates="verification")
    completed_by: Mapped[User | None] = relationship()
