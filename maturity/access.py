"""The one access policy: every object-level permission is decided here.

Views ask these questions (or call ``require``) and never decide on their own.
Reading another organisation's data — as its consultant, as a centre reviewer
under consent, or as an administrator — is written to the audit log.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, g, has_app_context
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    Assessment,
    AssessmentStatus,
    Centre,
    CentreMembership,
    CentreRegistration,
    CentreRole,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services import audit, consultants, credit_codes

T = TypeVar("T")
STAFF_ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER)
ASSESSOR_ROLES = (MembershipRole.OWNER, MembershipRole.MEMBER, MembershipRole.CONSULTANT)


class Relation(enum.Enum):
    """How a user stands to an organisation (the strongest relation wins)."""

    NONE = 0
    REVIEWER = 1  # reviewer of a centre the organisation consented to
    VERIFIER = 6  # verifier of a centre the organisation consented to
    ADMIN = 2
    CONSULTANT = 3
    MEMBER = 4
    OWNER = 5


@dataclass(frozen=True)
class Standing:
    relation: Relation

    @property
    def is_staff(self) -> bool:
        return self.relation in (Relation.MEMBER, Relation.OWNER)

    @property
    def is_assessor(self) -> bool:
        return self.relation in (Relation.MEMBER, Relation.OWNER, Relation.CONSULTANT)

    @property
    def may_read(self) -> bool:
        return self.relation is not Relation.NONE

    @property
    def is_foreign(self) -> bool:
        """Reading this organisation's data must be audited."""
        return self.relation in (
            Relation.CONSULTANT,
            Relation.REVIEWER,
            Relation.VERIFIER,
            Relation.ADMIN,
        )

    @property
    def sees_results_only(self) -> bool:
        """Centres see submitted rounds, never work in progress."""
        return self.relation in (Relation.REVIEWER, Relation.VERIFIER)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def standing(user: User, organisation_id: int) -> Standing:
    """How the user stands to the organisation, remembered for the current request."""
    if not _authenticated(user):
        return Standing(Relation.NONE)
    if not has_app_context():
        return _standing(user, organisation_id)
    cache: dict[tuple[int, int], Standing] = g.setdefault("access_standings", {})
    key = (user.id, organisation_id)
    if key not in cache:
        cache[key] = _standing(user, organisation_id)
    return cache[key]


def forget_standings() -> None:
    """After a change of membership or consent within a request."""
    if has_app_context():
        g.pop("access_standings", None)


def _standing(user: User, organisation_id: int) -> Standing:
    role = db.session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id,
            Membership.organisation_id == organisation_id,
            consultants.in_force(),
        )
    )
    if role is MembershipRole.OWNER:
        return Standing(Relation.OWNER)
    if role is MembershipRole.MEMBER:
        return Standing(Relation.MEMBER)
    if role is MembershipRole.CONSULTANT:
        return Standing(Relation.CONSULTANT)
    if user.is_admin:
        return Standing(Relation.ADMIN)
    if consenting_registration(user, organisation_id) is not None:
        return Standing(Relation.REVIEWER)
    if consenting_registration(user, organisation_id, CentreRole.VERIFIER) is not None:
        return Standing(Relation.VERIFIER)
    return Standing(Relation.NONE)


def consenting_registration(
    user: User, organisation_id: int, role: CentreRole = CentreRole.REVIEWER
) -> CentreRegistration | None:
    """A registration of the organisation, under consent, with a centre where the user
    has this role."""
    return db.session.scalars(
        select(CentreRegistration)
        .join(CentreMembership, CentreMembership.centre_id == CentreRegistration.centre_id)
        .where(
            CentreMembership.user_id == user.id,
            CentreMembership.role == role,
            CentreRegistration.organisation_id == organisation_id,
            CentreRegistration.has_consent,
        )
        .limit(1)
    ).first()


# --- Organisations -----------------------------------------------------------


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).may_read


def can_edit_organisation(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).is_staff


def can_invite(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).is_staff


def can_manage_consultants(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).is_staff


def can_manage_centres(user: User, organisation: Organisation) -> bool:
    """Register with centres and grant or revoke consent."""
    return standing(user, organisation.id).is_staff


def can_manage_data(user: User, organisation: Organisation) -> bool:
    """Download all of the organisation's data, or delete the organisation."""
    return standing(user, organisation.id).relation is Relation.OWNER


def reviewed_centre_ids(user: User) -> list[int]:
    if not _authenticated(user):
        return []
    return list(
        db.session.scalars(
            select(CentreMembership.centre_id).where(
                CentreMembership.user_id == user.id, CentreMembership.role == CentreRole.REVIEWER
            )
        )
    )


def can_verify_credit_code(user: User, organisation: Organisation) -> bool:
    """Compare the organisation's business licence with its code: an administrator, or
    a reviewer of a centre it consents to or whose import named its code."""
    if is_admin(user):
        return True
    return credit_codes.may_verify_as_centre(user, organisation, reviewed_centre_ids(user))


def can_see_licence(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).is_staff or can_verify_credit_code(user, organisation)


def can_start_assessment(user: User, organisation: Organisation) -> bool:
    return standing(user, organisation.id).is_assessor


# --- Assessments -------------------------------------------------------------


def can_view_assessment(user: User, assessment: Assessment) -> bool:
    relation = standing(user, assessment.organisation_id)
    if relation.sees_results_only:
        return assessment.status == AssessmentStatus.SUBMITTED
    return relation.may_read


def can_answer(user: User, assessment: Assessment) -> bool:
    return (
        assessment.status == AssessmentStatus.DRAFT
        and standing(user, assessment.organisation_id).is_assessor
    )


def can_plan(user: User, assessment: Assessment) -> bool:
    return (
        assessment.status == AssessmentStatus.SUBMITTED
        and standing(user, assessment.organisation_id).is_assessor
    )


def can_add_evidence(user: User, assessment: Assessment) -> bool:
    """Add or remove evidence files: those who answer, while the round is a draft or
    its verification is not complete (services.evidence says when)."""
    return standing(user, assessment.organisation_id).is_assessor


def can_verify(user: User, assessment: Assessment) -> bool:
    """Review a submitted round's answers: its consultant (access in force), or a
    verifier of a centre the organisation consents to; never the organisation's own
    people, whose answers they are."""
    relation = standing(user, assessment.organisation_id).relation
    if assessment.status != AssessmentStatus.SUBMITTED:
        return False
    if relation is Relation.CONSULTANT:
        return True
    if relation in (Relation.OWNER, Relation.MEMBER):
        return False
    return (
        consenting_registration(user, assessment.organisation_id, CentreRole.VERIFIER) is not None
    )


def can_write_findings(user: User, assessment: Assessment) -> bool:
    return standing(user, assessment.organisation_id).relation is Relation.CONSULTANT


# --- Centres and administration ---------------------------------------------


def is_reviewer(user: User, centre: Centre) -> bool:
    if not _authenticated(user):
        return False
    return (
        db.session.scalar(
            select(CentreMembership.id).where(
                CentreMembership.user_id == user.id,
                CentreMembership.centre_id == centre.id,
                CentreMembership.role == CentreRole.REVIEWER,
            )
        )
        is not None
    )


def can_review_centre(user: User, centre: Centre) -> bool:
    return is_reviewer(user, centre) or is_admin(user)


def can_import_into_centre(user: User, centre: Centre) -> bool:
    return is_reviewer(user, centre) or is_admin(user)


def can_keep_directory(user: User, centre: Centre) -> bool:
    """Add, change and remove the providers in the centre's directory."""
    return is_reviewer(user, centre) or is_admin(user)


def can_assign_consultant(user: User, centre: Centre, organisation: Organisation) -> bool:
    """A centre may assign a consultant only to an organisation that consented (the
    services refuse anyone but the centre's own consultant staff)."""
    if not can_review_centre(user, centre):
        return False
    registration = db.session.scalar(
        select(CentreRegistration).where(
            CentreRegistration.centre_id == centre.id,
            CentreRegistration.organisation_id == organisation.id,
        )
    )
    return registration is not None and registration.has_consent


def is_admin(user: User) -> bool:
    return _authenticated(user) and bool(user.is_admin) and bool(user.active)


def is_consultant(user: User) -> bool:
    if not _authenticated(user):
        return False
    if user.is_consultant:
        return True
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.role == MembershipRole.CONSULTANT,
                consultants.in_force(),
            )
        )
        is not None
    )


# --- Enforcement --------------------------------------------------------------


def require(allowed: bool, *, hide: bool = True) -> None:
    """Stop the request unless allowed: 404 hides that the object exists, 403 says no."""
    if not allowed:
        abort(404 if hide else 403)


def found(obj: T | None, allowed: Callable[[T], bool] | None = None) -> T:
    """The object, if there is one and ``allowed`` (the policy's question about it)
    says yes; otherwise the request stops with 404, which does not tell whether the
    object exists. Views load everything through this or `load`."""
    if obj is None or (allowed is not None and not allowed(obj)):
        abort(404)
    return obj


def load(model: type[T], object_id: Any, allowed: Callable[[T], bool] | None = None) -> T:
    """The row of ``model`` with this id, through `found`."""
    return found(db.session.get(model, object_id) if object_id is not None else None, allowed)


def audit_read(user: User, organisation_id: int, what: str, object_id: Any) -> None:
    """Log a read of another organisation's data (consultant, reviewer, admin); the
    event is written when the request ends, never committing the request's work."""
    if standing(user, organisation_id).is_foreign:
        audit.note_read(user, f"view_{what}", what, object_id, organisation_id)


def visible_organisation(
    user: User, organisation_id: int, what: str = "organisation"
) -> Organisation:
    """Load an organisation the user may read (404 otherwise), auditing foreign reads."""
    organisation = load(Organisation, organisation_id, lambda o: can_view_organisation(user, o))
    audit_read(user, organisation.id, what, organisation.id)
    return organisation


def plannable(user: User, assessment: Assessment) -> Assessment:
    """The round, narrowed to one whose plan the user may change: 404 while it is a
    draft (it has no plan), 403 for those who may only read it."""
    require(assessment.status == AssessmentStatus.SUBMITTED)
    require(can_plan(user, assessment), hide=False)
    return assessment


def visible_assessment(user: User, assessment_id: int, what: str = "assessment") -> Assessment:
    """Load an assessment the user may read (404 otherwise), auditing foreign reads."""
    assessment = load(Assessment, assessment_id, lambda a: can_view_assessment(user, a))
    audit_read(user, assessment.organisation_id, what, assessment.id)
    return assessment
