"""One evaluation = scores + roadmap, from the plain scoring input that the
command line, the API and the services all share:

    {"answers": {"<question id>": 0..5 | "na"},
     "targets": {"<dimension id>": level},   (optional)
     "goals": ["<goal id>", ...]}             (optional)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from maturity.core.answers import AnswerValue, answer_problems
from maturity.core.questionnaire import Questionnaire
from maturity.core.roadmap import Roadmap, build_roadmap, plan_problems
from maturity.core.scoring import ScoreResult, score

INPUT_KEYS = ("answers", "targets", "goals")


class InvalidInput(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class EvaluationInput:
    answers: Mapping[str, AnswerValue]
    targets: Mapping[str, int] = field(default_factory=dict)
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    questionnaire: Questionnaire
    input: EvaluationInput
    scores: ScoreResult
    roadmap: Roadmap


def parse_input(questionnaire: Questionnaire, data: Any) -> EvaluationInput:
    """Check plain input against the questionnaire; InvalidInput lists every problem."""
    if not isinstance(data, dict):
        raise InvalidInput(['input must be a JSON object with an "answers" object'])
    problems = [
        f"unknown key {key!r} (expected {', '.join(INPUT_KEYS)})"
        for key in data
        if key not in INPUT_KEYS
    ]
    answers = data.get("answers")
    targets = data.get("targets", {})
    goals = data.get("goals", [])
    if not isinstance(answers, dict):
        problems.append('"answers" must be an object of question id → 0..5 or "na"')
        answers = {}
    if not isinstance(targets, dict):
        problems.append('"targets" must be an object of dimension id → level')
        targets = {}
    if not isinstance(goals, list):
        problems.append('"goals" must be a list of goal ids')
        goals = []
    problems += answer_problems(questionnaire, answers)
    problems += plan_problems(questionnaire, targets, goals)
    if problems:
        raise InvalidInput(problems)
    return EvaluationInput(answers=dict(answers), targets=dict(targets), goals=tuple(goals))


def evaluate(questionnaire: Questionnaire, given: EvaluationInput) -> Evaluation:
    scores = score(questionnaire, given.answers)
    roadmap = build_roadmap(questionnaire, given.answers, scores, given.targets, given.goals)
    return Evaluation(questionnaire, given, scores, roadmap)


def plan_goals(questionnaire: Questionnaire, goals: Iterable[str]) -> tuple[str, ...]:
    """The organisation's goals that this questionnaire knows, at most ``max_goals``
    of them: the profile's goals may come from a newer questionnaire than the round's."""
    known = {goal.id for goal in questionnaire.goals}
    return tuple(goal for goal in goals if goal in known)[: questionnaire.max_goals]


def evaluate_stored(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue],
    scores: ScoreResult,
    targets: Mapping[str, int],
    goals: Iterable[str],
) -> Evaluation:
    """A submitted round: the scores stored at submission (never recomputed by a newer
    rule) with the roadmap for the organisation's current targets and goals."""
    chosen = plan_goals(questionnaire, goals)
    roadmap = build_roadmap(questionnaire, answers, scores, targets, chosen)
    return Evaluation(
        questionnaire, EvaluationInput(answers, dict(targets), chosen), scores, roadmap
    )


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The public JSON shape of an evaluation (scores unrounded)."""
    questionnaire = evaluation.questionnaire
    dimensions: dict[str, Any] = {}
    for dimension_id, result in evaluation.scores.dimensions.items():
        if result.assessed:
            dimensions[dimension_id] = {
                "assessed": True,
                "score": result.score,
                "level": result.level,
                "target": evaluation.roadmap.targets[dimension_id],
            }
        else:
            dimensions[dimension_id] = {"assessed": False}
    return {
        "scoring_version": evaluation.scores.scoring_version,
        "questionnaire": {
            "key": questionnaire.key,
            "version": questionnaire.version,
            "hash": questionnaire.content_hash,
        },
        "dimensions": dimensions,
        "overall": {
            "index": evaluation.scores.overall_index,
            "level": evaluation.scores.overall_level,
        },
        "roadmap": [
            {
                "question": step.question_id,
                "dimension": step.dimension_id,
                "from": step.from_level,
                "to": step.to_level,
                "phase": step.phase,
                "priority": step.priority,
                "services": list(step.services),
            }
            for step in evaluation.roadmap.steps
        ],
        "services": list(evaluation.roadmap.services),
    }


def questionnaire_json(questionnaire: Questionnaire) -> dict[str, Any]:
    """The public export shape of a questionnaire."""

    def number(value: Any) -> int | float:
        return int(value) if value == int(value) else float(value)

    return {
        "key": questionnaire.key,
        "version": questionnaire.version,
        "hash": questionnaire.content_hash,
        "gate": float(questionnaire.gate),
        "max_goals": questionnaire.max_goals,
        "levels": [
            {"value": level.value, "label": level.label.as_dict()} for level in questionnaire.levels
        ],
        "dimensions": [
            {
                "id": dimension.id,
                "weight": number(dimension.weight),
                "label": dimension.label.as_dict(),
                "questions": [
                    {
                        "id": question.id,
                        "weight": number(question.weight),
                        "allow_na": question.allow_na,
                        "requires": dict(question.requires),
                        "article_ref": question.article_ref,
                        "title": question.title.as_dict(),
                    }
                    for question in dimension.questions
                ],
            }
            for dimension in questionnaire.dimensions
        ],
        "goals": [
            {"id": goal.id, "dimensions": list(goal.dimensions), "label": goal.label.as_dict()}
            for goal in questionnaire.goals
        ],
        "services": [
            {"id": service.id, "label": service.label.as_dict()}
            for service in questionnaire.services
        ],
    }
