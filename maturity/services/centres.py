"""Service centres: registration, revocable consent, bulk import, consultant assignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from maturity.core.organisation_import import (
    ImportCheck,
    OrganisationRecord,
    check_rows,
    read_csv,
    read_xlsx,
)
from maturity.extensions import db
from maturity.models import (
    Assessment,
    AssessmentStatus,
    Centre,
    CentreMembership,
    CentreRegistration,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.models._types import utcnow
from maturity.services import generation
from maturity.services.audit import record
from maturity.services.organisations import profile_columns


class CentreError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def all_centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).order_by(Centre.name)))


def centres_of_reviewer(user: User) -> list[Centre]:
    return list(
        db.session.scalars(
            select(Centre)
            .join(CentreMembership)
            .where(CentreMembership.user_id == user.id)
            .order_by(Centre.name)
        )
    )


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
    generation.bump()
    db.session.commit()
    return created


def answer_request(request: CentreRegistration, accept: bool, user: User) -> None:
    """The organisation's answer to a centre's registration request: accepted, it
    counts in the centre's aggregates from now on; declined, it is gone."""
    if request.is_accepted:
        raise CentreError("not_a_request")
    record(
        user,
        "accept_registration_request" if accept else "decline_registration_request",
        "centre",
        request.centre_id,
        request.organisation_id,
    )
    if accept:
        request.accepted_at = utcnow()
        generation.bump()
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


@dataclass
class ImportResult:
    """What an import did, in terms that reveal nothing about organisations outside
    the centre: every row not yet on the centre's list became a registration request,
    whether or not the organisation was already on the platform."""

    check: ImportCheck
    requested: list[OrganisationRecord] = field(default_factory=list)
    already: list[OrganisationRecord] = field(default_factory=list)  # on the list before
    # Organisations already on the platform that got a request: their owners are
    # told by e-mail. Never shown to the centre (the report reads the same either way).
    to_notify: list[Organisation] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return self.check.ok


def read_table(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(data)
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(data)
    raise CentreError("file_type")


def import_organisations(centre: Centre, filename: str, data: bytes, user: User) -> ImportResult:
    """Check every row first; import all of them or, if any is bad, none."""
    check = check_rows(read_table(filename, data))
    result = ImportResult(check)
    if not check.ok:
        return result
    codes = [r.credit_code for r in check.records if r.credit_code]
    known = (
        {
            o.credit_code: o
            for o in db.session.scalars(
                select(Organisation).where(Organisation.credit_code.in_(codes))
            )
        }
        if codes
        else {}
    )
    listed_ids = set(
        db.session.scalars(
            select(CentreRegistration.organisation_id).where(
                CentreRegistration.centre_id == centre.id
            )
        )
    )
    placeholders: list[dict[str, Any]] = []
    requested_ids: list[int] = []
    for row in check.records:
        organisation = known.get(row.credit_code) if row.credit_code else None
        if organisation is not None and organisation.id in listed_ids:
            result.already.append(row)
            continue
        if organisation is None:
            # A placeholder the centre may register SMEs under; it has no members yet.
            placeholders.append(profile_columns(row))
        else:
            result.to_notify.append(organisation)
            requested_ids.append(organisation.id)
        result.requested.append(row)
    # In bulk: up to ten thousand rows in a fraction of a second, not one object each.
    if placeholders:
        requested_ids += db.session.scalars(
            insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
            placeholders,
        ).all()
    if requested_ids:
        # Only requests: each counts for the centre once its organisation accepts it.
        db.session.execute(
            insert(CentreRegistration),
            [
                {
                    "centre_id": centre.id,
                    "organisation_id": organisation_id,
                    "registered_by_id": user.id,
                }
                for organisation_id in requested_ids
            ],
        )
    record(
        user,
        "import_organisations",
        "centre",
        centre.id,
        None,
        file=filename,
        requested=len(result.requested),
        already=len(result.already),
    )
    generation.bump()
    db.session.commit()
    return result


def assign_consultant(
    centre: Centre, organisation: Organisation, consultant: User, user: User
) -> None:
    """Give a consultant access to a consenting organisation for as long as it consents.

    Only accounts with the consultant role, and never the assigning person: a
    reviewer cannot make themselves a consultant to read what consent withholds."""
    if consultant.id == user.id:
        raise CentreError("self_assignment")
    if not consultant.is_consultant:
        raise CentreError("not_consultant")
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == consultant.id, Membership.organisation_id == organisation.id
        )
    )
    if existing is not None:
        raise CentreError("already_member")
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
        consultant=consultant.email,
        centre=centre.id,
    )
    db.session.commit()


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


def reviewer_count(centre: Centre) -> int:
    return (
        db.session.scalar(
            select(func.count(CentreMembership.id)).where(CentreMembership.centre_id == centre.id)
        )
        or 0
    )
