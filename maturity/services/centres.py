"""Service centres: registration, revocable consent, bulk import, consultant assignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

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
from maturity.services import generation
from maturity.services.audit import record
from maturity.services.organisations import apply_profile


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
    existing = registration(centre, organisation)
    if existing is not None:
        return existing
    created = CentreRegistration(centre=centre, organisation=organisation, registered_by_id=user.id)
    db.session.add(created)
    record(user, "register_with_centre", "centre", centre.id, organisation.id)
    generation.bump()
    db.session.commit()
    return created


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
    consenting: list[ConsentingOrganisation]


def overview(centre: Centre) -> CentreOverview:
    registrations = list(
        db.session.scalars(
            select(CentreRegistration).where(CentreRegistration.centre_id == centre.id)
        )
    )
    consenting = [r.organisation for r in registrations if r.has_consent]
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
        registered=len(registrations),
        consenting=[
            ConsentingOrganisation(o, latest.get(o.id))
            for o in sorted(consenting, key=lambda o: o.name)
        ],
    )


@dataclass
class ImportResult:
    check: ImportCheck
    created: list[OrganisationRecord] = field(default_factory=list)
    linked: list[OrganisationRecord] = field(default_factory=list)  # known, now registered
    already: list[OrganisationRecord] = field(default_factory=list)  # registered before

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
    registered_ids = set(
        db.session.scalars(
            select(CentreRegistration.organisation_id).where(
                CentreRegistration.centre_id == centre.id
            )
        )
    )
    for row in check.records:
        organisation = known.get(row.credit_code) if row.credit_code else None
        if organisation is not None and organisation.id in registered_ids:
            result.already.append(row)
            continue
        if organisation is None:
            organisation = Organisation()
            apply_profile(organisation, row)
            db.session.add(organisation)
            result.created.append(row)
        else:
            result.linked.append(row)
        db.session.add(
            CentreRegistration(centre=centre, organisation=organisation, registered_by_id=user.id)
        )
    record(
        user,
        "import_organisations",
        "centre",
        centre.id,
        None,
        file=filename,
        created=len(result.created),
        linked=len(result.linked),
        already=len(result.already),
    )
    generation.bump()
    db.session.commit()
    return result


def assign_consultant(
    centre: Centre, organisation: Organisation, consultant: User, user: User
) -> None:
    existing = db.session.scalar(
        select(Membership).where(
            Membership.user_id == consultant.id, Membership.organisation_id == organisation.id
        )
    )
    if existing is not None:
        raise CentreError("already_member")
    db.session.add(
        Membership(user=consultant, organisation=organisation, role=MembershipRole.CONSULTANT)
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
    return list(
        db.session.scalars(
            select(CentreRegistration).where(CentreRegistration.organisation_id == organisation.id)
        )
    )


def reviewer_count(centre: Centre) -> int:
    return (
        db.session.scalar(
            select(func.count(CentreMembership.id)).where(CentreMembership.centre_id == centre.id)
        )
        or 0
    )
