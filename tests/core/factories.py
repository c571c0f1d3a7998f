"""Small questionnaires for hand-computed examples, built through the real loader."""

from __future__ import annotations

from typing import Any

import yaml

from maturity.core.questionnaire import Questionnaire, parse


def text(label: str) -> dict[str, str]:
    return {"zh": f"{label}（中文）", "en": label}


def question(
    question_id: str,
    *,
    weight: float | None = None,
    allow_na: bool = False,
    requires: dict[str, int] | None = None,
    services: tuple[str, ...] = ("training",),
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": question_id,
        "title": text(f"Question {question_id}"),
        "help": text(f"Help for {question_id}"),
        "article_ref": "2(1)",
        "levels": [text(f"{question_id} level {n}") for n in range(6)],
        "recommendations": {
            n: {**text(f"Reach level {n} of {question_id}"), "services": list(services)}
            for n in range(1, 6)
        },
    }
    if weight is not None:
        raw["weight"] = weight
    if allow_na:
        raw["allow_na"] = True
    if requires:
        raw["requires"] = requires
    return raw


def questionnaire_data(
    dimensions: dict[str, list[dict[str, Any]]],
    *,
    gate: float | None = None,
    dimension_weights: dict[str, float] | None = None,
    goals: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": "test-q",
        "version": "1.0.0",
        "title": text("Test questionnaire"),
        "levels": [
            {"value": n, "label": text(f"L{n}"), "meaning": text(f"meaning {n}")} for n in range(6)
        ],
        "services": [
            {"id": service, "label": text(service)}
            for service in ("training", "cloud_it", "data_services", "management_consulting")
        ],
        "dimensions": [
            {
                "id": dimension_id,
                "label": text(dimension_id),
                "description": text(f"About {dimension_id}"),
                **(
                    {"weight": dimension_weights[dimension_id]}
                    if dimension_weights and dimension_id in dimension_weights
                    else {}
                ),
                "questions": questions,
            }
            for dimension_id, questions in dimensions.items()
        ],
        "goals": [
            {"id": goal_id, "label": text(goal_id), "dimensions": dims}
            for goal_id, dims in (goals or {}).items()
        ],
    }
    if gate is not None:
        data["gate"] = gate
    return data


def build(dimensions: dict[str, list[dict[str, Any]]], **options: Any) -> Questionnaire:
    return parse(yaml.safe_dump(questionnaire_data(dimensions, **options), allow_unicode=True))
