from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.core.reference import SizeClass
from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow
from maturity.models.user import MembershipRole

if TYPE_CHECKING:
    from maturity.models.assessment import Assessment
    from maturity.models.user import CentreMembership, Membership


class CreditCodeState(enum.StrEnum):
    """Whether an organisation has proved its unified social credit code.

    Anyone may type any code, so a code is only a claim until the business licence
    that shows it has been checked (by an administrator or the organisation's centre).
    Several organisations may claim one code; at most one holds it verified, and the
    others are then disputed."""

    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    DISPUTED = "disputed"


class Organisation(Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees_not_negative"),
        CheckConstraint("revenue IS NULL OR revenue >= 0", name="revenue_not_negative"),
        CheckConstraint("total_assets IS NULL OR total_assets >= 0", name="assets_not_negative"),
        CheckConstraint(
            "digital_budget IS NULL OR digital_budget >= 0", name="digital_budget_not_negative"
        ),
        # One verified holder per code; claims beside it are allowed (and disputed).
        Index(
            "uq_organisation_verified_credit_code",
            "credit_code",
            unique=True,
            postgresql_where=text("credit_code_state = 'verified'"),
            sqlite_where=text("credit_code_state = 'verified'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    credit_code_state: Mapped[CreditCodeState] = mapped_column(
        str_enum(CreditCodeState, 12),
        default=CreditCodeState.UNVERIFIED,
        server_default="unverified",
    )
    credit_code_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credit_code_verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    # The business licence the owner uploaded as proof of the code: its name in the
    # documents storage (generated, never the uploaded name) and its kind.
    licence_file: Mapped[str | None] = mapped_column(String(100))
    licence_kind: Mapped[str | None] = mapped_column(String(10))
    licence_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    industry_section: Mapped[str] = mapped_column(String(1), index=True)
    # A GB/T 4754-2017 division (two digits), or a real-estate group (three).
    industry_division: Mapped[str] = mapped_column(String(3))
    employees: Mapped[int | None]
    # Annual operating revenue and total assets in 10,000 CNY (万元).
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    total_assets: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # The annual digital budget the roadmap's phases must fit (roadmap 3), in 万元;
    # set with the targets and goals by the organisation's people or its consultant.
    digital_budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Derived from the measures by core.reference.classify_size and stored for aggregation.
    size_class: Mapped[SizeClass] = mapped_column(str_enum(SizeClass, 10), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    city_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    goals: Mapped[list[OrganisationGoal]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationGoal.position",
    )
    assessments: Mapped[list[Assessment]] = relationship(back_populates="organisation")
    centre_registrations: Mapped[list[CentreRegistration]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class OrganisationGoal(Model):
    """A business goal the organisation selected (ids come from the questionnaire)."""

    __tablename__ = "organisation_goal"
    __table_args__ = (UniqueConstraint("organisation_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship(back_populates="goals")


class Centre(Model):
    """A regional SME service centre (中小企业服务中心)."""

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    province_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # On the cover of the reports of its organisations: how to reach the centre, and
    # its logo (a PNG the services re-encoded from the upload).
    contact: Mapped[str | None] = mapped_column(String(300))
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)

    members: Mapped[list[CentreMembership]] = relationship(
        back_populates="centre", cascade="all, delete-orphan"
    )
    registrations: Mapped[list[CentreRegistration]] = relationship(
        back_populates="centre", cascade="all, delete-orphan"
    )
    providers: Mapped[list[ServiceProvider]] = relationship(
        back_populates="centre", cascade="all, delete-orphan", order_by="ServiceProvider.name"
    )


class ServiceProvider(Model):
    """A provider in a centre's directory: which support services of the roadmap it
    offers (questionnaire service ids), how to reach it, and the programmes (subsidies,
    vouchers) that help pay for it. The centre's reviewers keep it."""

    __tablename__ = "service_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    services: Mapped[list[str]] = mapped_column(JSON)
    contact: Mapped[str] = mapped_column(String(500), default="")
    programmes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    centre: Mapped[Centre] = relationship(back_populates="providers")


class CentreRegistration(Model):
    """An organisation registered with a centre, and its revocable consent to
    let the centre see its individual results.

    A centre that imports an organisation already on the platform only asks:
    the registration is a request (``accepted_at`` empty) until the organisation's
    owner accepts it, and until then counts nowhere for the centre."""

    __tablename__ = "centre_registration"
    __table_args__ = (UniqueConstraint("centre_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Empty: a centre's request (from an import) that the organisation has not accepted.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    centre: Mapped[Centre] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation] = relationship(back_populates="centre_registrations")

    @hybrid_property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @is_accepted.inplace.expression
    @classmethod
    def _is_accepted_expression(cls) -> ColumnElement[bool]:
        return cls.accepted_at.is_not(None)

    @hybrid_property
    def has_consent(self) -> bool:
        """Accepted, consent granted, and not revoked since."""
        if self.accepted_at is None or self.consent_granted_at is None:
            return False
        return self.consent_revoked_at is None or self.consent_revoked_at < self.consent_granted_at

    @has_consent.inplace.expression
    @classmethod
    def _has_consent_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.accepted_at.is_not(None),
            cls.consent_granted_at.is_not(None),
            or_(
                cls.consent_revoked_at.is_(None),
                cls.consent_revoked_at < cls.consent_granted_at,
            ),
        )


class CodeVerificationRequest(Model):
    """A centre's import named a credit code that only unverified organisations claim:
    the centre's registration request waits for one of them to be verified, and the
    centre's reviewers may check their business licences."""

    __tablename__ = "code_verification_request"
    __table_args__ = (UniqueConstraint("centre_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class Invitation(Model):
    """A single-use link that lets a colleague join an organisation.

    Only a hash of the token is stored: the link itself is shown once."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The role the link grants: a colleague (member) or a consultant.
    role: Mapped[MembershipRole] = mapped_column(
        str_enum(MembershipRole, 20), default=MembershipRole.MEMBER, server_default="member"
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Empty: a centre's request (from an import) that the organisation has not accepted.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
