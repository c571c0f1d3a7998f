from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from maturity.models.evidence import AnswerReview, Attestation, EvidenceFile, Verification
    from maturity.models.organisation import Organisation
    from maturity.models.questionnaire import QuestionnaireVersion
    from maturity.models.user import User


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Assessment(Model):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("organisation_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    # RESTRICT: a questionnaire version with assessments can never be deleted,
    # so answers are never lost with it.
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_version.id", ondelete="RESTRICT"), index=True
    )
    # The content hash of the version the answers were given on.
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    round: Mapped[int] = mapped_column(default=1)
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus, 16),
        default=AssessmentStatus.DRAFT,
        index=True,
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="assessments")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    result: Mapped[AssessmentResult | None] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    targets: Mapped[list[AssessmentTarget]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    item_values: Mapped[list[ItemValue]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    # At most one row each, shown wherever a round is (results, history, reports):
    # joined to the round's own query rather than read one query each.
    attestation: Mapped[Attestation | None] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="joined"
    )
    # The files on disk go with the rows only through services.evidence (which
    # removes them): never delete a round's evidence rows by cascade alone.
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[AnswerReview]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    verification: Mapped[Verification | None] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", lazy="joined"
    )


class Answer(Model):
    """One answer: a level 0-5, or "not applicable" (value NULL)."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question_id"),
        CheckConstraint(
            "(not_applicable AND value IS NULL) OR "
            "(NOT not_applicable AND value IS NOT NULL AND value BETWEEN 0 AND 5)",
            name="value_or_not_applicable",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[int | None]
    not_applicable: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    # Incremented on every change: a save that names an older revision is a conflict
    # (a colleague changed the answer meanwhile) instead of a silent overwrite.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    # Taken over from the previous round when this one started; shown as such until
    # someone confirms or changes it, and not counted as answered until then.
    carried_over: Mapped[bool] = mapped_column(default=False, server_default=false())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    answered_by: Mapped[User | None] = relationship()

    @staticmethod
    def columns_for(value: AnswerValue) -> dict[str, object]:
        """The stored columns of an answer value (a level, or not applicable)."""
        if value == NOT_APPLICABLE:
            return {"value": None, "not_applicable": True}
        return {"value": int(value), "not_applicable": False}

    @property
    def answer_value(self) -> AnswerValue:
        """The answer as the core speaks it: a level, or "na"."""
        return NOT_APPLICABLE if self.not_applicable else int(self.value or 0)

    @answer_value.setter
    def answer_value(self, value: AnswerValue) -> None:
        for column, stored in self.columns_for(value).items():
            setattr(self, column, stored)


class ItemValue(Model):
    """The value of one of the round's other items (a profile answer, an outcome
    figure), as its item type encodes it (core.items)."""

    __tablename__ = "item_value"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(64))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="item_values")


class AssessmentResult(Model):
    """Scores stored at submission, with the scoring version that produced them."""

    __tablename__ = "assessment_result"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    scoring_version: Mapped[str] = mapped_column(String(16))
    overall_index: Mapped[float | None] = mapped_column(Float(53))
    overall_level: Mapped[int | None]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="result")
    dimensions: Mapped[list[DimensionResult]] = relationship(
        back_populates="result", cascade="all, delete-orphan"
    )


class DimensionResult(Model):
    __tablename__ = "dimension_result"
    __table_args__ = (UniqueConstraint("assessment_id", "dimension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_result.assessment_id", ondelete="CASCADE"), index=True
    )
    dimension_id: Mapped[str] = mapped_column(String(64))
    assessed: Mapped[bool]
    score: Mapped[float | None] = mapped_column(Float(53))
    level: Mapped[int | None]

    result: Mapped[AssessmentResult] = relationship(back_populates="dimensions")


class AssessmentTarget(Model):
    """A target level the organisation chose for a dimension (default: level + 1)."""

    __tablename__ = "assessment_target"
    __table_args__ = (
        UniqueConstraint("assessment_id", "dimension_id"),
        CheckConstraint("level BETWEEN 0 AND 5", name="level_0_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    dimension_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int]

    assessment: Mapped[Assessment] = relationship(back_populates="targets")


class Finding(Model):
    """A consultant's finding on one dimension, or the overall note (dimension OVERALL);
    both go into the report."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("assessment_id", "dimension_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), index=True
    )
    dimension_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="findings")
    author: Mapped[User | None] = relationship()
