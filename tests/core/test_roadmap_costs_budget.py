"""The annual digital budget as a form gives it, and what prices a roadmap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maturity.core.reference import SizeClass
from maturity.core.refusals import Refused
from maturity.core.roadmap_costs import budget_from_text, facts_of


@pytest.mark.parametrize(
    ("given", "amount"),
    [("30", Decimal(30)), (" 12.5 ", Decimal("12.5")), ("1,000", Decimal(1000)), ("", None),
     ("0", Decimal(0))],
)  # fmt: skip
def test_a_budget_in_ten_thousands_of_cny(given: str, amount: Decimal | None) -> None:
    assert budget_from_text(given) == amount


@pytest.mark.parametrize("given", ["-1", "abc", "1.234", "１２", "nan", "inf", "1e3", "9" * 13])
def test_what_is_not_a_budget_is_refused(given: str) -> None:
    with pytest.raises(Refused) as refused:
        budget_from_text(given)
    assert refused.value.code == "invalid_budget"


def test_the_profile_s_amounts_in_ten_thousands_price_in_cny() -> None:
    facts = facts_of(SizeClass.SMALL, Decimal(8600), Decimal(30))
    assert facts.size_class is SizeClass.SMALL
    assert facts.annual_revenue_cny == Decimal(86_000_000)
    assert facts.annual_budget_cny == Decimal(300_000)
    assert facts_of(None, None, None) == facts_of(None, Decimal(0), None)
    assert facts_of(None, None, Decimal(0)).annual_budget_cny == Decimal(0)
