"""Invitation links: a colleague joins an organisation by a single-use link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Invitation, Membership, MembershipRole, Organisation, User
from maturity.models._types import utcnow
from maturity.services import tokens
from maturity.services.audit import record


class InvitationInvalid(Exception):
    """Unknown, expired or already used."""


INVITABLE_ROLES = (MembershipRole.MEMBER, MembershipRole.CONSULTANT)


def create_invitation(
    organisation: Organisation, user: User, days: int, role: MembershipRole = MembershipRole.MEMBER
) -> str:
    """Store an invitation and return its token (shown once, never stored)."""
    if role not in INVITABLE_ROLES:
        raise ValueError(f"cannot invite as {role}")
    secret = tokens.new_secret(size=24)
    db.session.add(
        Invitation(
            organisation=organisation,
            token_hash=secret.hash,
            role=role,
            created_by_id=user.id,
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    record(
        user, "create_invitation", "organisation", organisation.id, organisation.id, role=str(role)
    )
    db.session.commit()
    return secret.token


def find_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == tokens.token_hash(token))
    )
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationInvalid()
    if not tokens.live(invitation.expires_at):
        raise InvitationInvalid()
    return invitation


def accept_invitation(token: str, user: User) -> Organisation:
    """Join by the link, once: of two people accepting one link at the same moment,
    exactly one joins (the conditional update of ``tokens.redeem``); the other gets
    InvitationInvalid, as for a link used before."""
    invitation = find_invitation(token)
    if not tokens.redeem(
        Invitation,
        invitation.id,
        Invitation.accepted_at,
        Invitation.expires_at,
        accepted_by_id=user.id,
    ):
        db.session.rollback()
        raise InvitationInvalid()
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
    db.session.commit()
    return organisation
