"""One evaluation = scores + roadmap, from the plain scoring input that the
command line, the API and the services all share:

    {"answers": {"<question id>": 0..5 | "na"},
     "targets": {"<dimension id>": level},      (optional)
     "goals": ["<goal id>", ...],                (optional)
     "profile": {"<profile item id>": "<option id>"},   (optional)
     "outcomes": {"<outcome id>": number},      (optional)
     "organisation": {"size_class": ..., "revenue": CNY, "budget": CNY}}  (optional)

Questions that the profile marks not applicable need no answer. From format 3 an
outcome figure may be "na" where the questionnaire allows it, and the previous
year's figure of a figure that asks for a baseline is given as "<outcome id>:previous".
Roadmap 3 (format 3) prices its items with ``organisation``: the size class (else the
profile's), the annual revenue and the annual digital budget, all optional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
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
from maturity.core.items.action import Action, Band
from maturity.core.items.outcome import BASELINE_SUFFIX, OutcomeValue
from maturity.core.questionnaire import Dimension, Questionnaire
from maturity.core.roadmap import Roadmap, plan_problems
from maturity.core.roadmap_costs import OrganisationFacts, parse_organisation, profile_size_class
from maturity.core.roadmap_items import ItemRoadmap, roadmap_for
from maturity.core.roadmap_json import item_roadmap_json
from maturity.core.scoring import ScoreResult, score

INPUT_KEYS = ("answers", "targets", "goals", "profile", "outcomes")
ITEM_ROADMAP_KEYS = ("organisation",)  # read by roadmap 3 (format-3 questionnaires) only


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
    # Format 3: figures marked not applicable, and previous-year figures by figure id.
    outcomes_not_applicable: tuple[str, ...] = ()
    baselines: Mapping[str, Decimal] = field(default_factory=dict)
    # Roadmap 3: the organisation's size class, revenue and budget.
    organisation: OrganisationFacts = field(default_factory=OrganisationFacts)


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
    keys = INPUT_KEYS + (ITEM_ROADMAP_KEYS if questionnaire.file_format >= 3 else ())
    problems = [
        f"unknown key {key!r} (expected {', '.join(keys)})" for key in data if key not in keys
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
    values, outcome_errors = parse_outcome_values(questionnaire, raw_outcomes)
    problems += outcome_errors
    organisation, organisation_errors = parse_organisation(
        data.get("organisation", {}) if "organisation" in keys else {},
        profile_size_class(questionnaire, profile),
    )
    problems += organisation_errors
    if problems:
        raise InvalidInput(problems)
    return EvaluationInput(
        answers=dict(answers),
        targets=dict(targets),
        goals=tuple(goals),
        profile=dict(profile),
        outcomes=OUTCOME.figures(values),
        outcomes_not_applicable=tuple(k for k, v in values.items() if v == "na"),
        baselines={
            k.removesuffix(BASELINE_SUFFIX): v
            for k, v in values.items()
            if k.endswith(BASELINE_SUFFIX) and isinstance(v, Decimal)
        },
        organisation=organisation,
    )


def parse_outcomes(
    questionnaire: Questionnaire, raw: Mapping[str, object]
) -> tuple[dict[str, Decimal], list[str]]:
    """The outcome figures of the scoring input, and why some are refused (plain text)."""
    values, problems = parse_outcome_values(questionnaire, raw)
    return OUTCOME.figures(values), problems


def parse_outcome_values(
    questionnaire: Questionnaire, raw: Mapping[str, object]
) -> tuple[dict[str, OutcomeValue], list[str]]:
    """Every outcome value of the scoring input (figures, "na", baselines under
    "<id>:previous"), and why some are refused (plain text)."""
    accepted = {item.id: item for item in OUTCOME.accepted(questionnaire.outcomes)}
    values: dict[str, OutcomeValue] = {}
    problems = []
    for outcome_id, given in raw.items():
        item = accepted.get(outcome_id)
        if item is None:
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
            elif refused.code == "not_applicable":
                problems.append(f'outcomes: {outcome_id}: cannot be "na"')
            else:
                problems.append(f"outcomes: {outcome_id}: {given!r} is not a number")
            continue
        if value is not None:
            values[outcome_id] = value
    return values, problems


def evaluate(questionnaire: Questionnaire, given: EvaluationInput) -> Evaluation:
    answers = scored_answers(questionnaire, given.answers, given.profile)
    scores = score(questionnaire, answers)
    plan = (given.targets, given.goals, given.profile, given.organisation)
    roadmap = roadmap_for(questionnaire, answers, scores, *plan)
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
    organisation: OrganisationFacts | None = None,
) -> Evaluation:
    """A submitted round: the scores stored at submission (never recomputed by a newer
    rule) with the roadmap for the organisation's current targets and goals (and, for
    roadmap 3, its size class, revenue and budget)."""
    chosen = plan_goals(questionnaire, goals)
    profile = dict(profile or {})
    facts = organisation or OrganisationFacts()
    scored = scored_answers(questionnaire, answers, profile)
    roadmap = roadmap_for(questionnaire, scored, scores, targets, chosen, profile, facts)
    given = EvaluationInput(
        answers, dict(targets), chosen, profile, dict(outcomes or {}), organisation=facts
    )
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
        "roadmap": item_roadmap_json(evaluation.roadmap)
        if isinstance(evaluation.roadmap, ItemRoadmap)
        else [
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
        }
        | dict.fromkeys(evaluation.input.outcomes_not_applicable, "na"),
    } | (
        {
            "baselines": {
                item.id: OUTCOME.to_json(item, evaluation.input.baselines[item.id])
                for item in questionnaire.outcomes
                if item.id in evaluation.input.baselines
            }
        }
        if questionnaire.file_format >= 3
        else {}
    )


def _action_json(action: Action) -> dict[str, Any]:
    """Who acts on a step, effort, cost (band ids) and the figure to watch (an outcome
    id, or a KPI as {zh, en}); only what the questionnaire gives."""
    return action.as_json()


def questionnaire_json(questionnaire: Questionnaire) -> dict[str, Any]:
    """The public export shape of a questionnaire. Format 1 files keep the contract
    they were published with; format 2 adds crosswalks, level-scoped prerequisites,
    the phase capacity, the applicability profile and the outcome figures; format 3
    adds level statements with their evidence, recommendations with their actions and
    projects, the projects catalogue, band ranges and goals naming questions."""
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
        if file_format < 3
        else {"id": goal.id, "questions": list(goal.questions), "label": goal.label.as_dict()}
        | ({"source": goal.source.as_dict()} if goal.source else {})
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
            exported[kind] = [_band_json(band, file_format) for band in found]
    if file_format >= 3:
        exported["projects"] = [project.as_dict() for project in questionnaire.projects]
    return exported


def _band_json(band: Band, file_format: int) -> dict[str, Any]:
    """A role or band; from format 3 effort and cost bands with their range."""
    exported: dict[str, Any] = {"id": band.id, "label": band.label.as_dict()}
    if file_format >= 3 and band.unit is not None:
        exported |= {
            "unit": band.unit,
            "low": level_item.number(Fraction(band.low or 0)),
            "high": level_item.number(Fraction(band.high or 0)),
        }
    return exported
