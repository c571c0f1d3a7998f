from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, utcnow


class Release(Model):
    """The published peer figures of one population for one closed period, as
    core.releases computed them (``document``: the release's JSON, parameters
    included). Rows are only ever added: a correction is a new ``revision`` with its
    own privacy loss, and pages read the newest revision of a period."""

    __tablename__ = "release"
    __table_args__ = (
        UniqueConstraint("population", "period", "revision"),
        Index("ix_release_population_period", "population", "period_last"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ``centre:<id>`` for a centre's registered organisations, ``platform`` for the
    # benchmark population of every organisation.
    population: Mapped[str] = mapped_column(String(40))
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("centre.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))  # 2026-Q3 or 2026
    period_first: Mapped[date] = mapped_column(Date())
    period_last: Mapped[date] = mapped_column(Date())
    revision: Mapped[int] = mapped_column(default=1)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rho: Mapped[float] = mapped_column(Float(53))
    epsilon: Mapped[float] = mapped_column(Float(53))
    document: Mapped[str] = mapped_column(Text)
