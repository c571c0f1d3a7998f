from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from maturity.core.questionnaire import MAX_OUTCOMES, MAX_QUESTIONS
from maturity.extensions import Model
from maturity.models._types import UTCDateTime


class ResultSummary(Model):
    """One row per submitted assessment, denormalised for the centres' aggregates.

    Written once at submission from the stored scores (never re-scored): the
    organisation's attributes as they were then, the dimension scores and levels
    by position in the questionnaire (``score_1`` is its first dimension), the
    change per dimension since the organisation's previous round (over unchanged
    questions, by the core comparison rule), the answers as scored packed one
    character per question in questionnaire order ('0'-'5', 'n' for not applicable,
    the profile's marks included), and the outcome figures with their changes.
    Dashboards read this table only, so 100,000 organisations aggregate in one scan.
    """

    __tablename__ = "result_summary"
    __table_args__ = (
        Index("ix_result_summary_latest_version", "is_latest", "questionnaire_version_id"),
        # GIN on PostgreSQL, as the migration creates it (saying `postgresql_using`
        # here would import the PostgreSQL dialect in every process, SQLite too).
        Index("ix_result_summary_centre_ids", "centre_ids"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    round: Mapped[int]
    is_latest: Mapped[bool] = mapped_column(default=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    industry_section: Mapped[str] = mapped_column(String(1))
    size_class: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(String(6))
    city_code: Mapped[str | None] = mapped_column(String(6))
    overall_index: Mapped[float | None] = mapped_column(Float(53))
    overall_level: Mapped[int | None]
    answers: Mapped[str] = mapped_column(String(200))
    # Bit k - 1 set where answer_k is NULL (not applicable, or no such question): the
    # few patterns of "not applicable" let a database count the organisations that
    # answered each question by grouping, instead of a count per question.
    not_applicable: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    score_1: Mapped[float | None] = mapped_column(Float(53))
    score_2: Mapped[float | None] = mapped_column(Float(53))
    score_3: Mapped[float | None] = mapped_column(Float(53))
    score_4: Mapped[float | None] = mapped_column(Float(53))
    score_5: Mapped[float | None] = mapped_column(Float(53))
    score_6: Mapped[float | None] = mapped_column(Float(53))
    score_7: Mapped[float | None] = mapped_column(Float(53))
    score_8: Mapped[float | None] = mapped_column(Float(53))
    level_1: Mapped[int | None]
    level_2: Mapped[int | None]
    level_3: Mapped[int | None]
    level_4: Mapped[int | None]
    level_5: Mapped[int | None]
    level_6: Mapped[int | None]
    level_7: Mapped[int | None]
    level_8: Mapped[int | None]
    delta_1: Mapped[float | None] = mapped_column(Float(53))
    delta_2: Mapped[float | None] = mapped_column(Float(53))
    delta_3: Mapped[float | None] = mapped_column(Float(53))
    delta_4: Mapped[float | None] = mapped_column(Float(53))
    delta_5: Mapped[float | None] = mapped_column(Float(53))
    delta_6: Mapped[float | None] = mapped_column(Float(53))
    delta_7: Mapped[float | None] = mapped_column(Float(53))
    delta_8: Mapped[float | None] = mapped_column(Float(53))
    # The centres the organisation is registered with (accepted), in ascending order:
    # a centre's dashboard filters on it instead of joining its registrations, which
    # at a million organisations took a quarter of the time. The database keeps it
    # (triggers on this table and on centre_registration, migration 7b3e91c4d2a8),
    # whatever path writes either table; nothing in Python sets it.
    # The round's verification, once completed (services.verification): whether every
    # answer was checked and found or set at a level, and the index with the verifier's
    # adjustments. Releases count verified rounds as their own figures.
    verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    verified_index: Mapped[float | None] = mapped_column(Float(53))
    centre_ids: Mapped[list[int] | None] = mapped_column(
        ARRAY(Integer).with_variant(JSON(), "sqlite"), deferred=True
    )


# One column per question position (NULL: not applicable or no such question), so
# that a database computes the mean of every practice with plain aggregates.
for _position in range(1, MAX_QUESTIONS + 1):
    setattr(
        ResultSummary, f"answer_{_position}", mapped_column(f"answer_{_position}", SmallInteger)
    )
# Per outcome position: the figure of this round, and its change since the
# organisation's previous round (NULL: not given in one of them, see core.comparison).
for _position in range(1, MAX_OUTCOMES + 1):
    setattr(ResultSummary, f"outcome_{_position}", mapped_column(f"outcome_{_position}", Float(53)))
    setattr(
        ResultSummary,
        f"outcome_change_{_position}",
        mapped_column(f"outcome_change_{_position}", Float(53)),
    )
