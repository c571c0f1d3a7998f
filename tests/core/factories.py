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
    requires: dict[str, int] | list[tuple[int, str, int]] | None = None,
    services: tuple[str, ...] = ("training",),
) -> dict[str, Any]:
    """A question; ``requires`` as a mapping (from level 1) or as (from, question,
    level) triples, the level-scoped form of format 2."""
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
    if isinstance(requires, list):
        raw["requires"] = [{"from": f, "question": q, "level": m} for f, q, m in requires]
    elif requires:
        raw["requires"] = requires
    return raw


def questionnaire_data(
    dimensions: dict[str, list[dict[str, Any]]],
    *,
    gate: float | None = None,
    dimension_weights: dict[str, float] | None = None,
    goals: dict[str, list[str]] | None = None,
    file_format: int = 1,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A questionnaire file's data; format 2 (set by ``file_format`` or implied by a
    level-scoped requirement or by ``extra`` sections) gives every question a crosswalk."""
    if any(isinstance(q.get("requires"), list) for qs in dimensions.values() for q in qs):
        file_format = 2
    if extra:
        file_format = 2
    if file_format >= 2:
        dimensions = {
            dimension_id: [
                {"crosswalk": {"miit_2024": "数字化基础", "gbt_39116": "技术"}, **q} for q in qs
            ]
            for dimension_id, qs in dimensions.items()
        }
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
    if file_format >= 2:
        data["format"] = file_format
    data.update(extra or {})
    return data


def build(dimensions: dict[str, list[dict[str, Any]]], **options: Any) -> Questionnaire:
    return parse(yaml.safe_dump(questionnaire_data(dimensions, **options), allow_unicode=True))
