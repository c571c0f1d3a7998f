"""Consultants: their client list, findings for the report, assignment and removal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from maturity.core.report import OVERALL
from maturity.extensions import db
from maturity.models import (
    Assessment,
    AssessmentStatus,
    Finding,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services.audit import record

MAX_FINDING_LENGTH = 5000


@dataclass(frozen=True)
class Client:
    organisation: Organisation
    latest: Assessment | None
    latest_submitted: Assessment | None


def clients_of(user: User) -> list[Client]:
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id, Membership.role == MembershipRole.CONSULTANT)
            .order_by(Organisation.name)
        )
    )
    latest: dict[int, Assessment] = {}
    latest_submitted: dict[int, Assessment] = {}
    if organisations:
        for assessment in db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id.in_([o.id for o in organisations]))
            .order_by(Assessment.round)
        ):
            latest[assessment.organisation_id] = assessment
            if assessment.status == AssessmentStatus.SUBMITTED:
                latest_submitted[assessment.organisation_id] = assessment
    return [Client(o, latest.get(o.id), latest_submitted.get(o.id)) for o in organisations]


def consultants_of(organisation: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership).where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.CONSULTANT,
            )
        )
    )


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
        consultant=membership.user.email,
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
