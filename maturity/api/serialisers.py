"""The JSON shapes of the API's objects (described in ``openapi``)."""

from __future__ import annotations

from typing import Any

from maturity.core.applicability import applicability
from maturity.core.evaluation import evaluation_json
from maturity.core.items import OUTCOME
from maturity.core.releases import PublishedBenchmark, Standing
from maturity.models import Answer, Assessment, Organisation
from maturity.services import items as item_values
from maturity.services import results, verification


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
    stored = item_values.stored_texts(assessment)
    profile = item_values.profile_of(assessment, questionnaire, stored)
    # Figures, "na" where a figure was marked not applicable, and (format 3) the
    # previous year's figures given at the first round under "<id>:previous".
    outcomes = item_values.values_of(assessment, questionnaire, OUTCOME, stored)
    return {
        "profile": profile,
        "not_applicable": {
            question_id: reason.as_dict()
            for question_id, reason in applicability(questionnaire, profile).not_applicable.items()
        },
        "outcomes": {
            item.id: OUTCOME.to_json(item, outcomes[item.id])
            for item in OUTCOME.accepted(questionnaire.outcomes)
            if item.id in outcomes
        },
    }


def standing_json(standing: Standing | None) -> dict[str, Any] | None:
    """In which quarter of its cohort a score stands (1: bottom … 4: top), and the
    quartiles (whole points) it was read against."""
    if standing is None:
        return None
    return {"quarter": standing.quarter, "quartiles": list(standing.quartiles)}


def benchmark_json(benchmark: PublishedBenchmark) -> dict[str, Any]:
    position = benchmark.position
    return {
        "release": benchmark.period,
        "cohort": position.scope,
        "cohort_size": position.band,
        "min_cohort": benchmark.k,
        "dimensions": {d: standing_json(s) for d, s in position.dimensions.items()},
        "overall": standing_json(position.overall),
    }


def attestation_json(assessment: Assessment) -> dict[str, Any] | None:
    attested = assessment.attestation
    if attested is None:
        return None
    return {
        "name": attested.name,
        "role": attested.role,
        "text_version": attested.text_version,
        "attested_at": attested.attested_at.isoformat(),
    }


def verification_json(assessment: Assessment) -> dict[str, Any]:
    """The round's status, both scores and the finding on every reviewed answer."""
    found = verification.verified_round(assessment)
    return {
        "status": found.status.value,
        "checked": found.state.checked,
        "applicable": found.state.applicable,
        "share": float(found.state.share),
        "self_declared_index": None if found.declared is None else found.declared.overall_index,
        "verified_index": None if found.verified is None else found.verified.overall_index,
        "completed_at": found.completed_at.isoformat() if found.completed_at else None,
        "answers": {
            question_id: {
                "outcome": review.outcome.value,
                "adjusted_to": review.adjusted_value,
                "note": review.note,
                "method": review.method.value,
                "checked_on": review.checked_on.isoformat() if review.checked_on else None,
            }
            for question_id, review in sorted(found.reviews.items())
        },
    }


def results_json(assessment: Assessment) -> dict[str, Any]:
    data = evaluation_json(results.evaluation_of(assessment))
    data["benchmark"] = benchmark_json(results.benchmark_of(assessment))
    data["attestation"] = attestation_json(assessment)
    data["verification"] = verification_json(assessment)
    return data
