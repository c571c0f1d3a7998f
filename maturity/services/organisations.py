from __future__ import annotations

from typing import Any

from sqlalchemy import select

from maturity.core import reference
from maturity.core.profile import OrganisationProfile
from maturity.extensions import db
from maturity.models import Membership, MembershipRole, Organisation, User


def profile_columns(profile: OrganisationProfile) -> dict[str, Any]:
    """An organisation's columns from a validated profile, its size class derived."""
    industry = reference.division(profile.industry_division)
    if industry is None:
        raise ValueError(f"unknown industry division {profile.industry_division!r}")
    return {
        "name": profile.name.strip(),
        "credit_code": profile.credit_code or None,
        "industry_section": industry.section,
        "industry_division": industry.code,
        "employees": profile.employees,
        "revenue": profile.revenue,
        "total_assets": profile.total_assets,
        "province_code": profile.province_code,
        "city_code": profile.city_code or None,
        "size_class": reference.classify_size(
            industry.code,
            employees=profile.employees,
            revenue=profile.revenue,
            assets=profile.total_assets,
        ),
    }


def apply_profile(organisation: Organisation, profile: OrganisationProfile) -> None:
    """Copy a validated profile onto the organisation and derive its size class."""
    for column, value in profile_columns(profile).items():
        setattr(organisation, column, value)


def create_organisation(profile: OrganisationProfile, owner: User) -> Organisation:
    organisation = Organisation()
    apply_profile(organisation, profile)
    db.session.add(organisation)
    db.session.add(Membership(user=owner, organisation=organisation, role=MembershipRole.OWNER))
    return organisation


def owners_of(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == MembershipRole.OWNER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
