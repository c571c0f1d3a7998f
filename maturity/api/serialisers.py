"""The JSON shapes of the API's objects (described in ``openapi``)."""

from __future__ import annotations

from typing import Any

from maturity.core.applicability import applicability
from maturity.core.benchmark import Benchmark, Standing
from maturity.core.evaluation import evaluation_json
from maturity.core.items import OUTCOME
from maturity.models import Answer, Assessment, Organisation
from maturity.services import results


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "industry_section": organisation.industry_section,
        "industry_division": organisation.industry_division,
        "size_class": str(organisation.size_class),
        "province_code": organisation.province_code,
        "city_code": organisation.city_code,
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "value": answer.answer_value,
        "note": answer.note,
        "revision": answer.revision,
        "carried_over": answer.carried_over,
    }


def assessment_json(assessment: Assessment, with_answers: bool = False) -> dict[str, Any]:
    version = assessment.questionnaire_version
    data: dict[str, Any] = {
        "id": assessment.id,
        "organisation_id": assessment.organisation_id,
        "round": assessment.round,
        "status": str(assessment.status),
        "questionnaire": {
            "key": version.key,
            "version": version.version,
            "hash": assessment.questionnaire_hash,
        },
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
    }
    if with_answers:
        data["answers"] = {
            question_id: answer_json(answer)
            for question_id, answer in results.answers_of(assessment).items()
        }
        data.update(items_json(assessment))
    return data


def items_json(assessment: Assessment) -> dict[str, Any]:
    """The profile answers, the questions they mark not applicable (with the reason)
    and the outcome figures of a round."""
    questionnaire = results.questionnaire_for(assessment)
    profile, outcomes = results.profile_and_outcomes(assessment, questionnaire)
    return {
        "profile": profile,
        "not_applicable": {
            question_id: reason.as_dict()
            for question_id, reason in applicability(questionnaire, profile).not_applicable.items()
        },
        "outcomes": {
            item.id: OUTCOME.to_json(item, outcomes[item.id])
            for item in questionnaire.outcomes
            if item.id in outcomes
        },
    }


def standing_json(standing: Standing | None) -> dict[str, Any] | None:
    return (
        None if standing is None else {"percentile": standing.percentile, "peers": standing.peers}
    )


def benchmark_json(benchmark: Benchmark) -> dict[str, Any]:
    return {
        "cohort": None if benchmark.scope is None else str(benchmark.scope),
        "cohort_size": None if benchmark.cohort is None else benchmark.cohort.label,
        "min_cohort": benchmark.min_cohort,
        "dimensions": {d: standing_json(s) for d, s in benchmark.dimensions.items()},
        "overall": standing_json(benchmark.overall),
    }


def results_json(assessment: Assessment) -> dict[str, Any]:
    data = evaluation_json(results.evaluation_of(assessment))
    data["benchmark"] = benchmark_json(results.benchmark_of(assessment))
    return data
