"""Idempotent loading of demo data from ``seeds/demo.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreMembership,
    CentreRegistration,
    Membership,
    MembershipRole,
    Organisation,
    User,
)
from maturity.services.organisations import OrganisationProfile, apply_profile


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def seed_demo(path: Path) -> SeedReport:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = SeedReport()

    users: dict[str, User] = {}
    for entry in data.get("users", []):
        email = entry["email"].lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=entry["name"],
                locale=entry.get("locale", "zh"),
                is_admin=bool(entry.get("is_admin", False)),
            )
            user.set_password(entry["password"])
            db.session.add(user)
            report.created.append(f"user {email}")
        users[email] = user
        report.logins.append((email, entry["password"], entry["name"]))

    centres: dict[str, Centre] = {}
    for entry in data.get("centres", []):
        centre = db.session.scalar(select(Centre).where(Centre.name == entry["name"]))
        if centre is None:
            centre = Centre(name=entry["name"], province_code=entry.get("province_code"))
            db.session.add(centre)
            report.created.append(f"centre {entry['name']}")
        centres[entry["name"]] = centre
        for email in entry.get("reviewers", []):
            user = users[email.lower()]
            if not any(m.centre is centre for m in user.centre_memberships):
                db.session.add(CentreMembership(user=user, centre=centre))

    for entry in data.get("organisations", []):
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.credit_code == entry["credit_code"])
        )
        if organisation is None:
            organisation = Organisation()
            apply_profile(
                organisation,
                OrganisationProfile(
                    name=entry["name"],
                    credit_code=entry["credit_code"],
                    industry_division=str(entry["industry_division"]),
                    employees=entry.get("employees"),
                    revenue=_decimal(entry.get("revenue")),
                    total_assets=_decimal(entry.get("total_assets")),
                    province_code=str(entry["province_code"]),
                    city_code=entry.get("city_code"),
                ),
            )
            db.session.add(organisation)
            report.created.append(f"organisation {entry['name']}")
        for member in entry.get("members", []):
            user = users[member["email"].lower()]
            if not any(m.organisation is organisation for m in user.memberships):
                db.session.add(
                    Membership(
                        user=user, organisation=organisation, role=MembershipRole(member["role"])
                    )
                )
        for registration in entry.get("centres", []):
            centre = centres[registration["name"]]
            if not any(r.centre is centre for r in organisation.centre_registrations):
                db.session.add(
                    CentreRegistration(
                        centre=centre,
                        organisation=organisation,
                        consent_granted_at=datetime.now(UTC)
                        if registration.get("consent")
                        else None,
                    )
                )
    db.session.commit()
    return report
