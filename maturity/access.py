"""The one access policy: every object-level permission is decided here."""

from __future__ import annotations

from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Membership, MembershipRole, Organisation, User

STAFF_ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER)


def _membership(user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return _membership(user, organisation) is not None


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    membership = _membership(user, organisation)
    return membership is not None and membership.role in STAFF_ROLES
