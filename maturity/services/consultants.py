"""Consultants: their client list, findings for the report, assignment and removal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select

from maturity.core.report import OVERALL
from maturity.extensions import db
from maturity.models import (
    Assessment,
    CentreMembership,
    CentreRegistration,
    CentreRole,
    Finding,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services.audit import record
from maturity.services.rounds import RoundState, round_states, rows_per_assessment

MAX_FINDING_LENGTH = 5000


def in_force() -> ColumnElement[bool]:
    """Whether a membership gives access now: every membership does, except a
    consultant whom a centre assigned, who has access only while the organisation's
    registration with that centre is accepted and consents and while the person is
    still that centre's consultant staff (checked at every use, so revoking consent,
    the registration or the role ends the access at once). Every list and every page
    of an organisation reads access through this rule."""
    registration = CentreRegistration
    return or_(
        Membership.role != MembershipRole.CONSULTANT,
        Membership.centre_id.is_(None),
        and_(
            exists().where(
                registration.centre_id == Membership.centre_id,
                registration.organisation_id == Membership.organisation_id,
                registration.has_consent,
            ),
            exists().where(
                CentreMembership.user_id == Membership.user_id,
                CentreMembership.centre_id == Membership.centre_id,
                CentreMembership.role == CentreRole.CONSULTANT,
            ),
        ),
    )


def organisations_of(user: User) -> list[Organisation]:
    """Every organisation the user has a membership of in force (staff or consultant)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id, in_force())
            .order_by(Organisation.id)
        )
    )


@dataclass(frozen=True)
class Client:
    organisation: Organisation
    rounds: RoundState
    findings: int = 0  # findings written on the latest submitted round

    @property
    def latest(self) -> Assessment | None:
        return self.rounds.latest

    @property
    def latest_submitted(self) -> Assessment | None:
        return self.rounds.latest_submitted

    @property
    def draft_answers(self) -> int:
        return self.rounds.draft_answers if self.rounds.draft is self.latest else 0

    @property
    def overall_index(self) -> float | None:
        result = self.latest_submitted.result if self.latest_submitted else None
        return result.overall_index if result else None

    @property
    def last_activity(self) -> datetime | None:
        if self.latest is None:
            return None
        return self.latest.submitted_at or self.latest.updated_at


def clients_of(user: User) -> list[Client]:
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(
                Membership.user_id == user.id,
                Membership.role == MembershipRole.CONSULTANT,
                in_force(),
            )
            .order_by(Organisation.name)
        )
    )
    states = round_states([o.id for o in organisations])
    submitted = [s.latest_submitted.id for s in states.values() if s.latest_submitted]
    findings = rows_per_assessment(Finding.assessment_id, submitted)
    clients = []
    for organisation in organisations:
        state = states[organisation.id]
        written = findings.get(state.latest_submitted.id, 0) if state.latest_submitted else 0
        clients.append(Client(organisation, state, written))
    return clients


def consultants_of(organisation: Organisation) -> list[tuple[Membership, bool]]:
    """The organisation's consultants, each with whether the access is in force now."""
    return [
        (membership, bool(active))
        for membership, active in db.session.execute(
            select(Membership, in_force())
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.CONSULTANT,
            )
            .order_by(Membership.id)
        )
    ]


def remove_consultant(organisation: Organisation, membership_id: int, user: User) -> bool:
    membership = db.session.get(Membership, membership_id)
    if (
        membership is None
        or membership.organisation_id != organisation.id
        or membership.role is not MembershipRole.CONSULTANT
    ):
        return False
    record(
        user,
        "remove_consultant",
        "organisation",
        organisation.id,
        organisation.id,
        consultant_id=membership.user_id,
    )
    db.session.delete(membership)
    db.session.commit()
    return True


def findings_of(assessment: Assessment) -> dict[str, Finding]:
    return {finding.dimension_id: finding for finding in assessment.findings}


def save_findings(assessment: Assessment, texts: dict[str, str], user: User) -> None:
    """Store the consultant's findings (dimension id or OVERALL → text); empty text deletes."""
    valid = {OVERALL, *texts}
    existing = findings_of(assessment)
    for key, raw in texts.items():
        if key not in valid:
            continue
        text = raw.strip()
        if len(text) > MAX_FINDING_LENGTH:
            raise ValueError(key)
        finding = existing.get(key)
        if not text:
            if finding is not None:
                db.session.delete(finding)
            continue
        if finding is None:
            assessment.findings.append(Finding(dimension_id=key, text=text, author=user))
        elif finding.text != text:
            finding.text = text
            finding.author = user
    record(user, "write_findings", "assessment", assessment.id, assessment.organisation_id)
    db.session.commit()
