"""Verification of a submitted round, answer by answer.

A verifier finds each answer verified (the evidence or the visit shows the level
answered), adjusted (it shows another level, given with a note) or not verifiable.
The verified answers are the self-declared ones with the adjustments applied, and
the verified score is what scoring makes of them — the same rules, other inputs.

A round is **self-declared** until anyone reviews an answer; **partly verified**
while some applicable answers are not (yet) checked, or could not be; **verified**
once its verifier has completed the review and every applicable answer was verified
or adjusted. The share is of the applicable answers, checked (verified or adjusted).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from maturity.core.answers import NOT_APPLICABLE, AnswerValue


class Outcome(enum.StrEnum):
    VERIFIED = "verified"
    ADJUSTED = "adjusted"
    NOT_VERIFIABLE = "not_verifiable"


class Status(enum.StrEnum):
    SELF_DECLARED = "self_declared"
    PARTLY_VERIFIED = "partly_verified"
    VERIFIED = "verified"


@dataclass(frozen=True)
class Review:
    question_id: str
    outcome: Outcome
    adjusted: int | None = None  # the level found, when adjusted


class InvalidReview(ValueError):
    """A review that cannot be taken: ``reason`` says why (a Refusal code's value)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def checked_review(
    question_id: str, outcome: str, adjusted: int | None, answered: AnswerValue | None
) -> Review:
    """A review of an answer as a verifier gives it, checked: an adjustment names a
    level 0..5 other than the one answered; an answer "not applicable" or missing
    cannot be reviewed."""
    try:
        found = Outcome(outcome)
    except ValueError:
        raise InvalidReview("unknown_outcome") from None
    if answered is None or answered == NOT_APPLICABLE:
        raise InvalidReview("not_reviewable")
    if found is Outcome.ADJUSTED:
        if adjusted is None or not 0 <= adjusted <= 5:
            raise InvalidReview("adjusted_level_missing")
        if adjusted == answered:
            raise InvalidReview("adjusted_to_same_level")
        return Review(question_id, found, adjusted)
    return Review(question_id, found, None)


def verified_answers(
    answers: Mapping[str, AnswerValue], reviews: Iterable[Review]
) -> dict[str, AnswerValue]:
    """The answers with every adjustment applied (others as declared)."""
    result = dict(answers)
    for review in reviews:
        if (
            review.outcome is Outcome.ADJUSTED
            and review.adjusted is not None
            and review.question_id in result
            and result[review.question_id] != NOT_APPLICABLE
        ):
            result[review.question_id] = review.adjusted
    return result


@dataclass(frozen=True)
class State:
    status: Status
    applicable: int  # answers that can be checked (a level, not "not applicable")
    checked: int  # verified or adjusted
    adjusted: int
    not_verifiable: int

    @property
    def share(self) -> Fraction:
        return Fraction(self.checked, self.applicable) if self.applicable else Fraction(0)


def state_of(
    answers: Mapping[str, AnswerValue], reviews: Collection[Review], completed: bool
) -> State:
    applicable = {q for q, value in answers.items() if value != NOT_APPLICABLE}
    relevant = [r for r in reviews if r.question_id in applicable]
    checked = sum(r.outcome is not Outcome.NOT_VERIFIABLE for r in relevant)
    adjusted = sum(r.outcome is Outcome.ADJUSTED for r in relevant)
    unverifiable = sum(r.outcome is Outcome.NOT_VERIFIABLE for r in relevant)
    if not relevant:
        status = Status.SELF_DECLARED
    elif completed and applicable and checked == len(applicable):
        status = Status.VERIFIED
    else:
        status = Status.PARTLY_VERIFIED
    return State(status, len(applicable), checked, adjusted, unverifiable)
