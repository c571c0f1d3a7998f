from __future__ import annotations

import pytest

from maturity.core.roadmap import InvalidPlanInput, build_roadmap, phase_of_level, plan_problems
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


def test_each_plan_problem_has_a_code_and_the_error_lists_them() -> None:
    questionnaire = example()
    problems = plan_problems(
        questionnaire,
        {"zz": 1, "a": 7, "b": 2},
        ["grow", "grow", "nope", "other"],
        assessed=["a"],
    )
    assert [(p.code, str(p)) for p in problems] == [
        ("unknown_dimension", "targets: unknown dimension id 'zz'"),
        ("invalid_target", "targets: a: 7 is not a level from 0 to 5"),
        ("not_assessed", "targets: b is not assessed"),
        ("duplicate_goal", "goals: 'grow' is listed twice"),
        ("unknown_goal", "goals: unknown goal id 'nope'"),
        ("too_many_goals", "goals: at most 3 goals may be chosen, not 4"),
    ]
    # Without ``assessed`` every dimension of the questionnaire may have a target.
    assert plan_problems(questionnaire, {"b": 2}, []) == []
    error = InvalidPlanInput(problems, 3)
    assert str(error) == "\n".join(problems)
    assert (error.code, error.details) == ("too_many_goals", {"limit": 3})
    assert InvalidPlanInput(problems[:1], 3).code == "invalid_plan"


def test_a_requirement_raised_late_in_a_pass_is_followed_in_the_next() -> None:
    # x comes first and has no step at first (2 ≥ its target 2); z, later in the same
    # pass, raises x to 3; only then does x require y at 3. One pass would miss y.
    questionnaire = build(
        {
            "d": [
                question("x", requires={"y": 3}),
                question("z", requires={"x": 3}),
                question("y"),
            ]
        }
    )
    roadmap = plan(questionnaire, {"x": 2, "z": 1, "y": 1}, targets={"d": 2})
    assert roadmap.effective_targets == {"x": 3, "z": 2, "y": 3}
    assert [(s.question_id, s.to_level) for s in roadmap.steps if s.question_id == "y"] == [
        ("y", 2),
        ("y", 3),
    ]


def test_a_prerequisite_already_at_its_level_imposes_nothing() -> None:
    questionnaire = build({"d": [question("q", requires={"p": 3}), question("p")]})
    # p is already at 3: q's steps stay in the phase of the levels they reach.
    roadmap = plan(questionnaire, {"q": 0, "p": 3}, targets={"d": 3})
    assert [(s.question_id, s.to_level, s.phase) for s in roadmap.steps] == [
        ("q", 1, 1),
        ("q", 2, 1),
        ("q", 3, 2),
    ]
    # The requirement equals p's own target: nothing to raise, and the loop ends.
    assert roadmap.effective_targets == {"q": 3, "p": 3}


def test_steps_name_their_dimension_and_question_position() -> None:
    roadmap = plan(example(), ANSWERS)
    assert {(s.question_id, s.dimension_id, s.position) for s in roadmap.steps} == {
        ("a2", "a", 1),
        ("b1", "b", 2),
        ("b2", "b", 3),
    }


def test_a_phase_lists_its_steps_in_order() -> None:
    roadmap = plan(example(), ANSWERS)
    assert [(s.question_id, s.to_level) for s in roadmap.phase(1)] == [
        ("b1", 2),
        ("b2", 1),
        ("b2", 2),
    ]
    assert [s.phase for s in roadmap.phase(2)] == [2, 2]
    assert roadmap.phase(3) == []


def test_a_level_scoped_prerequisite_holds_back_only_the_levels_it_names() -> None:
    # x needs y at 4 only to reach 3 and above (format 2's level-scoped form).
    questionnaire = build(
        {"d": [question("x", requires=[(3, "y", 4)]), question("y")]},
    )
    answers = {"x": 1, "y": 1}
    # Level 1 everywhere → default target 2: the requirement does not apply yet.
    roadmap = plan(questionnaire, answers)
    assert roadmap.effective_targets == {"x": 2, "y": 2}
    assert summary(roadmap) == [("x", 1, 2, 1, 1.0), ("y", 1, 2, 1, 1.0)]
    # Target 3: x's step to 3 needs y at 4, so y gets steps to 4 and x's step to 3
    # waits for y's step to 4 (phase 3); x's step to 2 stays in phase 1.
    # Priorities: weight × (effective target − level): y 1·(4 − 1) = 3, x 1·(3 − 1) = 2.
    roadmap = plan(questionnaire, answers, targets={"d": 3})
    assert roadmap.effective_targets == {"x": 3, "y": 4}
    assert summary(roadmap) == [
        ("y", 1, 2, 1, 3.0),
        ("x", 1, 2, 1, 2.0),
        ("y", 2, 3, 2, 3.0),
        ("y", 3, 4, 3, 3.0),
        ("x", 2, 3, 3, 2.0),
    ]
    # The mapping form of format 1 means "from level 1": every step of x waits.
    legacy = build({"d": [question("x", requires={"y": 4}), question("y")]})
    assert ("x", 1, 2, 3) in [s[:4] for s in summary(plan(legacy, answers))]


def test_capacity_moves_the_last_steps_in_order_and_dependants_follow() -> None:
    # Capacity [2, 2]. Everything at 0, target 1 → four level-1 steps in phase 1, and
    # c needs b at 2 (b's steps to 1 and 2) from level 1.
    questionnaire = build(
        {"d": [question("a", weight=3), question("b", weight=2), question("c", requires={"b": 2}),
               question("e")]},
        extra={"phase_capacity": [2, 2]},
    )  # fmt: skip
    roadmap = plan(questionnaire, {"a": 0, "b": 0, "c": 0, "e": 0})
    # Before capacity phase 1 holds, in order: b→1 and b→2 (priority 2 × 2 = 4), a→1
    # (3), c→1 and e→1 (1, by position). It gives its last steps to phase 2 one at a
    # time — e→1, c→1, a→1 — until two are left; phase 2 then holds a→1, c→1, e→1 and
    # gives its last, e→1, to phase 3.
    assert summary(roadmap) == [
        ("b", 0, 1, 1, 4.0),
        ("b", 1, 2, 1, 4.0),
        ("a", 0, 1, 2, 3.0),
        ("c", 0, 1, 2, 1.0),
        ("e", 0, 1, 3, 1.0),
    ]
    by_key = {step.key: step for step in roadmap.steps}
    assert by_key[("b", 2)].reasons == ("prerequisite",)
    assert by_key[("b", 2)].required_by == (("c", 1),)
    assert by_key[("c", 1)].prerequisites[0].question_id == "b"
    assert not by_key[("c", 1)].prerequisites[0].met


def test_a_moved_prerequisite_takes_its_dependants_along() -> None:
    # Capacity [1, 8]: b→1 stays in phase 1; c→1 needs b at 1 and is moved on by the
    # capacity, never ahead of b.
    questionnaire = build(
        {"d": [question("b", weight=2), question("c", requires={"b": 1})]},
        extra={"phase_capacity": [1, 8]},
    )
    roadmap = plan(questionnaire, {"b": 0, "c": 0})
    assert summary(roadmap) == [("b", 0, 1, 1, 2.0), ("c", 0, 1, 2, 1.0)]
    # With b's step moved by a tighter capacity, c goes after it.
    tighter = build(
        {"d": [question("a", weight=3), question("b", weight=2), question("c", requires={"b": 1})]},
        extra={"phase_capacity": [1, 1]},
    )
    roadmap = plan(tighter, {"a": 0, "b": 0, "c": 0})
    assert summary(roadmap) == [("a", 0, 1, 1, 3.0), ("b", 0, 1, 2, 2.0), ("c", 0, 1, 3, 1.0)]


def test_next_level_with_weights_and_not_applicable_questions() -> None:
    from maturity.core.next_level import next_levels

    questionnaire = build(
        {"d": [question("a", weight=3), question("b"), question("c", allow_na=True),
               question("e", weight=2), question("f")]},
    )  # fmt: skip
    answers = {"a": 1, "b": 2, "c": "na", "e": 1, "f": 1}
    scores = score(questionnaire, answers)
    # Applicable weight 7; level 2 needs 80% (5.6) at 2 or more; only b (1) has it.
    assert scores.dimensions["d"].level == 1
    upcoming = next_levels(questionnaire, answers, scores)["d"]
    # Candidates by weight: a (3), e (2), f (1): b + a + e = 6 ≥ 5.6 → two of them.
    assert upcoming is not None and upcoming.as_dict() == {
        "level": 2, "needed": 2, "questions": ["a", "e"],
    }  # fmt: skip
    assert upcoming.candidates == ("a", "e", "f")
    roadmap = plan(questionnaire, answers)
    reasons = {step.key: step.reasons for step in roadmap.steps}
    assert reasons == {("a", 2): ("next_level",), ("e", 2): ("next_level",), ("f", 2): ()}
    at_top = {q.id: 5 for q in questionnaire.questions}
    assert next_levels(questionnaire, at_top, score(questionnaire, at_top)) == {"d": None}


def test_reasons_name_goal_next_level_and_prerequisite() -> None:
    roadmap = plan(example(), ANSWERS, goals=["grow"])
    reasons = {step.key: step.reasons for step in roadmap.steps}
    # b serves the goal; b1 reaching 2 and 3 is needed by a2 (needs b1 at 3) only at 3;
    # b2 at 2 is needed by b1.
    assert reasons[("b1", 3)] == ("goal", "prerequisite")
    assert reasons[("b2", 2)] == ("goal", "prerequisite")
    assert "goal" not in reasons[("a2", 1)]
    assert roadmap.version == "2"


def test_phase_rules_follow_a_chain_raised_late_in_a_pass() -> None:
    # x needs y at 1; y needs z at 3. In questionnaire order x is looked at before y's
    # step has moved to z's phase, so only a second pass puts x after it.
    questionnaire = build(
        {"d": [question("x", requires={"y": 1}), question("y", requires={"z": 3}), question("z")]}
    )
    roadmap = plan(questionnaire, {"x": 0, "y": 0, "z": 0})
    phases = {step.key: step.phase for step in roadmap.steps}
    assert phases == {("z", 1): 1, ("z", 2): 1, ("z", 3): 2, ("y", 1): 2, ("x", 1): 2}


def test_a_question_s_own_next_step_does_not_make_it_a_prerequisite() -> None:
    questionnaire = build({"d": [question("a"), question("b")]})
    roadmap = plan(questionnaire, {"a": 0, "b": 0}, targets={"d": 2})
    first = next(step for step in roadmap.steps if step.key == ("a", 1))
    assert first.required_by == () and "prerequisite" not in first.reasons


def test_dependants_are_listed_in_plan_order_and_the_roadmap_keeps_its_inputs() -> None:
    from maturity.core.next_level import next_levels

    # p is needed at 1 by both a and b; b (weight 3) comes before a (weight 1) in order.
    questionnaire = build(
        {"d": [question("a", requires={"p": 1}), question("b", weight=3, requires={"p": 1}),
               question("p")]},
        extra={"phase_capacity": [4, 6]},
    )  # fmt: skip
    answers = {"a": 0, "b": 0, "p": 0}
    roadmap = plan(questionnaire, answers)
    needed = next(step for step in roadmap.steps if step.key == ("p", 1))
    assert needed.required_by == (("b", 1), ("a", 1))
    assert roadmap.capacity == (4, 6)
    assert roadmap.next_levels == next_levels(questionnaire, answers, score(questionnaire, answers))


def test_steps_take_the_recommendations_of_the_profile_s_wording() -> None:
    raw = question("a")
    raw["variants"] = {
        "process": {
            "recommendations": {
                "1": {"zh": "配方（中文）", "en": "recipe", "services": ["training"]}
            }
        }
    }
    questionnaire = build(
        {"d": [raw]},
        extra={"variants": [{"id": "process", "label": {"zh": "流程", "en": "Process"}}]},
    )
    answers = {"a": 0}
    scores = score(questionnaire, answers)
    varied = build_roadmap(questionnaire, answers, scores, variant="process")
    assert varied.steps[0].recommendation.text.en == "recipe"
    assert (
        build_roadmap(questionnaire, answers, scores).steps[0].recommendation.text.en
        == "Reach level 1 of a"
    )


def test_next_level_goes_on_past_a_dimension_at_the_top_or_not_assessed() -> None:
    from maturity.core.next_level import next_levels

    questionnaire = build(
        {
            "top": [question("t")],
            "none": [question("n", allow_na=True)],
            "d": [question("a", weight=3), question("b")],
        }
    )
    answers = {"t": 5, "n": "na", "a": 1, "b": 2}
    found = next_levels(questionnaire, answers, score(questionnaire, answers))
    assert found["top"] is None and "none" not in found
    upcoming = found["d"]
    # Level 1; at 2 or above: b (1 of 4) = 25%; a (3) brings it to 100%.
    assert upcoming is not None and upcoming.share == 0.25
    assert upcoming.as_dict() == {"level": 2, "needed": 1, "questions": ["a"]}
