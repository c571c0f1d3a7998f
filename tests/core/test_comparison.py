"""Comparing two rounds across questionnaire versions, worked by hand."""

from __future__ import annotations

from typing import Any

import pytest

from maturity.core.comparison import (
    DimensionDelta,
    LeftOutReason,
    QuestionDelta,
    compare,
)
from tests.core.factories import build, question


def reworded(question_id: str, **options: Any) -> dict[str, Any]:
    raw = question(question_id, **options)
    raw["levels"][3] = {"zh": "改写后的第三级（中文）", "en": "level 3, reworded"}
    return raw


EARLIER = build(
    {
        "a": [question("a1"), question("a2", weight=2), question("gone"), question("kept")],
        "b": [question("b1"), question("b2", allow_na=True)],
        "x": [question("moved")],
    }
)
LATER = build(
    {
        "a": [question("a1"), question("a2", weight=3), question("new"), question("kept")],
        "b": [reworded("b1"), question("b2", allow_na=True)],
        "c": [question("moved")],
    }
)
EARLIER_ANSWERS = {"a1": 1, "a2": 2, "gone": 0, "b1": 2, "b2": "na", "moved": 1}
LATER_ANSWERS = {"a1": 3, "a2": 2, "new": 4, "kept": 5, "b1": 3, "b2": 4, "moved": 4}


def test_only_unchanged_answered_questions_are_compared_and_the_rest_listed() -> None:
    comparison = compare(EARLIER, EARLIER_ANSWERS, LATER, LATER_ANSWERS)
    assert comparison.questions == (QuestionDelta("a1", "a", 1, 3), QuestionDelta("a2", "a", 2, 2))
    assert [q.delta for q in comparison.questions] == [2, 0]
    assert comparison.left_out == (
        ("gone", LeftOutReason.ONLY_IN_EARLIER),
        ("new", LeftOutReason.ONLY_IN_LATER),
        ("kept", LeftOutReason.NOT_APPLICABLE),  # no answer in the earlier round
        ("b1", LeftOutReason.LEVELS_CHANGED),  # a level statement was reworded
        ("b2", LeftOutReason.NOT_APPLICABLE),  # "not applicable" in the earlier round
        ("moved", LeftOutReason.LEVELS_CHANGED),  # now in another dimension
    )


def test_dimension_deltas_use_each_rounds_own_weights_over_compared_questions() -> None:
    comparison = compare(EARLIER, EARLIER_ANSWERS, LATER, LATER_ANSWERS)
    (a,) = comparison.dimensions  # b and c have no compared question: no delta
    # Earlier: (1·20 + 2·40) / 3; later: (1·60 + 3·40) / 4.
    assert a == DimensionDelta("a", pytest.approx(100 / 3), pytest.approx(45.0), 2)
    assert a.delta == pytest.approx(45.0 - 100 / 3)


def test_a_round_compared_with_itself_changes_nothing() -> None:
    comparison = compare(EARLIER, EARLIER_ANSWERS, EARLIER, EARLIER_ANSWERS)
    assert {q.question_id: q.delta for q in comparison.questions} == {
        "a1": 0,
        "a2": 0,
        "gone": 0,
        "b1": 0,
        "moved": 0,
    }
    assert [(d.dimension_id, d.delta, d.questions) for d in comparison.dimensions] == [
        ("a", 0.0, 3),
        ("b", 0.0, 1),
        ("x", 0.0, 1),
    ]
    assert comparison.left_out == (
        ("kept", LeftOutReason.NOT_APPLICABLE),
        ("b2", LeftOutReason.NOT_APPLICABLE),
    )


def test_a_later_not_applicable_or_missing_answer_is_left_out() -> None:
    later_answers = {**EARLIER_ANSWERS, "b2": 3}
    earlier_answers = {**EARLIER_ANSWERS, "b2": 2}
    del later_answers["a1"]
    comparison = compare(EARLIER, earlier_answers, EARLIER, later_answers)
    assert ("a1", LeftOutReason.NOT_APPLICABLE) in comparison.left_out
    assert QuestionDelta("b2", "b", 2, 3) in comparison.questions
    later_answers["b2"] = "na"
    comparison = compare(EARLIER, earlier_answers, EARLIER, later_answers)
    assert ("b2", LeftOutReason.NOT_APPLICABLE) in comparison.left_out


def test_a_dimension_without_compared_questions_does_not_end_the_comparison() -> None:
    earlier = build({"first": [question("f1")], "second": [question("s1")]})
    later = build({"first": [reworded("f1")], "second": [question("s1")]})
    comparison = compare(earlier, {"f1": 1, "s1": 1}, later, {"f1": 2, "s1": 3})
    assert [(d.dimension_id, d.earlier, d.later) for d in comparison.dimensions] == [
        ("second", 20.0, 60.0)
    ]


def figure(outcome_id: str, unit: str = "%", better: str = "higher") -> dict[str, Any]:
    return {
        "id": outcome_id,
        "label": {"zh": f"{outcome_id}（中文）", "en": outcome_id},
        "unit": {"zh": unit, "en": unit},
        "min": 0,
        "max": 1000,
        "decimals": 1,
        "better": better,
    }


def with_outcomes(*figures: dict[str, Any]):  # type: ignore[no-untyped-def]
    return build({"a": [question("a1")]}, extra={"outcomes": list(figures)})


def test_outcome_figures_are_compared_only_where_both_rounds_give_them_in_one_unit() -> None:
    from decimal import Decimal

    from maturity.core.comparison import OutcomeDelta, OutcomeLeftOut

    earlier = with_outcomes(figure("yield"), figure("stock", "days"), figure("late"))
    later = with_outcomes(
        figure("yield"), figure("stock", "weeks"), figure("late"), figure("energy", "元")
    )
    result = compare(
        earlier,
        {"a1": 1},
        later,
        {"a1": 2},
        earlier_outcomes={"yield": Decimal("80.5"), "stock": Decimal(30), "late": Decimal(4)},
        later_outcomes={"yield": Decimal(91), "stock": Decimal(4), "energy": Decimal("2.5")},
    )
    assert result.outcomes == (OutcomeDelta("yield", Decimal("80.5"), Decimal(91)),)
    assert result.outcomes[0].delta == Decimal("10.5")
    assert result.outcomes_left_out == (
        ("stock", OutcomeLeftOut.UNIT_CHANGED),
        ("late", OutcomeLeftOut.NOT_GIVEN),  # given in the earlier round only
        ("energy", OutcomeLeftOut.ONLY_IN_LATER),
    )
    # Given in the later round only is not given in both either.
    only_later = compare(
        earlier, {"a1": 1}, later, {"a1": 1}, {}, {"late": Decimal(2)}
    ).outcomes_left_out
    assert ("late", OutcomeLeftOut.NOT_GIVEN) in only_later
    # Without figures: nothing compared, every shared figure not given.
    plain = compare(earlier, {"a1": 1}, later, {"a1": 1})
    assert plain.outcomes == () and ("yield", OutcomeLeftOut.NOT_GIVEN) in plain.outcomes_left_out


def test_outcome_trends_over_rounds_keep_one_unit() -> None:
    from decimal import Decimal

    from maturity.core.comparison import RoundFigures, outcome_trends, trend_rounds

    first = with_outcomes(figure("yield"), figure("stock", "days", "lower"))
    current = with_outcomes(figure("yield"), figure("stock", "weeks", "lower"), figure("new"))
    trends = outcome_trends(
        current,
        [
            RoundFigures(3, current, {"yield": Decimal(95), "stock": Decimal(3)}),
            RoundFigures(1, first, {"yield": Decimal(80), "stock": Decimal(40)}),
            RoundFigures(2, current, {"yield": Decimal(90)}),
        ],
    )
    # Oldest first; the stock figure counts only in the rounds asked in weeks; "new"
    # was never given and has no trend.
    assert [(t.item.id, t.points) for t in trends] == [
        ("yield", ((1, Decimal(80)), (2, Decimal(90)), (3, Decimal(95)))),
        ("stock", ((3, Decimal(3)),)),
    ]
    assert trends[0].change == Decimal(5) and trends[0].improved is True
    assert trends[1].change is None and trends[1].improved is None
    assert trend_rounds(trends) == [1, 2, 3]
    assert trend_rounds(()) == []
    falling = outcome_trends(
        first,
        [
            RoundFigures(1, first, {"stock": Decimal(40)}),
            RoundFigures(2, first, {"stock": Decimal(50)}),
        ],
    )
    assert falling[0].change == Decimal(10) and falling[0].improved is False
