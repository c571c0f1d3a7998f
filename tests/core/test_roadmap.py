from __future__ import annotations

import pytest

from maturity.core.roadmap import InvalidPlanInput, build_roadmap, phase_of_level
from maturity.core.scoring import score
from tests.core.factories import build, question


def example(b1_allow_na: bool = False):  # type: ignore[no-untyped-def]
    return build(
        {
            "a": [question("a1"), question("a2", weight=2, requires={"b1": 3})],
            "b": [
                question("b1", requires={"b2": 2}, allow_na=b1_allow_na, services=("cloud_it",)),
                question("b2", services=("data_services", "training")),
                question("b3"),
            ],
        },
        goals={"grow": ["b"], "other": ["a"]},
    )


ANSWERS = {"a1": 1, "a2": 0, "b1": 1, "b2": 0, "b3": 4}


def plan(questionnaire, answers, **options):  # type: ignore[no-untyped-def]
    return build_roadmap(questionnaire, answers, score(questionnaire, answers), **options)


def summary(roadmap):  # type: ignore[no-untyped-def]
    return [(s.question_id, s.from_level, s.to_level, s.phase, s.priority) for s in roadmap.steps]


def test_phases_by_level_reached() -> None:
    assert [phase_of_level(level) for level in range(1, 6)] == [1, 1, 2, 3, 3]


def test_worked_example_with_prerequisite_chain_and_goal() -> None:
    questionnaire = example()
    # Levels: A 0 (share ≥1 is 1/3), B 0 (2/3) → default targets 1 and 1.
    roadmap = plan(questionnaire, ANSWERS, goals=["grow"])
    assert roadmap.targets == {"a": 1, "b": 1}
    # a2 has a step and requires b1 at 3; b1 then has steps and requires b2 at 2.
    assert roadmap.effective_targets == {"a1": 1, "a2": 1, "b1": 3, "b2": 2, "b3": 1}
    # a2's step moves to the phase of b1's step reaching 3 (phase 2).
    # Priorities: a2 2·1 = 2; b1 1·2·1.5 = 3; b2 1·2·1.5 = 3 (dimension b serves "grow").
    assert summary(roadmap) == [
        ("b1", 1, 2, 1, 3.0),
        ("b2", 0, 1, 1, 3.0),
        ("b2", 1, 2, 1, 3.0),
        ("b1", 2, 3, 2, 3.0),
        ("a2", 0, 1, 2, 2.0),
    ]
    assert roadmap.steps[0].recommendation.text.en == "Reach level 2 of b1"
    assert roadmap.services == ("training", "cloud_it", "data_services")


def test_without_goals_order_falls_back_to_questionnaire_position() -> None:
    roadmap = plan(example(), ANSWERS)
    assert summary(roadmap) == [
        ("b1", 1, 2, 1, 2.0),
        ("b2", 0, 1, 1, 2.0),
        ("b2", 1, 2, 1, 2.0),
        ("a2", 0, 1, 2, 2.0),
        ("b1", 2, 3, 2, 2.0),
    ]


def test_chosen_targets_replace_defaults_and_remove_requirements() -> None:
    roadmap = plan(example(), ANSWERS, targets={"a": 0})
    # a2 no longer has steps, so it requires nothing of b1; b1 is already at 1.
    assert summary(roadmap) == [("b2", 0, 1, 1, 1.0)]


def test_requirement_on_not_applicable_question_is_ignored() -> None:
    answers = {**ANSWERS, "b1": "na"}
    roadmap = plan(example(b1_allow_na=True), answers)
    assert ("a2", 0, 1, 1, 2.0) in summary(roadmap)
    assert "b1" not in roadmap.effective_targets


def test_not_assessed_dimension_gets_no_steps_and_targets_cap_at_5() -> None:
    questionnaire = build(
        {"a": [question("a1", allow_na=True)], "b": [question("b1"), question("b2")]}
    )
    roadmap = plan(questionnaire, {"a1": "na", "b1": 5, "b2": 5})
    assert roadmap.targets == {"b": 5}
    assert roadmap.steps == ()


def test_target_above_default_adds_every_level() -> None:
    questionnaire = build({"a": [question("a1")]})
    roadmap = plan(questionnaire, {"a1": 0}, targets={"a": 5})
    assert [(s.to_level, s.phase) for s in roadmap.steps] == [
        (1, 1),
        (2, 1),
        (3, 2),
        (4, 3),
        (5, 3),
    ]
    assert {s.priority for s in roadmap.steps} == {5.0}


def test_bad_targets_and_goals_are_listed() -> None:
    questionnaire = example()
    with pytest.raises(InvalidPlanInput) as error:
        plan(questionnaire, ANSWERS, targets={"a": 6, "zz": 1}, goals=["grow", "grow", "nope"])
    assert error.value.problems == [
        "targets: a: 6 is not a level from 0 to 5",
        "targets: unknown dimension id 'zz'",
        "goals: 'grow' is listed twice",
        "goals: unknown goal id 'nope'",
    ]
