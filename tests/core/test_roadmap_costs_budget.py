"""The annual digital budget as a form gives it, and what prices a roadmap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maturity.core.questionnaire import load_file
from maturity.core.reference import SizeClass
from maturity.core.refusals import Refused
from maturity.core.roadmap_costs import (
    OrganisationFacts,
    PhaseCost,
    Pricing,
    budget_from_text,
    facts_of,
)
from tests.conftest import ROOT


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


@pytest.mark.parametrize(("phase", "months", "limit"), [(1, 6, 150_000), (2, 12, 300_000), (3, 18, 450_000)])  # fmt: skip
def test_a_phase_may_use_the_budget_of_its_months(phase: int, months: int, limit: int) -> None:
    # An annual budget of 300,000 CNY; revenue 10,000,000. Two items priced 10,000–30,000
    # and 50,000–90,000, one unpriced: 60,000–120,000, midpoint 90,000, 0.6–1.2 % of
    # revenue. Phases 1, 2 and 3 last 6, 12 and 18 months: half, once and one and a half
    # times the annual budget.
    pricing = Pricing(
        load_file(ROOT / "tests" / "fixtures" / "questionnaires" / "roadmap-3.yaml"),
        OrganisationFacts(SizeClass.SMALL, Decimal(10_000_000), Decimal(300_000)),
    )
    items = [
        ("a", (Decimal(10_000), Decimal(30_000))),
        ("b", None),
        ("c", (Decimal(50_000), Decimal(90_000))),
    ]
    cost = pricing.phase_cost(phase, items)
    assert cost == PhaseCost(
        phase=phase,
        low=Decimal(60_000),
        high=Decimal(120_000),
        midpoint=Decimal(90_000),
        limit=Decimal(limit),
        unpriced=("b",),
        revenue_share=(Decimal("0.6"), Decimal("1.2")),
    )
    assert cost.budget_months == months
    assert cost.limit == Decimal(300_000) * months / 12


def test_the_months_of_budget_do_not_depend_on_a_budget_being_given() -> None:
    costs = [
        PhaseCost(phase, Decimal(0), Decimal(0), Decimal(0), None, (), None) for phase in (1, 2, 3)
    ]
    assert [cost.budget_months for cost in costs] == [6, 12, 18]
