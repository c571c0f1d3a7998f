"""Strongest and weakest dimension: by score, ties to the first in the questionnaire."""

from __future__ import annotations

from maturity.core.evaluation import EvaluationInput, evaluate, strongest_and_weakest
from tests.helpers import current_questionnaire

QUESTIONNAIRE = current_questionnaire()


def answers_with(levels: dict[str, int]) -> dict[str, object]:
    given: dict[str, object] = {}
    for question in QUESTIONNAIRE.questions:
        given[question.id] = levels.get(question.dimension_id, 1)
    return given


def test_the_highest_and_lowest_scoring_dimensions() -> None:
    second, third = (d.id for d in QUESTIONNAIRE.dimensions[1:3])
    evaluation = evaluate(
        QUESTIONNAIRE,
        EvaluationInput(answers_with({second: 4, third: 0})),  # type: ignore[arg-type]
    )
    strongest, weakest = strongest_and_weakest(evaluation)
    assert strongest is not None and weakest is not None
    assert (strongest.id, weakest.id) == (second, third)


def test_ties_go_to_the_first_dimension() -> None:
    evaluation = evaluate(QUESTIONNAIRE, EvaluationInput(answers_with({})))  # type: ignore[arg-type]
    strongest, weakest = strongest_and_weakest(evaluation)
    first = QUESTIONNAIRE.dimensions[0].id
    assert strongest is not None and weakest is not None
    assert strongest.id == weakest.id == first
