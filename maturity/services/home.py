"""What the home page shows a logged-in user: the organisations they work in with
where each stands, and what their other roles give them (clients, centres)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    Assessment,
    Centre,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services.centres import centres_of_reviewer
from maturity.services.consultants import Client, clients_of
from maturity.services.rounds import RoundState, round_states


@dataclass(frozen=True)
class OrganisationStatus:
    organisation: Organisation
    role: MembershipRole
    rounds: RoundState

    @property
    def latest_submitted(self) -> Assessment | None:
        return self.rounds.latest_submitted

    @property
    def draft(self) -> Assessment | None:
        return self.rounds.draft

    @property
    def draft_answers(self) -> int:
        return self.rounds.draft_answers


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
    states = round_states([organisation.id for organisation, _role in staff])
    centres = centres_of_reviewer(user)
    return Home(
        organisations=[
            OrganisationStatus(organisation, role, states[organisation.id])
            for organisation, role in staff
        ],
        clients=clients_of(user),
        centres=centres,
        is_admin=user.is_admin,
    )
