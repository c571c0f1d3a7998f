"""Properties of scoring and roadmap that must hold for every questionnaire and answer set."""

from __future__ import annotations

import copy
import random
from fractions import Fraction
from functools import cache
from itertools import pairwise
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.core.questionnaire import Questionnaire, load_file, parse
from maturity.core.roadmap import build_roadmap, phase_of_level
from maturity.core.scoring import NOT_APPLICABLE, score
from tests.conftest import ROOT
from tests.core.factories import question, questionnaire_data

WEIGHTS = [0.5, 1, 1.5, 2, 3]
GATES = [0.5, 0.6, 0.75, 0.8, 0.9, 1]


@cache
def shipped() -> Questionnaire:
    return load_file(ROOT / "questionnaires" / "sme-digital" / "1.0.0.yaml")


@st.composite
def questionnaire_specs(draw: st.DrawFn) -> dict[str, Any]:
    """Random questionnaires; a question may require any earlier one (so no cycles)."""
    dimension_count = draw(st.integers(1, 3))
    dimensions: dict[str, list[dict[str, Any]]] = {}
    earlier: list[str] = []
    for d in range(dimension_count):
        questions = []
        for q in range(draw(st.integers(1, 4))):
            question_id = f"d{d}q{q}"
            requires = []
            if earlier and draw(st.booleans()):
                requires.append(
                    (
                        draw(st.integers(1, 5)),
                        draw(st.sampled_from(earlier)),
                        draw(st.integers(1, 5)),
                    )
                )
            questions.append(
                question(
                    question_id,
                    weight=draw(st.sampled_from(WEIGHTS)),
                    allow_na=draw(st.booleans()),
                    requires=requires,
                )
            )
            earlier.append(question_id)
        dimensions[f"dim{d}"] = questions
    return questionnaire_data(
        dimensions,
        gate=draw(st.sampled_from(GATES)),
        dimension_weights={
            f"dim{d}": draw(st.sampled_from(WEIGHTS)) for d in range(dimension_count)
        },
        goals={"g0": ["dim0"], "g1": [f"dim{dimension_count - 1}"]},
        extra=(
            {"phase_capacity": [draw(st.integers(1, 6)), draw(st.integers(1, 9))]}
            if draw(st.booleans())
            else None
        ),
    )


def to_questionnaire(spec: dict[str, Any]) -> Questionnaire:
    return parse(yaml.dump(spec, Dumper=yaml.CSafeDumper, allow_unicode=True))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, Any]]:
    if draw(st.booleans()):
        questionnaire = shipped()
    else:
        questionnaire = to_questionnaire(draw(questionnaire_specs()))
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        choices: list[Any] = list(range(6)) + ([NOT_APPLICABLE] if q.allow_na else [])
        answers[q.id] = draw(st.sampled_from(choices))
    return questionnaire, answers


@st.composite
def plans(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, Any], dict[str, int], list[str]]:
    questionnaire, answers = draw(cases())
    targets = {
        d.id: draw(st.integers(0, 5)) for d in questionnaire.dimensions if draw(st.booleans())
    }
    goal_ids = [g.id for g in questionnaire.goals]
    goals = draw(st.lists(st.sampled_from(goal_ids), unique=True, max_size=min(2, len(goal_ids))))
    return questionnaire, answers, targets, goals


def brute_force_level(pairs: list[tuple[Fraction, int]], gate: Fraction) -> int:
    total = sum(w for w, _ in pairs)
    best = 0
    for n in range(6):
        if all(sum(w for w, v in pairs if v >= k) >= gate * total for k in range(1, n + 1)):
            best = n
    return best


@given(cases())
def test_scores_and_levels_are_within_bounds(case: tuple[Questionnaire, dict[str, Any]]) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    for dimension in result.dimensions.values():
        if dimension.assessed:
            assert 0 <= dimension.score <= 100  # type: ignore[operator]
            assert dimension.level in range(6)
    if result.overall_index is not None:
        assert 0 <= result.overall_index <= 100
        assert result.overall_level in range(6)


@given(cases(), st.data())
def test_raising_one_answer_never_lowers_anything(
    case: tuple[Questionnaire, dict[str, Any]], data: st.DataObject
) -> None:
    questionnaire, answers = case
    raisable = [qid for qid, v in answers.items() if v != NOT_APPLICABLE and v < 5]
    if not raisable:
        return
    question_id = data.draw(st.sampled_from(raisable))
    before = score(questionnaire, answers)
    after = score(questionnaire, {**answers, question_id: answers[question_id] + 1})
    for dimension_id, old in before.dimensions.items():
        new = after.dimensions[dimension_id]
        if old.assessed:
            assert new.score >= old.score  # type: ignore[operator]
            assert new.level >= old.level  # type: ignore[operator]
    assert after.overall_index >= before.overall_index  # type: ignore[operator]
    assert after.overall_level >= before.overall_level  # type: ignore[operator]


@settings(max_examples=40)
@given(questionnaire_specs(), st.data())
def test_not_applicable_questions_have_no_effect(spec: dict[str, Any], data: st.DataObject) -> None:
    """Adding a question answered "not applicable" changes no score, level or step."""
    original = to_questionnaire(spec)
    answers = {
        q.id: data.draw(st.sampled_from([*range(6), *([NOT_APPLICABLE] if q.allow_na else [])]))
        for q in original.questions
    }
    dimension_index = data.draw(st.integers(0, len(spec["dimensions"]) - 1))
    extended_spec = copy.deepcopy(spec)
    extra = question("extra", weight=2, allow_na=True)
    if spec.get("format", 1) >= 2:
        extra["crosswalk"] = {"miit_2024": "数字化基础", "gbt_39116": "技术"}
    extended_spec["dimensions"][dimension_index]["questions"].append(extra)
    extended = to_questionnaire(extended_spec)
    extended_answers = {**answers, "extra": NOT_APPLICABLE}
    assert score(extended, extended_answers) == score(original, answers)
    before = build_roadmap(original, answers, score(original, answers))
    after = build_roadmap(extended, extended_answers, score(extended, extended_answers))
    assert [(s.question_id, s.to_level, s.phase, s.priority) for s in after.steps] == [
        (s.question_id, s.to_level, s.phase, s.priority) for s in before.steps
    ]


@given(plans(), st.randoms())
def test_order_of_answers_is_irrelevant(
    plan: tuple[Questionnaire, dict[str, Any], dict[str, int], list[str]], rng: random.Random
) -> None:
    questionnaire, answers, targets, goals = plan
    items = list(answers.items())
    rng.shuffle(items)
    shuffled = dict(items)
    assert score(questionnaire, shuffled) == score(questionnaire, answers)
    first = build_roadmap(questionnaire, answers, score(questionnaire, answers), targets, goals)
    second = build_roadmap(questionnaire, shuffled, score(questionnaire, shuffled), targets, goals)
    assert first == second


@given(cases())
def test_levels_follow_the_gate_definition_exactly(
    case: tuple[Questionnaire, dict[str, Any]],
) -> None:
    questionnaire, answers = case
    result = score(questionnaire, answers)
    pooled: list[tuple[Fraction, int]] = []
    for dimension in questionnaire.dimensions:
        pairs = [
            (q.weight, answers[q.id])
            for q in dimension.questions
            if answers[q.id] != NOT_APPLICABLE
        ]
        if pairs:
            assert result.dimensions[dimension.id].level == brute_force_level(
                pairs, questionnaire.gate
            )
            total = sum(w for w, _ in pairs)
            pooled += [(dimension.weight * w / total, v) for w, v in pairs]
    if pooled:
        assert result.overall_level == brute_force_level(pooled, questionnaire.gate)


@settings(max_examples=200)
@given(plans())
def test_every_step_respects_prerequisites_and_phases(
    plan: tuple[Questionnaire, dict[str, Any], dict[str, int], list[str]],
) -> None:
    questionnaire, answers, targets, goals = plan
    scores = score(questionnaire, answers)
    roadmap = build_roadmap(questionnaire, answers, scores, targets, goals)
    steps_by_question: dict[str, list[Any]] = {}
    for step in roadmap.steps:
        steps_by_question.setdefault(step.question_id, []).append(step)
    goal_dimensions = {d for g in goals for d in questionnaire.goal(g).dimensions}

    for question_id, steps in steps_by_question.items():
        q = questionnaire.question(question_id)
        value = answers[question_id]
        target = roadmap.effective_targets[question_id]
        assert scores.dimensions[q.dimension_id].assessed
        # One step per level, from the current value up to the effective target.
        assert sorted(s.to_level for s in steps) == list(range(value + 1, target + 1))
        assert target >= roadmap.targets[q.dimension_id]
        expected_priority = float(
            q.weight
            * (target - value)
            * (Fraction(3, 2) if q.dimension_id in goal_dimensions else 1)
        )
        for step in steps:
            assert step.from_level == step.to_level - 1
            assert step.phase >= phase_of_level(step.to_level)
            assert step.priority == expected_priority
            assert step.recommendation == q.recommendations[step.to_level]
        for requirement in q.requires:
            required_id, level = requirement.question_id, requirement.level
            if answers[required_id] == NOT_APPLICABLE or target < requirement.from_level:
                continue
            # The prerequisite is planned up to the required level ...
            assert max(answers[required_id], roadmap.effective_targets[required_id]) >= level
            # ... and no step of q from its level on comes in an earlier phase than the
            # step reaching it.
            reaching = [s for s in steps_by_question.get(required_id, []) if s.to_level == level]
            for step in steps:
                if step.to_level >= requirement.from_level:
                    assert all(step.phase >= r.phase for r in reaching)
        # Phases never fall as the levels of one question rise.
        ordered = sorted(steps, key=lambda s: s.to_level)
        assert all(a.phase <= b.phase for a, b in pairwise(ordered))

    # A question is raised above its dimension target only by a requirement.
    for question_id, target in roadmap.effective_targets.items():
        q = questionnaire.question(question_id)
        if target > roadmap.targets[q.dimension_id]:
            assert any(
                r.question_id == question_id
                and r.level == target
                and other.id in steps_by_question
                and roadmap.effective_targets[other.id] >= r.from_level
                for other in questionnaire.questions
                for r in other.requires
            )

    keys = [(s.phase, -s.priority, s.position, s.to_level) for s in roadmap.steps]
    assert keys == sorted(keys)
    assert set(roadmap.services) == {svc for s in roadmap.steps for svc in s.services}


@settings(max_examples=200)
@given(plans())
def test_phases_hold_their_capacity_and_steps_follow_their_prerequisites(
    plan: tuple[Questionnaire, dict[str, Any], dict[str, int], list[str]],
) -> None:
    questionnaire, answers, targets, goals = plan
    roadmap = build_roadmap(questionnaire, answers, score(questionnaire, answers), targets, goals)
    first, second = questionnaire.phase_capacity
    assert len(roadmap.phase(1)) <= first and len(roadmap.phase(2)) <= second
    phase = {step.key: step.phase for step in roadmap.steps}
    for step in roadmap.steps:
        for prerequisite in step.prerequisites:
            met = answers[prerequisite.question_id] >= prerequisite.level
            assert prerequisite.met == met
            if (prerequisite.question_id, prerequisite.level) in phase:
                assert step.phase >= phase[(prerequisite.question_id, prerequisite.level)]
        if (step.question_id, step.from_level) in phase:
            assert step.phase >= phase[(step.question_id, step.from_level)]
        assert list(step.reasons) == sorted(step.reasons)
        assert ("prerequisite" in step.reasons) == bool(step.required_by)
        for question_id, level in step.required_by:
            assert phase[(question_id, level)] >= step.phase


@settings(max_examples=200)
@given(cases())
def test_next_level_names_exactly_what_reaches_it(
    case: tuple[Questionnaire, dict[str, Any]],
) -> None:
    from maturity.core.next_level import next_levels

    questionnaire, answers = case
    scores = score(questionnaire, answers)
    for dimension_id, upcoming in next_levels(questionnaire, answers, scores).items():
        level = scores.dimensions[dimension_id].level
        if upcoming is None:
            assert level == 5
            continue
        assert upcoming.level == level + 1 and upcoming.needed == len(upcoming.questions) >= 1

        reached = []
        for raised in (upcoming.questions, upcoming.questions[:-1]):
            changed = {**answers, **dict.fromkeys(raised, upcoming.level)}
            reached.append(score(questionnaire, changed).dimensions[dimension_id].level)
        assert reached[0] is not None and reached[0] >= upcoming.level
        assert reached[1] is not None and reached[1] < upcoming.level
