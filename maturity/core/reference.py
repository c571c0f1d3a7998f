"""Reference data and rules: GB/T 4754-2017 industries, SME size classes,
administrative regions, and the unified social credit code (GB 32100-2015).
"""

from __future__ import annotations

import csv
import enum
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Industry:
    """A section (letter) or a division (two digits; three for real-estate groups)."""

    code: str
    section: str
    name_zh: str
    name_en: str

    @property
    def is_section(self) -> bool:
        return self.code.isalpha()

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


@cache
def industries() -> dict[str, Industry]:
    with (DATA_DIR / "gbt4754_2017.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: Industry(
            code=row["code"],
            section=row["section"] or row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
        )
        for row in rows
    }


def sections() -> list[Industry]:
    return [industry for industry in industries().values() if industry.is_section]


def divisions(section: str | None = None) -> list[Industry]:
    return [
        industry
        for industry in industries().values()
        if not industry.is_section and (section is None or industry.section == section)
    ]


def division(code: str) -> Industry | None:
    industry = industries().get(code)
    if industry is None or industry.is_section:
        return None
    return industry


# --- SME size classes (工信部联企业〔2011〕300号) --------------------------------


class SizeClass(enum.StrEnum):
    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"


SIZE_CLASS_LABELS = {
    SizeClass.LARGE: ("大型", "Large"),
    SizeClass.MEDIUM: ("中型", "Medium"),
    SizeClass.SMALL: ("小型", "Small"),
    SizeClass.MICRO: ("微型", "Micro"),
}


def size_class_label(size: SizeClass | str, locale: str) -> str:
    zh, en = SIZE_CLASS_LABELS[SizeClass(size)]
    return en if locale == "en" else zh


@dataclass(frozen=True)
class SizeRule:
    """Thresholds of one industry group. Each threshold pair is (first, second)
    measure; a measure is ``employees``, ``revenue`` or ``assets`` (10k CNY).

    An enterprise is large unless ``first < sme[0] or second < sme[1]``; otherwise
    medium when both measures reach ``medium``, small when both reach ``small``,
    else micro.  A ``None`` second measure means the rule uses one measure only.
    """

    name_zh: str
    name_en: str
    first: str
    second: str | None
    sme: tuple[Decimal, Decimal | None]
    medium: tuple[Decimal, Decimal | None]
    small: tuple[Decimal, Decimal | None]


@cache
def _size_rules() -> dict[str, SizeRule]:
    def pair(row: dict[str, str], prefix: str) -> tuple[Decimal, Decimal | None]:
        second = row[f"{prefix}_second"]
        return Decimal(row[f"{prefix}_first"]), Decimal(second) if second else None

    with (DATA_DIR / "sme_size_rules_2011.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["key"]: SizeRule(
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                first=row["first"],
                second=row["second"] or None,
                sme=pair(row, "sme"),
                medium=pair(row, "medium"),
                small=pair(row, "small"),
            )
            for row in csv.DictReader(handle)
        }


E, R, A = "employees", "revenue", "assets"
_RULE_BY_DIVISION: dict[str, str] = {
    "51": "wholesale", "52": "retail",
    "53": "transport", "54": "transport", "55": "transport", "56": "transport",
    "57": "transport", "58": "transport", "59": "warehousing", "60": "postal",
    "61": "accommodation", "62": "catering",
    "63": "telecom", "64": "telecom", "65": "software",
    "701": "real_estate_development", "702": "property_management",
}  # fmt: skip
_RULE_BY_SECTION = {
    "A": "agriculture", "B": "industry", "C": "industry", "D": "industry",
    "E": "construction", "L": "leasing_business",
}  # fmt: skip


def size_rule(division_code: str) -> SizeRule:
    industry = division(division_code)
    if industry is None:
        raise ValueError(f"unknown industry division {division_code!r}")
    key = _RULE_BY_DIVISION.get(division_code) or _RULE_BY_SECTION.get(industry.section, "other")
    return _size_rules()[key]


def measures_needed(division_code: str) -> tuple[str, ...]:
    rule = size_rule(division_code)
    return (rule.first,) if rule.second is None else (rule.first, rule.second)


class MissingMeasure(ValueError):
    def __init__(self, measure: str) -> None:
        super().__init__(measure)
        self.measure = measure


def classify_size(
    division_code: str,
    *,
    employees: int | None,
    revenue: Decimal | None,
    assets: Decimal | None = None,
) -> SizeClass:
    """The size class of an enterprise (revenue and assets in 10,000 CNY)."""
    rule = size_rule(division_code)
    values: dict[str, Decimal | None] = {
        E: None if employees is None else Decimal(employees),
        R: revenue,
        A: assets,
    }
    first = values[rule.first]
    if first is None:
        raise MissingMeasure(rule.first)
    second: Decimal | None = None
    if rule.second is not None:
        second = values[rule.second]
        if second is None:
            raise MissingMeasure(rule.second)

    def reaches(thresholds: tuple[Decimal, Decimal | None]) -> bool:
        if first < thresholds[0]:
            return False
        return second is None or thresholds[1] is None or second >= thresholds[1]

    is_sme = first < rule.sme[0] or (
        second is not None and rule.sme[1] is not None and second < rule.sme[1]
    )
    if not is_sme:
        return SizeClass.LARGE
    if reaches(rule.medium):
        return SizeClass.MEDIUM
    if reaches(rule.small):
        return SizeClass.SMALL
    return SizeClass.MICRO


# --- Regions (administrative division codes) --------------------------------


@dataclass(frozen=True)
class Region:
    code: str
    parent: str | None
    name_zh: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


@cache
def regions() -> dict[str, Region]:
    with (DATA_DIR / "regions.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Region(row["code"], row["parent"] or None, row["name_zh"], row["name_en"])
            for row in csv.DictReader(handle)
        }


def provinces() -> list[Region]:
    return [region for region in regions().values() if region.parent is None]


def is_province(code: str | None) -> bool:
    region = regions().get(code or "")
    return region is not None and region.parent is None


def is_city(code: str | None) -> bool:
    region = regions().get(code or "")
    return region is not None and region.parent is not None


def is_city_of(code: str | None, province_code: str | None) -> bool:
    region = regions().get(code or "")
    return region is not None and region.parent == province_code


def cities(province_code: str) -> list[Region]:
    return [region for region in regions().values() if region.parent == province_code]


# --- Unified social credit code (统一社会信用代码, GB 32100-2015) -------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(enum.Enum):
    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    CHECK_DIGIT = "check_digit"


def credit_code_check_character(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def credit_code_problem(code: str) -> CreditCodeError | None:
    """Why ``code`` (already normalised) is not a valid credit code, or None."""
    if len(code) != 18:
        return CreditCodeError.LENGTH
    if any(char not in CREDIT_CODE_ALPHABET for char in code):
        return CreditCodeError.CHARACTERS
    if not code[2:8].isdecimal():
        return CreditCodeError.REGION
    if credit_code_check_character(code[:17]) != code[17]:
        return CreditCodeError.CHECK_DIGIT
    return None
