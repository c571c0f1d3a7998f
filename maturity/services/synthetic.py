"""Synthetic organisations and assessments for demonstrations and benchmarks.

Realistic mixes of industry, size and region; an applicability profile that fits
the industry (process or discrete manufacturing, build-to-print, trade, services);
answers correlated within an organisation (one latent maturity) and across
dimensions (dimension offsets around it), some "not applicable"; outcome figures
that improve with maturity, a quarter of them not given; and a share of
organisations with a second round a year later that shows plausible progress. Every assessment is scored by
the core and summarised by the same function as a real submission; rows are
written in bulk so that 100,000 organisations take well under two minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, text

from maturity.core import reference
from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.applicability import applicability, scored_answers
from maturity.core.comparison import compare
from maturity.core.disclosure import KEY_SPACE
from maturity.core.items import OUTCOME, PROFILE
from maturity.core.questionnaire import Questionnaire
from maturity.core.scoring import score
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    Centre,
    CentreRegistration,
    DimensionResult,
    ItemValue,
    Organisation,
    QuestionnaireVersion,
    ResultSummary,
)
from maturity.services import generation
from maturity.services.questionnaires import questionnaire_of
from maturity.services.summaries import summary_values

SECTION_MIX = {"C": 0.42, "F": 0.15, "I": 0.09, "L": 0.07, "E": 0.06, "G": 0.05, "M": 0.05, "H": 0.04,
               "A": 0.03, "O": 0.02, "R": 0.01, "K": 0.01}  # fmt: skip
PROVINCE_MIX = {"440000": 0.16, "320000": 0.14, "330000": 0.13, "370000": 0.09, "410000": 0.06,
                "510000": 0.06, "350000": 0.05, "420000": 0.05, "430000": 0.04, "340000": 0.04,
                "310000": 0.04, "110000": 0.04, "130000": 0.03, "500000": 0.03, "210000": 0.02,
                "610000": 0.02}  # fmt: skip
SECOND_ROUND_SHARE = 0.3
BATCH = 20_000

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


@dataclass
class SyntheticReport:
    organisations: int
    assessments: int
    answers: int
    seconds: float


def _normalised(weights: dict[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(weights)
    values = np.array([weights[k] for k in keys], dtype=float)
    return keys, values / values.sum()


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


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
        if parsed is not None:
            figures[item.id] = parsed
    return figures


def generate(
    organisations: int,
    seed: int,
    centre_name: str,
    version: QuestionnaireVersion,
    *,
    name_prefix: str = "合成企业",
    sections: dict[str, float] | None = None,
    provinces: dict[str, float] | None = None,
) -> SyntheticReport:
    """``organisations`` new organisations named ``name_prefix`` and a number, drawn
    from the national mix of industry sections and provinces unless ``sections`` or
    ``provinces`` give another (weights)."""
    started = datetime.now(UTC)
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
    divisions = {s: [d.code for d in reference.divisions(s)] for s in section_codes}
    cities = {p: [c.code for c in reference.cities(p)] for p in province_codes}

    n = organisations
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
    ).astype(int)
    na_allowed = np.array([q.allow_na for q in questions])
    not_applicable = (rng.random(size=(n, len(questions))) < 0.08) & na_allowed
    second = rng.random(size=n) < SECOND_ROUND_SHARE
    progress = rng.normal(0.45, 0.35, size=(n, len(questionnaire.dimensions)))
    improved = np.clip(
        np.rint(values + progress[:, question_dimension] + rng.normal(0, 0.4, size=values.shape)),
        0,
        5,
    ).astype(int)
    improved = np.maximum(improved, values - 1)
    now = datetime.now(UTC)
    first_dates = [now - timedelta(days=int(d)) for d in rng.integers(370, 730, size=n)]
    # Synthetic organisations get record keys from the seed too, so that a benchmark
    # on the same seed publishes the same figures (real ones draw a secret key).
    # (A generator of their own: the organisations themselves stay as they were.)
    record_keys = np.random.default_rng([seed, 1]).integers(0, KEY_SPACE, size=n, dtype=np.int64)

    org_id = _next_id(Organisation)
    assessment_id = _next_id(Assessment)
    organisation_rows: list[dict[str, Any]] = []
    registration_rows: list[dict[str, Any]] = []
    assessment_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    result_rows: list[dict[str, Any]] = []
    dimension_rows: list[dict[str, Any]] = []
    summary_rows: list[dict[str, Any]] = []
    totals = {"assessments": 0, "answers": 0}

    def flush() -> None:
        # Parents before children; lists are emptied to keep memory flat.
        for model, rows in (
            (Organisation, organisation_rows), (CentreRegistration, registration_rows),
            (Assessment, assessment_rows), (Answer, answer_rows), (ItemValue, item_rows),
            (AssessmentResult, result_rows),
            (DimensionResult, dimension_rows), (ResultSummary, summary_rows),
        ):  # fmt: skip
            _insert(model.__table__, rows)
        totals["assessments"] += len(assessment_rows)
        totals["answers"] += len(answer_rows)
        for rows in (organisation_rows, registration_rows, assessment_rows, answer_rows,
                     item_rows, result_rows, dimension_rows, summary_rows):  # fmt: skip
            rows.clear()

    for i in range(n):
        section = str(org_sections[i])
        division = str(rng.choice(divisions[section]))
        province = str(org_provinces[i])
        city = str(rng.choice(cities[province])) if cities[province] else None
        staff, income, holdings = (
            int(employees[i]),
            Decimal(str(revenue[i])),
            Decimal(str(assets[i])),
        )
        size = reference.classify_size(division, employees=staff, revenue=income, assets=holdings)
        organisation_rows.append({
            "id": org_id, "name": f"{name_prefix} {org_id:06d}", "credit_code": None,
            "industry_section": section, "industry_division": division,
            "employees": staff, "revenue": income,
            "total_assets": holdings, "size_class": size.value,
            "province_code": province, "city_code": city,
            "created_at": first_dates[i], "updated_at": first_dates[i],
            "record_key": int(record_keys[i]),
        })  # fmt: skip
        registration_rows.append(
            {
                "centre_id": centre.id,
                "organisation_id": org_id,
                "registered_at": first_dates[i],
                "accepted_at": first_dates[i],
            }
        )
        rounds = [values[i]] + ([improved[i]] if second[i] else [])
        profile = draw_profile(rng, questionnaire, section)
        previous_answers: dict[str, AnswerValue] | None = None
        previous_figures: dict[str, Decimal] = {}
        for round_number, round_values in enumerate(rounds, start=1):
            submitted = first_dates[i] + timedelta(
                days=365 * (round_number - 1) + int(rng.integers(0, 20))
            )
            marked = applicability(questionnaire, profile).not_applicable
            answers: dict[str, AnswerValue] = {
                q.id: (NOT_APPLICABLE if not_applicable[i, j] else int(round_values[j]))
                for j, q in enumerate(questions)
                if q.id not in marked
            }
            scored = scored_answers(questionnaire, answers, profile)
            figures = draw_outcomes(
                rng, questionnaire, float(latent[i]) + 0.45 * (round_number - 1)
            )
            scores = score(questionnaire, scored)
            comparison = (
                compare(
                    questionnaire,
                    previous_answers,
                    questionnaire,
                    scored,
                    previous_figures,
                    figures,
                )
                if previous_answers
                else None
            )
            assessment_rows.append({
                "id": assessment_id, "organisation_id": org_id, "questionnaire_version_id": version.id,
                "questionnaire_hash": version.content_hash, "round": round_number, "status": "submitted",
                "created_at": submitted - timedelta(days=3), "updated_at": submitted, "submitted_at": submitted,
            })  # fmt: skip
            for question_id, value in answers.items():
                answer_rows.append({
                    "assessment_id": assessment_id, "question_id": question_id,
                    **Answer.columns_for(value), "revision": 1, "answered_at": submitted,
                })  # fmt: skip
            stored = {
                **{item.id: PROFILE.encode(item, profile[item.id]) for item in questionnaire.profile},
                **{i.id: OUTCOME.encode(i, figures[i.id]) for i in questionnaire.outcomes if i.id in figures},
            }  # fmt: skip
            item_rows.extend(
                {"assessment_id": assessment_id, "item_id": item_id, "value": value,
                 "updated_at": submitted}
                for item_id, value in stored.items()
            )  # fmt: skip
            result_rows.append({
                "assessment_id": assessment_id, "scoring_version": scores.scoring_version,
                "overall_index": scores.overall_index, "overall_level": scores.overall_level,
                "computed_at": submitted,
            })  # fmt: skip
            for dimension_id, result in scores.dimensions.items():
                dimension_rows.append({
                    "assessment_id": assessment_id, "dimension_id": dimension_id,
                    "assessed": result.assessed, "score": result.score, "level": result.level,
                })  # fmt: skip
            summary_rows.append({
                "assessment_id": assessment_id, "organisation_id": org_id,
                "questionnaire_version_id": version.id, "round": round_number,
                "is_latest": round_number == len(rounds), "submitted_at": submitted,
                "industry_section": section, "size_class": size.value,
                "province_code": province, "city_code": city, "record_key": int(record_keys[i]),
                **summary_values(questionnaire, scores, scored, comparison, figures),
            })  # fmt: skip
            previous_answers, previous_figures = scored, figures
            assessment_id += 1
        org_id += 1
        if len(organisation_rows) >= 5_000:
            flush()
    generation.bump()
    flush()
    if db.engine.dialect.name == "postgresql":
        for table in (
            "organisation",
            "assessment",
            "answer",
            "item_value",
            "dimension_result",
            "centre_registration",
        ):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
    db.session.commit()
    # Fresh planner statistics after a bulk load: without them PostgreSQL plans for
    # a hundred rows where there are a hundred thousand.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    seconds = (datetime.now(UTC) - started).total_seconds()
    return SyntheticReport(n, totals["assessments"], totals["answers"], seconds)
