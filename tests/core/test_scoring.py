from __future__ import annotations

from fractions import Fraction

import pytest

from maturity.core.scoring import DimensionScore, InvalidAnswers, level_reached, level_score, score
from tests.core.factories import build, question


def worked_example(gate: float = 0.8):  # type: ignore[no-untyped-def]
    return build(
        {
            "a": [question("a1"), question("a2", weight=3), question("a3", allow_na=True)],
            "b": [question(f"b{i}") for i in range(1, 6)],
            "c": [question("c1", allow_na=True)],
        },
        gate=gate,
        dimension_weights={"b": 2},
    )


ANSWERS = {"a1": 3, "a2": 1, "a3": "na", "b1": 4, "b2": 4, "b3": 4, "b4": 4, "b5": 0, "c1": "na"}


def test_worked_example_by_hand() -> None:
    result = score(worked_example(), ANSWERS)
    a, b, c = (result.dimensions[d] for d in "abc")
    # A: (1·60 + 3·20) / 4 = 30; share ≥1 = 4/4, share ≥2 = 1/4 < 0.8 → level 1.
    assert (a.assessed, a.score, a.level) == (True, 30.0, 1)
    # B: 4·80 / 5 = 64; shares ≥1..≥4 are 4/5 = 0.8, exactly the gate → level 4.
    assert (b.assessed, b.score, b.level) == (True, 64.0, 4)
    # C: only "not applicable" answers → not assessed, left out of overall figures.
    assert (c.assessed, c.score, c.level) == (False, None, None)
    # Overall: (1·30 + 2·64) / 3; pooled weights A 1/4, 3/4 and B 2/5 each:
    # share ≥1 = 2.6/3 ≥ 0.8, share ≥2 = 1.85/3 < 0.8 → level 1.
    assert result.overall_index == pytest.approx(158 / 3, abs=1e-12)
    assert result.overall_level == 1
    assert result.scoring_version == "1"


def test_gate_boundary_is_inclusive_and_exact() -> None:
    assert score(worked_example(gate=0.8), ANSWERS).dimensions["b"].level == 4
    assert score(worked_example(gate=0.81), ANSWERS).dimensions["b"].level == 0
    # Exact arithmetic: 0.1 + 0.2 style float sums must not break "at least".
    weights = [(Fraction("0.1"), 3), (Fraction("0.2"), 3), (Fraction("0.7"), 2)]
    assert gated_level(weights, Fraction("0.3")) == 3


def test_gate_of_one_needs_every_question() -> None:
    assert score(worked_example(gate=1), ANSWERS).dimensions["b"].level == 0
    all_fours = {**ANSWERS, "b5": 4}
    assert score(worked_example(gate=1), all_fours).dimensions["b"].level == 4


def test_nothing_applicable_gives_no_overall_figures() -> None:
    questionnaire = build({"a": [question("a1", allow_na=True)]})
    result = score(questionnaire, {"a1": "na"})
    assert result.overall_index is None and result.overall_level is None


def test_invalid_answers_list_every_problem() -> None:
    with pytest.raises(InvalidAnswers) as error:
        score(worked_example(), {"a1": 6, "a2": "na", "zz": 1, "b1": True})
    problems = error.value.problems
    assert "unknown question id 'zz'" in problems
    assert "a1: 6 is not a level from 0 to 5 or 'na'" in problems
    assert "a2: 'na' (not applicable) is not allowed here" in problems
    assert "b1: True is not a level from 0 to 5 or 'na'" in problems
    assert "b2: missing answer" in problems
    assert str(error.value) == "\n".join(problems)


def test_question_score_is_twenty_points_a_level() -> None:
    assert [level_score(level) for level in range(6)] == [0, 20, 40, 60, 80, 100]


def gated_level(weighted_values: list[tuple[Fraction, int]], gate: Fraction) -> int:
    """The gate rule as the specification states it, on (weight, value) pairs."""
    reach = [sum((w for w, value in weighted_values if value >= k), Fraction(0)) for k in range(6)]
    return level_reached(reach, reach[0], gate)


def test_gated_level_by_hand() -> None:
    one = Fraction(1)
    gate = Fraction(4, 5)
    level = gated_level([(one, 0), (one, 0)], gate)
    assert level == 0 and isinstance(level, int)
    # share ≥1 = 1, share ≥2 = 1/2 < 0.8: exactly level 1.
    assert gated_level([(one, 1), (one, 2)], gate) == 1
    assert gated_level([(one, 5), (Fraction(3), 5)], gate) == 5
    # Weights summing to 4: share ≥1 = 3/4 < 0.8 (compared with gate × total, not gate / total).
    assert gated_level([(one, 1), (one, 1), (one, 1), (one, 0)], gate) == 0
    assert gated_level([(one, 1)] * 4 + [(one, 0)], gate) == 1


def test_every_dimension_result_names_its_dimension() -> None:
    result = score(worked_example(), ANSWERS)
    assert {d: r.dimension_id for d, r in result.dimensions.items()} == {
        "a": "a",
        "b": "b",
        "c": "c",
    }


def test_overall_level_pools_every_dimension() -> None:
    questionnaire = build({"a": [question("a1"), question("a2")], "b": [question("b1")]})
    result = score(questionnaire, {"a1": 3, "a2": 4, "b1": 5})
    # Pooled shares: ≥3 is 1, ≥4 is (1/2 + 1)/2 = 3/4 < 0.8 → level 3.
    assert (result.overall_level, result.overall_index) == (3, pytest.approx(85.0))
    assert [result.dimensions[d].level for d in "ab"] == [3, 5]


def test_nothing_applicable_still_reports_each_dimension() -> None:
    questionnaire = build({"a": [question("a1", allow_na=True)]})
    result = score(questionnaire, {"a1": "na"})
    assert result.scoring_version == "1"
    assert result.dimensions == {"a": DimensionScore("a", False, None, None)}


def test_overall_level_at_exactly_the_gate_is_reached() -> None:
    questionnaire = build({"a": [question(f"a{i}") for i in range(1, 6)]})
    result = score(questionnaire, {"a1": 2, "a2": 2, "a3": 2, "a4": 2, "a5": 0})
    # Share ≥1 and ≥2 are 4/5 = 0.8, exactly the gate, for the dimension and overall.
    assert (result.dimensions["a"].level, result.overall_level) == (2, 2)


def test_the_highest_levels_are_reached_overall_too() -> None:
    from tests.core.factories import build, question

    questionnaire = build({"a": [question("a1"), question("a2")], "b": [question("b1")]})
    for value in (3, 4, 5):
        answers = dict.fromkeys(("a1", "a2", "b1"), value)
        result = score(questionnaire, answers)
        assert result.overall_level == value
        assert result.dimensions["a"].level == value
