"""One evaluation = scores + roadmap, from the plain scoring input that the
command line, the API and the services all share:

    {"answers": {"<question id>": 0..5 | "na"},
     "targets": {"<dimension id>": level},      (optional)
     "goals": ["<goal id>", ...],                (optional)
     "profile": {"<profile item id>": "<option id>"},   (optional)
     "outcomes": {"<outcome id>": number}}      (optional)

Questions that the profile marks not applicable need no answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from maturity.core.answers import AnswerValue, answer_problems
from maturity.core.applicability import (
    Applicability,
    applicability,
    profile_problems,
    scored_answers,
)
from maturity.core.items import OUTCOME, ROUND_ITEM_TYPES, ItemRefused
from maturity.core.items import level as level_item
from maturity.core.items.action import Action
from maturity.core.questionnaire import Dimension, Questionnaire
from maturity.core.roadmap import Roadmap, build_roadmap, plan_problems
from maturity.core.scoring import ScoreResult, score

INPUT_KEYS = ("answers", "targets", "goals", "profile", "outcomes")


class InvalidInput(ValueError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class EvaluationInput:
    answers: Mapping[str, AnswerValue]
    targets: Mapping[str, int] = field(default_factory=dict)
    goals: tuple[str, ...] = ()
    profile: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    questionnaire: Questionnaire
    input: EvaluationInput
    scores: ScoreResult
    roadmap: Roadmap

    @property
    def applicability(self) -> Applicability:
        return applicability(self.questionnaire, self.input.profile)


def strongest_and_weakest(
    evaluation: Evaluation,
) -> tuple[Dimension | None, Dimension | None]:
    """By score among the assessed dimensions; ties go to the dimension that comes
    first in the questionnaire. (None, None) when none was assessed."""
    scores = evaluation.scores.dimensions
    assessed = [d for d in evaluation.questionnaire.dimensions if scores[d.id].assessed]
    if not assessed:
        return None, None

    def key(dimension: Dimension) -> float:
        return float(scores[dimension.id].score or 0)

    return max(assessed, key=key), min(assessed, key=key)


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
    profile = data.get("profile", {})
    raw_outcomes = data.get("outcomes", {})
    if not isinstance(answers, dict):
        problems.append('"answers" must be an object of question id → 0..5 or "na"')
        answers = {}
    if not isinstance(targets, dict):
        problems.append('"targets" must be an object of dimension id → level')
        targets = {}
    if not isinstance(goals, list):
        problems.append('"goals" must be a list of goal ids')
        goals = []
    if not isinstance(profile, dict):
        problems.append('"profile" must be an object of profile item id → option id')
        profile = {}
    if not isinstance(raw_outcomes, dict):
        problems.append('"outcomes" must be an object of outcome id → number')
        raw_outcomes = {}
    profile_errors = profile_problems(questionnaire, profile)
    problems += profile_errors
    marked = applicability(questionnaire, profile).not_applicable if not profile_errors else {}
    problems += answer_problems(questionnaire, answers, not_required=set(marked))
    problems += plan_problems(questionnaire, targets, goals)
    outcomes, outcome_errors = parse_outcomes(questionnaire, raw_outcomes)
    problems += outcome_errors
    if problems:
        raise InvalidInput(problems)
    return EvaluationInput(
        answers=dict(answers),
        targets=dict(targets),
        goals=tuple(goals),
        profile=dict(profile),
        outcomes=outcomes,
    )


def parse_outcomes(
    questionnaire: Questionnaire, raw: Mapping[str, object]
) -> tuple[dict[str, Decimal], list[str]]:
    """The outcome figures of the scoring input, and why some are refused (plain text)."""
    values: dict[str, Decimal] = {}
    problems = []
    for outcome_id, given in raw.items():
        try:
            item = questionnaire.outcome(outcome_id)
        except KeyError:
            problems.append(f"outcomes: unknown outcome {outcome_id!r}")
            continue
        try:
            value = OUTCOME.parse(item, given)
        except ItemRefused as refused:
            if refused.code == "out_of_range":
                problems.append(
                    f"outcomes: {outcome_id}: {given!r} is outside {refused.details['minimum']}"
                    f" to {refused.details['maximum']} {item.unit.en}"
                )
            else:
                problems.append(f"outcomes: {outcome_id}: {given!r} is not a number")
            continue
        if value is not None:
            values[outcome_id] = value
    return values, problems


def evaluate(questionnaire: Questionnaire, given: EvaluationInput) -> Evaluation:
    answers = scored_answers(questionnaire, given.answers, given.profile)
    scores = score(questionnaire, answers)
    variant = applicability(questionnaire, given.profile).variant
    roadmap = build_roadmap(questionnaire, answers, scores, given.targets, given.goals, variant)
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
    profile: Mapping[str, str] | None = None,
    outcomes: Mapping[str, Decimal] | None = None,
) -> Evaluation:
    """A submitted round: the scores stored at submission (never recomputed by a newer
    rule) with the roadmap for the organisation's current targets and goals."""
    chosen = plan_goals(questionnaire, goals)
    profile = dict(profile or {})
    scored = scored_answers(questionnaire, answers, profile)
    variant = applicability(questionnaire, profile).variant
    roadmap = build_roadmap(questionnaire, scored, scores, targets, chosen, variant)
    given = EvaluationInput(answers, dict(targets), chosen, profile, dict(outcomes or {}))
    return Evaluation(questionnaire, given, scores, roadmap)


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    """The public JSON shape of an evaluation (scores unrounded)."""
    questionnaire = evaluation.questionnaire
    dimensions: dict[str, Any] = {}
    next_levels = evaluation.roadmap.next_levels
    for dimension_id, result in evaluation.scores.dimensions.items():
        if result.assessed:
            upcoming = next_levels.get(dimension_id)
            dimensions[dimension_id] = {
                "assessed": True,
                "score": result.score,
                "level": result.level,
                "target": evaluation.roadmap.targets[dimension_id],
                "next_level": None if upcoming is None else upcoming.as_dict(),
            }
        else:
            dimensions[dimension_id] = {"assessed": False}
    return {
        "scoring_version": evaluation.scores.scoring_version,
        "roadmap_version": evaluation.roadmap.version,
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
                "reasons": list(step.reasons),
                **_action_json(step.recommendation.action),
                "prerequisites": [
                    {"question": p.question_id, "level": p.level, "met": p.met}
                    for p in step.prerequisites
                ],
            }
            for step in evaluation.roadmap.steps
        ],
        "services": list(evaluation.roadmap.services),
        "not_applicable": {
            question_id: reason.as_dict()
            for question_id, reason in evaluation.applicability.not_applicable.items()
        },
        "outcomes": {
            item.id: OUTCOME.to_json(item, evaluation.input.outcomes[item.id])
            for item in questionnaire.outcomes
            if item.id in evaluation.input.outcomes
        },
    }


def _action_json(action: Action) -> dict[str, Any]:
    """Who acts on a step, effort, cost (band ids) and the figure to watch (an outcome
    id, or a KPI as {zh, en}); only what the questionnaire gives."""
    found: dict[str, Any] = {
        name: value
        for name, value in (
            ("owner", action.owner),
            ("effort", action.effort),
            ("cost", action.cost),
        )
        if value is not None
    }
    if isinstance(action.watch, str):
        found["watch"] = action.watch
    elif action.watch is not None:
        found["watch"] = action.watch.as_dict()
    return found


def questionnaire_json(questionnaire: Questionnaire) -> dict[str, Any]:
    """The public export shape of a questionnaire. Format 1 files keep the contract
    they were published with; format 2 adds crosswalks, level-scoped prerequisites,
    the phase capacity, the applicability profile and the outcome figures."""
    file_format = questionnaire.file_format
    exported: dict[str, Any] = {
        "key": questionnaire.key,
        "version": questionnaire.version,
        "hash": questionnaire.content_hash,
        "gate": float(questionnaire.gate),
        "max_goals": questionnaire.max_goals,
    }
    if file_format >= 2:
        exported["format"] = file_format
        exported["phase_capacity"] = list(questionnaire.phase_capacity)
    exported["levels"] = [
        {"value": level.value, "label": level.label.as_dict()} for level in questionnaire.levels
    ]
    if file_format >= 2 and questionnaire.levels_source is not None:
        exported["levels_source"] = questionnaire.levels_source.as_dict()
    exported["dimensions"] = [
        {
            "id": dimension.id,
            "weight": level_item.number(dimension.weight),
            "label": dimension.label.as_dict(),
            "questions": [
                level_item.export(question, file_format) for question in dimension.questions
            ],
        }
        for dimension in questionnaire.dimensions
    ]
    exported["goals"] = [
        {"id": goal.id, "dimensions": list(goal.dimensions), "label": goal.label.as_dict()}
        for goal in questionnaire.goals
    ]
    exported["services"] = [
        {"id": service.id, "label": service.label.as_dict()}
        | ({"article_ref": service.article_ref} if file_format >= 2 else {})
        for service in questionnaire.services
    ]
    if file_format >= 2:
        for item_type in ROUND_ITEM_TYPES:
            exported[item_type.section] = [
                item_type.export(item) for item in questionnaire.sections.get(item_type.section, ())
            ]
        exported["variants"] = [
            {"id": variant.id, "label": variant.label.as_dict()}
            for variant in questionnaire.variants
        ]
        for kind, found in questionnaire.bands.items():
            exported[kind] = [{"id": band.id, "label": band.label.as_dict()} for band in found]
    return exported
