"""Invitation links: a colleague joins an organisation by a single-use link."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Invitation, Membership, MembershipRole, Organisation, User
from maturity.services.audit import record


class InvitationInvalid(Exception):
    """Unknown, expired or already used."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


INVITABLE_ROLES = (MembershipRole.MEMBER, MembershipRole.CONSULTANT)


def create_invitation(
    organisation: Organisation, user: User, days: int, role: MembershipRole = MembershipRole.MEMBER
) -> str:
    """Store an invitation and return its token (shown once, never stored)."""
    if role not in INVITABLE_ROLES:
        raise ValueError(f"cannot invite as {role}")
    token = secrets.token_urlsafe(24)
    db.session.add(
        Invitation(
            organisation=organisation,
            token_hash=_hash(token),
            role=role,
            created_by_id=user.id,
            expires_at=datetime.now(UTC) + timedelta(days=days),
        )
    )
    record(
        user, "create_invitation", "organisation", organisation.id, organisation.id, role=str(role)
    )
    db.session.commit()
    return token


def find_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationInvalid()
    if invitation.expires_at < datetime.now(UTC):
        raise InvitationInvalid()
    return invitation


def accept_invitation(token: str, user: User) -> Organisation:
    invitation = find_invitation(token)
    organisation = invitation.organisation
    already = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    if already is None:
        db.session.add(Membership(user=user, organisation=organisation, role=invitation.role))
    if invitation.role is MembershipRole.CONSULTANT:
        user.is_consultant = True
    record(
        user,
        "accept_invitation",
        "organisation",
        organisation.id,
        organisation.id,
        role=str(invitation.role),
    )
    invitation.accepted_by_id = user.id
    invitation.accepted_at = datetime.now(UTC)
    db.session.commit()
    return organisation
