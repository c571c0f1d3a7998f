"""Verification worked by hand: adjustments, the round's status and share, and the
verified score from the same scoring rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from maturity.core.answers import NOT_APPLICABLE
from maturity.core.attestation import CURRENT_VERSION, role_problem, wording
from maturity.core.scoring import score
from maturity.core.verification import (
    InvalidReview,
    Outcome,
    Review,
    Status,
    checked_review,
    state_of,
    verified_answers,
)
from tests.helpers import current_questionnaire

ANSWERS = {"a": 3, "b": 2, "c": NOT_APPLICABLE, "d": 4}


def test_adjustments_replace_the_declared_level_and_nothing_else() -> None:
    reviews = [
        Review("a", Outcome.VERIFIED),
        Review("b", Outcome.ADJUSTED, 1),
        Review("d", Outcome.NOT_VERIFIABLE),
        Review("c", Outcome.ADJUSTED, 5),  # not applicable stays so
        Review("zz", Outcome.ADJUSTED, 5),  # no such answer: nothing added
    ]
    assert verified_answers(ANSWERS, reviews) == {"a": 3, "b": 1, "c": NOT_APPLICABLE, "d": 4}


@pytest.mark.parametrize(
    ("reviews", "completed", "status", "share"),
    [
        ([], False, Status.SELF_DECLARED, Fraction(0)),
        ([], True, Status.SELF_DECLARED, Fraction(0)),
        ([Review("a", Outcome.VERIFIED)], False, Status.PARTLY_VERIFIED, Fraction(1, 3)),
        (
            [Review("a", Outcome.VERIFIED), Review("b", Outcome.ADJUSTED, 1)],
            True,
            Status.PARTLY_VERIFIED,
            Fraction(2, 3),
        ),
        (
            [
                Review("a", Outcome.VERIFIED),
                Review("b", Outcome.ADJUSTED, 1),
                Review("d", Outcome.VERIFIED),
            ],
            False,
            Status.PARTLY_VERIFIED,  # all checked, but the verifier has not said it is done
            Fraction(1),
        ),
        (
            [
                Review("a", Outcome.VERIFIED),
                Review("b", Outcome.ADJUSTED, 1),
                Review("d", Outcome.VERIFIED),
            ],
            True,
            Status.VERIFIED,
            Fraction(1),
        ),
        (
            [
                Review("a", Outcome.VERIFIED),
                Review("b", Outcome.VERIFIED),
                Review("d", Outcome.NOT_VERIFIABLE),
            ],
            True,
            Status.PARTLY_VERIFIED,  # one could not be checked: never "verified"
            Fraction(2, 3),
        ),
    ],
)
def test_the_status_and_share_of_a_round(
    reviews: list[Review], completed: bool, status: Status, share: Fraction
) -> None:
    found = state_of(ANSWERS, reviews, completed)
    assert (found.status, found.share, found.applicable) == (status, share, 3)


def test_a_review_is_checked_before_it_is_taken() -> None:
    assert checked_review("a", "adjusted", 1, 3) == Review("a", Outcome.ADJUSTED, 1)
    assert checked_review("a", "verified", 4, 3) == Review("a", Outcome.VERIFIED, None)
    for outcome, adjusted, answered, reason in (
        ("adjusted", None, 3, "adjusted_level_missing"),
        ("adjusted", 6, 3, "adjusted_level_missing"),
        ("adjusted", 3, 3, "adjusted_to_same_level"),
        ("verified", None, NOT_APPLICABLE, "not_reviewable"),
        ("verified", None, None, "not_reviewable"),
        ("approved", None, 3, "unknown_outcome"),
    ):
        with pytest.raises(InvalidReview) as refused:
            checked_review("a", outcome, adjusted, answered)
        assert refused.value.reason == reason


def test_the_verified_score_is_scoring_of_the_adjusted_answers() -> None:
    questionnaire = current_questionnaire()
    declared = {q.id: 3 for q in questionnaire.questions}
    first = questionnaire.questions[0]
    adjusted = verified_answers(declared, [Review(first.id, Outcome.ADJUSTED, 0)])
    before, after = score(questionnaire, declared), score(questionnaire, adjusted)
    assert before.overall_index is not None and after.overall_index is not None
    assert after.overall_index < before.overall_index
    assert after == score(questionnaire, {**declared, first.id: 0})


def test_the_attestation_wording_and_the_role() -> None:
    assert "真实" in wording(CURRENT_VERSION).zh and "true" in wording(CURRENT_VERSION).en
    assert role_problem("  总经理 ") is None
    assert role_problem("  ") == "missing"
    assert role_problem("总经理\n财务") == "not_one_line"
    assert role_problem("经" * 101) == "too_long"
