from __future__ import annotations

import enum
import functools
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from maturity.extensions import Model
from maturity.models._types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from maturity.models.organisation import Centre, Organisation


class Passwords:
    """The password hasher: Argon2id with argon2-cffi's defaults (RFC 9106's
    low-memory choice: 64 MiB, 3 passes), a memory-hard function. One object, so that
    the test suite can give the work it does for hundreds of throw-away accounts cheap
    parameters (tests/conftest.py) while the test of login timing keeps these."""

    hasher = PasswordHasher()

    @classmethod
    def hash(cls, password: str) -> str:
        return cls.hasher.hash(password)

    @classmethod
    def verify(cls, password_hash: str, password: str) -> bool:
        try:
            return cls.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @classmethod
    def spend_check(cls, password: str) -> None:
        """The work of one check against a hash made with the current parameters."""
        cls.verify(_unknown_account_hash(cls.hasher), password)


@functools.cache
def _unknown_account_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


class User(UserMixin, Model):
    __tablename__ = "user"
    # ``session_key`` below is a plain attribute: which login session this object
    # was loaded for, never stored on the user row.
    __allow_unmapped__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="zh")
    is_admin: Mapped[bool] = mapped_column(default=False)
    # A consultant by trade: given by an administrator or by accepting a consultant
    # invitation; it opens the consultant's workspace. A centre assigns only its own
    # consultant staff (CentreMembership with CentreRole.CONSULTANT), never this alone.
    is_consultant: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Until the owner of the address follows the link we sent, nobody can log in.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session_key: str | None = None

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    centre_memberships: Mapped[list[CentreMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Flask-Login keeps this in the session and the remember-me cookie: the
        user and the server-side session, so that ending the session ends both."""
        return f"{self.id}:{self.session_key}" if self.session_key else str(self.id)

    def set_password(self, password: str) -> None:
        self.password_hash = Passwords.hash(password)

    def check_password(self, password: str) -> bool:
        return Passwords.verify(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


def spend_password_check(password: str) -> None:
    """The work of one password check, for an address that has no account: login
    then takes as long whether or not the address is known."""
    Passwords.spend_check(password)


class MembershipRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"
    CONSULTANT = "consultant"


class Membership(Model):
    """A user's role in an organisation: its staff, or a consultant assigned to it."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[MembershipRole] = mapped_column(str_enum(MembershipRole, 20))
    # The centre that assigned a consultant: such access lasts only while the
    # organisation's registration with that centre consents (access.py checks it).
    centre_id: Mapped[int | None] = mapped_column(
        ForeignKey("centre.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    centre: Mapped[Centre | None] = relationship()


class CentreRole(enum.StrEnum):
    """What a person does for a service centre; an administrator gives each role."""

    REVIEWER = "reviewer"  # reviews the centre's aggregates, imports, keeps its directory
    CONSULTANT = "consultant"  # the centre's consultant staff, assignable to its clients
    VERIFIER = "verifier"  # checks the answers of the organisations that consent


class CentreMembership(Model):
    """A person's role at a service centre (one row per role)."""

    __tablename__ = "centre_membership"
    __table_args__ = (UniqueConstraint("user_id", "centre_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"), index=True)
    role: Mapped[CentreRole] = mapped_column(
        str_enum(CentreRole, 20), default=CentreRole.REVIEWER, server_default="reviewer"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="centre_memberships")
    centre: Mapped[Centre] = relationship(back_populates="members")


class TokenScope(enum.StrEnum):
    READ = "read"
    WRITE = "write"  # read and write


class ApiToken(Model):
    """A personal token for the JSON API; only its hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scope: Mapped[TokenScope] = mapped_column(
        str_enum(TokenScope, 10), default=TokenScope.READ, server_default="write"
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(Model):
    """A login: the browser session and its remember-me cookie carry its key, and
    nothing else opens it once it has ended (logout, log out everywhere, a new
    password) or gone idle too long."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ip_address: Mapped[str | None] = mapped_column(String(45))

    user: Mapped[User] = relationship()


class LinkPurpose(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"
    RESET_PASSWORD = "reset_password"


class EmailLink(Model):
    """A single-use, time-limited link sent by e-mail; only its hash is stored."""

    __tablename__ = "email_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose, 20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where to go after confirming (e.g. the invitation that brought someone here).
    next_url: Mapped[str | None] = mapped_column(String(500))

    user: Mapped[User] = relationship()
