"""Service centres: registration, revocable consent, consultant assignment (imports: organisation_imports)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from maturity.core.refusals import Refusal, Refused
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
from maturity.models._types import utcnow
from maturity.services.audit import record


class CentreRefused(Refused):
    """A refused change of a centre's staff, assignments or requests."""


def all_centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


def centres_of_reviewer(user: User) -> list[Centre]:
    return list(
        db.session.scalars(
            select(Centre)
            .join(CentreMembership)
            .where(
                CentreMembership.user_id == user.id, CentreMembership.role == CentreRole.REVIEWER
            )
            .order_by(Centre.name)
        )
    )


def staff_of(centre: Centre, role: CentreRole) -> list[User]:
    """The people who have the role at the centre, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(CentreMembership)
            .where(CentreMembership.centre_id == centre.id, CentreMembership.role == role)
            .order_by(User.name, User.id)
        )
    )


def add_staff(centre: Centre, user: User, role: CentreRole, actor: User) -> None:
    """Give a person a role at the centre (an administrator does); CentreRefused
    ``already_staff`` when they have it."""
    if any(m.centre_id == centre.id and m.role is role for m in user.centre_memberships):
        raise CentreRefused(Refusal.ALREADY_STAFF)
    db.session.add(CentreMembership(user=user, centre=centre, role=role))
    record(actor, "add_centre_staff", "centre", centre.id, user_id=user.id, role=str(role))
    db.session.commit()


def registration(centre: Centre, organisation: Organisation) -> CentreRegistration | None:
    return db.session.scalar(
        select(CentreRegistration).where(
            CentreRegistration.centre_id == centre.id,
            CentreRegistration.organisation_id == organisation.id,
        )
    )


def register(organisation: Organisation, centre: Centre, user: User) -> CentreRegistration:
    """The organisation registers itself (accepting the centre's request, if it sent one)."""
    existing = registration(centre, organisation)
    if existing is not None:
        if not existing.is_accepted:
            answer_request(existing, True, user)
        return existing
    created = CentreRegistration(
        centre=centre, organisation=organisation, registered_by_id=user.id, accepted_at=utcnow()
    )
    db.session.add(created)
    record(user, "register_with_centre", "centre", centre.id, organisation.id)
    db.session.commit()
    return created


def answer_request(request: CentreRegistration, accept: bool, user: User) -> None:
    """The organisation's answer to a centre's registration request: accepted, it
    counts in the centre's aggregates from now on; declined, it is gone."""
    if request.is_accepted:
        raise CentreRefused(Refusal.NOT_A_REQUEST)
    record(
        user,
        "accept_registration_request" if accept else "decline_registration_request",
        "centre",
        request.centre_id,
        request.organisation_id,
    )
    if accept:
        request.accepted_at = utcnow()
    else:
        db.session.delete(request)
    db.session.commit()


def requests_of(organisation: Organisation) -> list[CentreRegistration]:
    """Centres' registration requests that the organisation has not answered yet."""
    return list(
        db.session.scalars(
            select(CentreRegistration)
            .where(
                CentreRegistration.organisation_id == organisation.id,
                ~CentreRegistration.is_accepted,
            )
            .options(joinedload(CentreRegistration.centre))
        )
    )


def set_consent(registration: CentreRegistration, granted: bool, user: User) -> None:
    now = datetime.now(UTC)
    if granted:
        registration.consent_granted_at = now
        registration.consent_revoked_at = None
    else:
        registration.consent_revoked_at = now
    record(
        user,
        "grant_consent" if granted else "revoke_consent",
        "centre",
        registration.centre_id,
        registration.organisation_id,
    )
    db.session.commit()


@dataclass(frozen=True)
class ConsentingOrganisation:
    organisation: Organisation
    latest: Assessment | None


@dataclass(frozen=True)
class CentreOverview:
    registered: int
    requested: int  # requests that the organisations have not answered yet
    consenting: list[ConsentingOrganisation]


def overview(centre: Centre) -> CentreOverview:
    registrations = list(
        db.session.scalars(
            select(CentreRegistration).where(CentreRegistration.centre_id == centre.id)
        )
    )
    consenting = [r.organisation for r in registrations if r.has_consent]
    accepted = sum(1 for r in registrations if r.is_accepted)
    latest: dict[int, Assessment] = {}
    if consenting:
        for assessment in db.session.scalars(
            select(Assessment)
            .where(
                Assessment.organisation_id.in_([o.id for o in consenting]),
                Assessment.status == AssessmentStatus.SUBMITTED,
            )
            .order_by(Assessment.round)
        ):
            latest[assessment.organisation_id] = assessment
    return CentreOverview(
        registered=accepted,
        requested=len(registrations) - accepted,
        consenting=[
            ConsentingOrganisation(o, latest.get(o.id))
            for o in sorted(consenting, key=lambda o: o.name)
        ],
    )


def assign_consultant(
    centre: Centre, organisation: Organisation, consultant: User, user: User
) -> None:
    """Give a consultant access to a consenting organisation for as long as it consents.

    Only the centre's own consultant staff, whom an administrator named, and never the
    assigning person: a reviewer can make neither themselves nor an account of their
    own (a consultant by an organisation's invitation, which anyone can arrange) a
    consultant who reads what consent gives the centre's consultants."""
    if consultant.id == user.id:
        raise CentreRefused(Refusal.SELF_ASSIGNMENT)
    if consultant not in staff_of(centre, CentreRole.CONSULTANT):
        raise CentreRefused(Refusal.NOT_CENTRE_CONSULTANT, name=consultant.name)
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == consultant.id, Membership.organisation_id == organisation.id
        )
    )
    if existing is not None:
        raise CentreRefused(Refusal.ALREADY_MEMBER)
    db.session.add(
        Membership(
            user=consultant,
            organisation=organisation,
            role=MembershipRole.CONSULTANT,
            centre_id=centre.id,
        )
    )
    record(
        user,
        "assign_consultant",
        "organisation",
        organisation.id,
        organisation.id,
        consultant_id=consultant.id,
        centre=centre.id,
    )
    db.session.commit()


def remove_staff(centre: Centre, user: User, role: CentreRole, actor: User) -> bool:
    """Take a role at the centre away (committed); a consultant it assigned loses the
    access at once (``consultants.in_force``). False when the person had no such role."""
    membership = db.session.scalar(
        select(CentreMembership).where(
            CentreMembership.centre_id == centre.id,
            CentreMembership.user_id == user.id,
            CentreMembership.role == role,
        )
    )
    if membership is None:
        return False
    db.session.delete(membership)
    record(actor, "remove_centre_staff", "centre", centre.id, user_id=user.id, role=str(role))
    db.session.commit()
    return True


def registrations_of(organisation: Organisation) -> list[CentreRegistration]:
    """The centres the organisation is registered with (requests not included)."""
    return list(
        db.session.scalars(
            select(CentreRegistration).where(
                CentreRegistration.organisation_id == organisation.id,
                CentreRegistration.is_accepted,
            )
        )
    )
