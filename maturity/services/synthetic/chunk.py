"""One chunk of synthetic organisations: their rounds answered, scored by the
core, summarised as a real submission is, and written in bulk."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from maturity.core import reference
from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.applicability import applicability, scored_answers
from maturity.core.comparison import compare
from maturity.core.items import OUTCOME, PROFILE
from maturity.core.scoring import score
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    CentreRegistration,
    DimensionResult,
    ItemValue,
    Organisation,
    ResultSummary,
)
from maturity.services import bulk
from maturity.services.summaries import summary_values
from maturity.services.synthetic.plan import Plan, draw_outcomes, draw_profile

CHUNK_TABLES = (Organisation, CentreRegistration, Assessment, Answer, ItemValue,
                AssessmentResult, DimensionResult, ResultSummary)  # fmt: skip


def write_chunk(plan: Plan, k: int) -> tuple[int, int]:
    """Write organisations k·chunk … (k+1)·chunk − 1 with their rounds; returns the
    numbers of assessments and answers written."""
    rng = np.random.default_rng([plan.seed, 2, k])
    questionnaire = plan.questionnaire
    questions = questionnaire.questions
    rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in CHUNK_TABLES}
    for i in range(k * plan.chunk, min(len(plan.sections), (k + 1) * plan.chunk)):
        org_id = plan.first_org_id + i
        assessment_id = int(plan.first_assessment_ids[i])
        section, province = str(plan.sections[i]), str(plan.provinces[i])
        division = str(rng.choice(plan.divisions[section]))
        city = str(rng.choice(plan.cities[province])) if plan.cities[province] else None
        staff, income, holdings = (
            int(plan.employees[i]),
            Decimal(str(plan.revenue[i])),
            Decimal(str(plan.assets[i])),
        )
        size = reference.classify_size(division, employees=staff, revenue=income, assets=holdings)
        first_date = plan.first_dates[i]
        rows[Organisation].append({
            "id": org_id, "name": f"{plan.name_prefix} {org_id:06d}", "credit_code": None,
            "industry_section": section, "industry_division": division,
            "employees": staff, "revenue": income,
            "total_assets": holdings, "size_class": size.value,
            "province_code": province, "city_code": city,
            "created_at": first_date, "updated_at": first_date,
        })  # fmt: skip
        rows[CentreRegistration].append({
            "centre_id": plan.centre_id, "organisation_id": org_id,
            "registered_at": first_date, "accepted_at": first_date,
        })  # fmt: skip
        rounds = [plan.values[i]] + ([plan.improved[i]] if plan.second[i] else [])
        profile = draw_profile(rng, questionnaire, section)
        marked = applicability(questionnaire, profile).not_applicable
        previous_answers: dict[str, AnswerValue] | None = None
        previous_figures: dict[str, Decimal] = {}
        for round_number, round_values in enumerate(rounds, start=1):
            submitted = first_date + timedelta(
                days=365 * (round_number - 1) + int(rng.integers(0, 20))
            )
            answers: dict[str, AnswerValue] = {
                q.id: (NOT_APPLICABLE if plan.not_applicable[i, j] else int(round_values[j]))
                for j, q in enumerate(questions)
                if q.id not in marked
            }
            scored = scored_answers(questionnaire, answers, profile)
            figures = draw_outcomes(
                rng, questionnaire, float(plan.latent[i]) + 0.45 * (round_number - 1)
            )
            scores = score(questionnaire, scored)
            comparison = (
                compare(questionnaire, previous_answers, questionnaire, scored,
                        previous_figures, figures)
                if previous_answers
                else None
            )  # fmt: skip
            rows[Assessment].append({
                "id": assessment_id, "organisation_id": org_id,
                "questionnaire_version_id": plan.version_id,
                "questionnaire_hash": plan.version_hash, "round": round_number,
                "status": "submitted", "created_at": submitted - timedelta(days=3),
                "updated_at": submitted, "submitted_at": submitted,
            })  # fmt: skip
            rows[Answer].extend(
                {"assessment_id": assessment_id, "question_id": question_id,
                 **Answer.columns_for(value), "revision": 1, "answered_at": submitted}
                for question_id, value in answers.items()
            )  # fmt: skip
            stored = {
                **{item.id: PROFILE.encode(item, profile[item.id]) for item in questionnaire.profile},
                **{i.id: OUTCOME.encode(i, figures[i.id]) for i in questionnaire.outcomes if i.id in figures},
            }  # fmt: skip
            rows[ItemValue].extend(
                {"assessment_id": assessment_id, "item_id": item_id, "value": value,
                 "updated_at": submitted}
                for item_id, value in stored.items()
            )  # fmt: skip
            rows[AssessmentResult].append({
                "assessment_id": assessment_id, "scoring_version": scores.scoring_version,
                "overall_index": scores.overall_index, "overall_level": scores.overall_level,
                "computed_at": submitted,
            })  # fmt: skip
            rows[DimensionResult].extend(
                {"assessment_id": assessment_id, "dimension_id": dimension_id,
                 "assessed": result.assessed, "score": result.score, "level": result.level}
                for dimension_id, result in scores.dimensions.items()
            )  # fmt: skip
            rows[ResultSummary].append({
                "assessment_id": assessment_id, "organisation_id": org_id,
                "questionnaire_version_id": plan.version_id, "round": round_number,
                "is_latest": round_number == len(rounds), "submitted_at": submitted,
                "industry_section": section, "size_class": size.value,
                "province_code": province, "city_code": city,
                **summary_values(questionnaire, scores, scored, comparison, figures),
            })  # fmt: skip
            previous_answers, previous_figures = scored, figures
            assessment_id += 1
    for model in CHUNK_TABLES:  # parents before children
        bulk.insert_rows(model.__table__, rows[model])
    return len(rows[Assessment]), len(rows[Answer])
