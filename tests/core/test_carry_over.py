"""Which answers a new round can start from."""

from __future__ import annotations

import pytest

from maturity.core.answers import NOT_APPLICABLE
from maturity.core.comparison import carry_over
from tests.helpers import current_questionnaire

LATER = current_questionnaire()


def test_the_same_questionnaire_carries_every_answer() -> None:
    answers = {q.id: 2 for q in LATER.questions}
    assert carry_over(LATER, answers, LATER) == answers


@pytest.mark.parametrize(
    ("earlier_version", "later_version"), [("1.0.0", "2.0.0"), ("2.0.0", "3.0.0")]
)
def test_only_comparable_questions_carry_over_between_versions(
    earlier_version: str, later_version: str
) -> None:
    from maturity.core.questionnaire import Catalogue
    from tests.conftest import ROOT

    catalogue = Catalogue.scan(ROOT / "questionnaires")
    earlier = catalogue.load(f"sme-digital@{earlier_version}")
    later = catalogue.load(f"sme-digital@{later_version}")
    answers = {q.id: 3 for q in earlier.questions}
    carried = carry_over(earlier, answers, later)
    assert carried  # the questions the two versions share unchanged
    for question_id in carried:
        assert later.has_question(question_id)
        assert earlier.question(question_id).levels == later.question(question_id).levels
    changed = [q.id for q in later.questions if earlier.has_question(q.id) and q.id not in carried]
    assert changed  # every version rewrote some of the questions it kept
    for question_id in changed:
        assert earlier.question(question_id).levels != later.question(question_id).levels


def test_not_applicable_carries_only_where_still_allowed() -> None:
    allowed = next(q for q in LATER.questions if q.allow_na)
    refused = next(q for q in LATER.questions if not q.allow_na)
    carried = carry_over(LATER, {allowed.id: NOT_APPLICABLE, refused.id: NOT_APPLICABLE}, LATER)
    assert carried == {allowed.id: NOT_APPLICABLE}
