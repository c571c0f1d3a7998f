from __future__ import annotations

from fractions import Fraction

import pytest

from maturity.core.scoring import InvalidAnswers, gated_level, score
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
