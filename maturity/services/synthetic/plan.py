"""What is drawn for synthetic organisations: the national mixes, and everything
that can be drawn for all of them at once (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import select

from maturity.core import reference
from maturity.core.items import OUTCOME
from maturity.core.questionnaire import Questionnaire
from maturity.extensions import db
from maturity.models import Assessment, Centre, Organisation, QuestionnaireVersion
from maturity.services import bulk
from maturity.services.questionnaires import questionnaire_of

SECTION_MIX = {"C": 0.42, "F": 0.15, "I": 0.09, "L": 0.07, "E": 0.06, "G": 0.05, "M": 0.05, "H": 0.04,
               "A": 0.03, "O": 0.02, "R": 0.01, "K": 0.01}  # fmt: skip
PROVINCE_MIX = {"440000": 0.16, "320000": 0.14, "330000": 0.13, "370000": 0.09, "410000": 0.06,
                "510000": 0.06, "350000": 0.05, "420000": 0.05, "430000": 0.04, "340000": 0.04,
                "310000": 0.04, "110000": 0.04, "130000": 0.03, "500000": 0.03, "210000": 0.02,
                "610000": 0.02}  # fmt: skip
SECOND_ROUND_SHARE = 0.3
# Organisations written together (and, on PostgreSQL, by one process); the data
# depend on it, so it stays the same.
CHUNK = 5_000

# Applicability profiles by kind of industry section: manufacturing and utilities,
# construction, trade, and services. Options a questionnaire lacks are ignored.
MAKERS = {"A", "B", "C", "D"}
PROFILE_MIX: dict[str, dict[str, dict[str, float]]] = {
    "makers": {
        "designs_products": {"own_design": 0.6, "build_to_print": 0.35, "no_products": 0.05},
        "production": {"discrete": 0.62, "process": 0.33, "outsourced": 0.05},
        "after_sales": {"connected_products": 0.3, "unconnected_products": 0.5, "no_after_sales": 0.2},
    },
    "F": {
        "designs_products": {"own_design": 0.5, "no_products": 0.5},
        "production": {"outsourced": 0.6, "no_physical_products": 0.4},
        "after_sales": {"unconnected_products": 0.7, "no_after_sales": 0.3},
    },
    "G": {
        "designs_products": {"own_design": 0.1, "no_products": 0.9},
        "production": {"outsourced": 0.85, "no_physical_products": 0.15},
        "after_sales": {"unconnected_products": 0.4, "no_after_sales": 0.6},
    },
    "services": {
        "designs_products": {"own_design": 0.35, "no_products": 0.65},
        "production": {"no_physical_products": 0.9, "outsourced": 0.1},
        "after_sales": {"connected_products": 0.15, "unconnected_products": 0.15, "no_after_sales": 0.7},
    },
}  # fmt: skip
# Outcome figures: (value at latent maturity 0, change per level of maturity, noise).
OUTCOME_MODEL = {
    "first_pass_yield": (86.0, 2.6, 3.0), "revenue_per_employee": (45.0, 9.0, 18.0),
    "cost_per_100_revenue": (97.0, -1.6, 4.0), "energy_per_100_revenue": (3.6, -0.35, 0.9),
    "development_lead_time": (230.0, -24.0, 45.0), "on_time_delivery": (78.0, 3.5, 5.0),
    "inventory_days": (85.0, -7.0, 18.0),
}  # fmt: skip
OUTCOME_GIVEN_SHARE = 0.75


def _normalised(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(weights)
    values = np.array([weights[k] for k in keys], dtype=float)
    return keys, values / values.sum()


def _profile_mix(section: str) -> dict[str, dict[str, float]]:
    if section in MAKERS:
        return PROFILE_MIX["makers"]
    return PROFILE_MIX.get(section, PROFILE_MIX["services"])


def draw_profile(
    rng: np.random.Generator, questionnaire: Questionnaire, section: str
) -> dict[str, str]:
    """A plausible profile for a firm of this industry section."""
    mix = _profile_mix(section)
    profile = {}
    for item in questionnaire.profile:
        options = [option.id for option in item.options]
        weights = np.array([mix.get(item.id, {}).get(o, 0.0) for o in options])
        if not weights.sum():
            weights = np.ones(len(options))
        profile[item.id] = str(rng.choice(options, p=weights / weights.sum()))
    return profile


def draw_outcomes(
    rng: np.random.Generator, questionnaire: Questionnaire, maturity: float
) -> dict[str, Decimal]:
    """Outcome figures that improve with maturity; about a quarter left out."""
    figures = {}
    for item in questionnaire.outcomes:
        if rng.random() > OUTCOME_GIVEN_SHARE:
            continue
        base, slope, spread = OUTCOME_MODEL.get(
            item.id, (float(item.minimum + item.maximum) / 2, 0.0, item.span / 6)
        )
        value = base + slope * maturity + rng.normal(0.0, spread)
        clipped = min(max(value, float(item.minimum)), float(item.maximum))
        parsed = OUTCOME.parse(item, round(clipped, item.decimals))
        if isinstance(parsed, Decimal):  # a number in range is never "not applicable"
            figures[item.id] = parsed
    return figures


@dataclass
class Plan:
    """What is drawn for every organisation at once (vectorised), read by whoever
    writes a chunk: this process, or processes forked from it (which inherit it)."""

    seed: int
    questionnaire: Questionnaire
    version_id: int
    version_hash: str
    centre_id: int
    name_prefix: str
    chunk: int
    sections: np.ndarray
    provinces: np.ndarray
    divisions: dict[str, list[str]]
    cities: dict[str, list[str]]
    employees: np.ndarray
    revenue: np.ndarray
    assets: np.ndarray
    latent: np.ndarray
    values: np.ndarray
    improved: np.ndarray
    not_applicable: np.ndarray
    second: np.ndarray
    first_dates: list[datetime]
    first_org_id: int
    first_assessment_ids: np.ndarray

    @property
    def chunks(self) -> int:
        return -(-len(self.sections) // self.chunk)


def make_plan(
    n: int,
    seed: int,
    centre_name: str,
    version: QuestionnaireVersion,
    name_prefix: str,
    sections: dict[str, float] | None,
    provinces: dict[str, float] | None,
    chunk: int,
) -> Plan:
    rng = np.random.default_rng(seed)
    questionnaire: Questionnaire = questionnaire_of(version)
    questions = questionnaire.questions
    dimension_index = {d.id: i for i, d in enumerate(questionnaire.dimensions)}

    centre = db.session.scalar(select(Centre).where(Centre.name == centre_name))
    if centre is None:
        centre = Centre(name=centre_name)
        db.session.add(centre)
        db.session.flush()

    section_codes, section_p = _normalised(sections or SECTION_MIX)
    province_codes, province_p = _normalised(provinces or PROVINCE_MIX)
    org_sections = rng.choice(section_codes, size=n, p=section_p)
    org_provinces = rng.choice(province_codes, size=n, p=province_p)
    employees = np.clip(np.rint(rng.lognormal(3.4, 1.1, size=n)), 1, 5000).astype(int)
    revenue = np.round(employees * rng.lognormal(3.6, 0.6, size=n), 2)
    assets = np.round(revenue * rng.lognormal(0.0, 0.5, size=n), 2)
    # One latent maturity per organisation, higher for larger ones; dimensions vary around it.
    latent = rng.normal(1.4, 0.8, size=n) + 0.35 * np.log10(employees)
    dimension_offsets = rng.normal(0.0, 0.45, size=(n, len(questionnaire.dimensions)))
    question_dimension = np.array([dimension_index[q.dimension_id] for q in questions])
    noise = rng.normal(0.0, 0.6, size=(n, len(questions)))
    values = np.clip(
        np.rint(latent[:, None] + dimension_offsets[:, question_dimension] + noise), 0, 5
    ).astype(np.int8)
    del noise
    na_allowed = np.array([q.allow_na for q in questions])
    not_applicable = (rng.random(size=(n, len(questions))) < 0.08) & na_allowed
    second = rng.random(size=n) < SECOND_ROUND_SHARE
    progress = rng.normal(0.45, 0.35, size=(n, len(questionnaire.dimensions)))
    improved = np.clip(
        np.rint(values + progress[:, question_dimension] + rng.normal(0, 0.4, size=values.shape)),
        0,
        5,
    ).astype(np.int8)
    improved = np.maximum(improved, values - 1)
    now = datetime.now(UTC)
    first_dates = [now - timedelta(days=int(d)) for d in rng.integers(370, 730, size=n)]
    rounds = 1 + second.astype(np.int64)
    first_assessment_ids = bulk.next_id(Assessment) + np.cumsum(rounds) - rounds
    return Plan(
        seed=seed, questionnaire=questionnaire, version_id=version.id,
        version_hash=version.content_hash, centre_id=centre.id, name_prefix=name_prefix,
        chunk=chunk, sections=org_sections, provinces=org_provinces,
        divisions={s: [d.code for d in reference.divisions(s)] for s in section_codes},
        cities={p: [c.code for c in reference.cities(p)] for p in province_codes},
        employees=employees, revenue=revenue, assets=assets, latent=latent, values=values,
        improved=improved, not_applicable=not_applicable, second=second,
        first_dates=first_dates,
        first_org_id=bulk.next_id(Organisation), first_assessment_ids=first_assessment_ids,
    )  # fmt: skip
