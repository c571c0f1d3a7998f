"""The one access policy: every object-level permission is decided here.

Views ask these questions and never decide on their own.
"""

from __future__ import annotations

from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    Assessment,
    AssessmentStatus,
    Membership,
    MembershipRole,
    Organisation,
    User,
)

STAFF_ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER)
ASSESSOR_ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER, MembershipRole.CONSULTANT)


def _membership(user: User, organisation_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    )


def _role(user: User, organisation_id: int) -> MembershipRole | None:
    membership = _membership(user, organisation_id)
    return None if membership is None else membership.role


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return _role(user, organisation.id) is not None


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    return _role(user, organisation.id) in STAFF_ROLES


def can_invite(user: User, organisation: Organisation) -> bool:
    return _role(user, organisation.id) in STAFF_ROLES


def can_start_assessment(user: User, organisation: Organisation) -> bool:
    return _role(user, organisation.id) in ASSESSOR_ROLES


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    return _role(user, assessment.organisation_id) is not None


def can_answer(user: User, assessment: Assessment) -> bool:
    return (
        assessment.status == AssessmentStatus.DRAFT
        and _role(user, assessment.organisation_id) in ASSESSOR_ROLES
    )


def can_plan(user: User, assessment: Assessment) -> bool:
    return (
        assessment.status == AssessmentStatus.SUBMITTED
        and _role(user, assessment.organisation_id) in ASSESSOR_ROLES
    )
