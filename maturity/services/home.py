"""What the home page shows a logged-in user: the organisations they work in with
where each stands, and what their other roles give them (clients, centres)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Centre,
    CentreMembership,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services.consultants import Client, clients_of


@dataclass(frozen=True)
class OrganisationStatus:
    organisation: Organisation
    role: MembershipRole
    latest_submitted: Assessment | None  # with its stored result
    draft: Assessment | None
    draft_answers: int

    @property
    def next_action(self) -> str:
        """continue | results | start"""
        if self.draft is not None:
            return "continue"
        if self.latest_submitted is not None:
            return "results"
        return "start"


@dataclass(frozen=True)
class Home:
    organisations: list[OrganisationStatus]
    clients: list[Client]
    centres: list[Centre]
    is_admin: bool

    @property
    def has_any_role(self) -> bool:
        return bool(self.organisations or self.clients or self.centres or self.is_admin)


def home_of(user: User) -> Home:
    staff = db.session.execute(
        select(Organisation, Membership.role)
        .join(Membership)
        .where(
            Membership.user_id == user.id,
            Membership.role.in_((MembershipRole.OWNER, MembershipRole.MEMBER)),
        )
        .order_by(Organisation.name)
    ).all()
    ids = [organisation.id for organisation, _role in staff]
    latest: dict[int, Assessment] = {}
    drafts: dict[int, Assessment] = {}
    if ids:
        for assessment in db.session.scalars(
            select(Assessment)
            .options(selectinload(Assessment.result))
            .where(Assessment.organisation_id.in_(ids))
            .order_by(Assessment.round)
        ):
            if assessment.status == AssessmentStatus.SUBMITTED:
                latest[assessment.organisation_id] = assessment
            else:
                drafts[assessment.organisation_id] = assessment
    answers: dict[int, int] = {}
    if drafts:
        rows = db.session.execute(
            select(Answer.assessment_id, func.count())
            .where(Answer.assessment_id.in_([draft.id for draft in drafts.values()]))
            .group_by(Answer.assessment_id)
        ).all()
        answers = {assessment_id: count for assessment_id, count in rows}
    centres = list(
        db.session.scalars(
            select(Centre)
            .join(CentreMembership)
            .where(CentreMembership.user_id == user.id)
            .order_by(Centre.name)
        )
    )
    return Home(
        organisations=[
            OrganisationStatus(
                organisation,
                role,
                latest.get(organisation.id),
                drafts.get(organisation.id),
                answers.get(drafts[organisation.id].id, 0) if organisation.id in drafts else 0,
            )
            for organisation, role in staff
        ],
        clients=clients_of(user),
        centres=centres,
        is_admin=user.is_admin,
    )
