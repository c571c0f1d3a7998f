"""An organisation's profile as entered (form, import file, seed data): plain values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class OrganisationProfile:
    name: str
    credit_code: str | None
    industry_division: str
    employees: int | None
    revenue: Decimal | None
    total_assets: Decimal | None
    province_code: str
    city_code: str | None
