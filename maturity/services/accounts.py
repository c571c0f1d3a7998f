"""Accounts: sign-up with a confirmed address, new passwords, deleting an account.

Nothing here tells a visitor whether an address has an account: sign-up and
"forgot password" answer the same either way and the e-mail (which only the
address's owner reads) says what happened.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from maturity.extensions import db
from maturity.models import (
    ApiToken,
    CentreMembership,
    EmailLink,
    LinkPurpose,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.models._types import utcnow
from maturity.services import api_tokens, email_links, sessions
from maturity.services.audit import record


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class SignUp(enum.Enum):
    CREATED = "created"  # a new account: the mail holds the confirmation link
    ALREADY_REGISTERED = "already"  # the mail says so and how to log in or reset
    UNCONFIRMED = "unconfirmed"  # signed up before, never confirmed: a fresh link


@dataclass(frozen=True)
class SignUpOutcome:
    kind: SignUp
    user: User
    link_token: str | None


def sign_up(
    name: str,
    email: str,
    password: str,
    locale: str,
    privacy_version: str,
    confirm_within: timedelta,
    next_url: str | None,
) -> SignUpOutcome:
    """Create an unconfirmed account, or find the one the address already has
    (whose password and name stay as they are). Committed."""
    existing = find_by_email(email)
    if existing is not None and existing.email_confirmed_at is not None:
        # The same hashing work as a new account: the answer takes as long.
        User(email="").set_password(password)
        return SignUpOutcome(SignUp.ALREADY_REGISTERED, existing, None)
    if existing is not None:
        # Nobody has ever logged in to an unconfirmed account: the latest sign-up
        # wins, and confirming it needs the password chosen in that sign-up.
        existing.name = name.strip()
        existing.locale = locale
        existing.privacy_version = privacy_version
        existing.privacy_accepted_at = utcnow()
        existing.set_password(password)
        token = email_links.issue(existing, LinkPurpose.CONFIRM_EMAIL, confirm_within, next_url)
        db.session.commit()
        return SignUpOutcome(SignUp.UNCONFIRMED, existing, token)
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        locale=locale,
        privacy_version=privacy_version,
        privacy_accepted_at=utcnow(),
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    token = email_links.issue(user, LinkPurpose.CONFIRM_EMAIL, confirm_within, next_url)
    record(user, "sign_up", "user", user.id, privacy_version=privacy_version)
    db.session.commit()
    return SignUpOutcome(SignUp.CREATED, user, token)


class WrongPassword(Exception):
    pass


def confirm_email(token: str, password: str) -> EmailLink:
    """Confirm the address a link was sent to, with the password chosen at sign-up
    (committed). Raises LinkInvalid, or WrongPassword (the link stays usable).

    The password is asked for because whoever signs up chooses it: without it, a
    stranger could sign up with your address and wait for you to confirm an account
    whose password they know."""
    user = email_links.find(token, LinkPurpose.CONFIRM_EMAIL).user
    if not user.check_password(password):
        raise WrongPassword()
    link = email_links.redeem(token, LinkPurpose.CONFIRM_EMAIL)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(user, "confirm_email", "user", user.id)
    db.session.commit()
    return link


def confirmation_link(user: User, confirm_within: timedelta) -> str:
    """A fresh confirmation link for an account that tried to log in unconfirmed."""
    token = email_links.issue(user, LinkPurpose.CONFIRM_EMAIL, confirm_within)
    db.session.commit()
    return token


def reset_link(email: str, valid_for: timedelta) -> tuple[User | None, str | None]:
    """The account of the address and a new reset link for it (committed), or
    (None, None) when the address has no account."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None, None
    token = email_links.issue(user, LinkPurpose.RESET_PASSWORD, valid_for)
    record(user, "request_password_reset", "user", user.id)
    db.session.commit()
    return user, token


@dataclass(frozen=True)
class PasswordChanged:
    user: User
    sessions_ended: int
    tokens_revoked: int
    tokens_kept: int


def reset_password(token: str, new_password: str) -> PasswordChanged:
    """Set a new password through a reset link: the link is used up, every session
    and every API token of the account ends (whoever knew the old password may have
    made one), the address counts as confirmed. Raises LinkInvalid."""
    link = email_links.redeem(token, LinkPurpose.RESET_PASSWORD)
    user = link.user
    if not user.active:
        db.session.rollback()
        raise email_links.LinkInvalid()
    user.set_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    ended = sessions.end_all(user)
    revoked = api_tokens.revoke_all(user)
    record(user, "reset_password", "user", user.id, sessions_ended=ended, tokens_revoked=revoked)
    db.session.commit()
    return PasswordChanged(user, ended, revoked, 0)


def change_password(user: User, new_password: str, keep_tokens: bool = False) -> PasswordChanged:
    """Set a new password (the caller checked the current one); every other session
    ends, and the API tokens too unless the user chose to keep them. Committed."""
    user.set_password(new_password)
    ended = sessions.end_all(user, keep_current=True)
    kept = api_tokens.working_count(user) if keep_tokens else 0
    revoked = 0 if keep_tokens else api_tokens.revoke_all(user)
    record(
        user, "change_password", "user", user.id,
        sessions_ended=ended, tokens_revoked=revoked, tokens_kept=kept,
    )  # fmt: skip
    db.session.commit()
    return PasswordChanged(user, ended, revoked, kept)


def log_out_everywhere(user: User) -> int:
    ended = sessions.end_all(user)
    record(user, "log_out_everywhere", "user", user.id, sessions_ended=ended)
    db.session.commit()
    return ended


def update_settings(user: User, name: str, locale: str) -> None:
    user.name = name.strip()
    user.locale = locale
    db.session.commit()


def accept_privacy(user: User, version: str) -> None:
    user.privacy_version = version
    user.privacy_accepted_at = utcnow()
    record(user, "accept_privacy_notice", "user", user.id, version=version)
    db.session.commit()


def owned_by(user: User) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id, Membership.role == MembershipRole.OWNER)
            .order_by(Organisation.name)
        )
    )


def sole_owner_of(user: User) -> list[Organisation]:
    """Organisations that would be left without an owner if the user went."""
    orphaned = []
    for organisation in owned_by(user):
        owners = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.OWNER,
            )
        )
        if owners == 1:
            orphaned.append(organisation)
    return orphaned


class AccountInUse(Exception):
    def __init__(self, organisations: list[Organisation]) -> None:
        super().__init__("sole owner")
        self.organisations = organisations


def delete_account(user: User) -> None:
    """Delete the account: its memberships, sessions, tokens and links go with it;
    answers, plans and audit entries it wrote stay, attributed to no one ("a former
    member"). Refused while it is the only owner of an organisation. Committed."""
    orphaned = sole_owner_of(user)
    if orphaned:
        raise AccountInUse(orphaned)
    organisations = db.session.scalars(
        select(Membership.organisation_id).where(Membership.user_id == user.id)
    ).all()
    for organisation_id in organisations:
        record(user, "leave_organisation", "organisation", organisation_id, organisation_id)
    record(user, "delete_account", "user", user.id)
    for model in (Membership, CentreMembership, ApiToken, EmailLink):
        db.session.execute(delete(model).where(model.user_id == user.id))
    sessions.end_all(user)
    db.session.flush()
    db.session.delete(user)
    db.session.commit()
