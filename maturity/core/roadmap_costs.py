"""What roadmap version 3 knows of the organisation, and what its items and phases
cost (PRODUCT.md, "Roadmap, version 3": budget).

A step that belongs to a project costs the project's band for the organisation's size
class (one ERP purchase, not four); any other step costs its own band. Bands priced as
a share of revenue (``revenue_percent``) are multiplied out when the annual revenue is
known and are unpriced otherwise: they then count for nothing against a budget and are
listed as unpriced in their phase's cost, never guessed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from maturity.core.items.action import Action, Band
from maturity.core.questionnaire import Questionnaire, Recommendation
from maturity.core.reference import SizeClass
from maturity.core.refusals import Refusal, Refused

# Without a size class (the command line may leave it out) items are priced as for a
# small firm, the commonest SME; the output says which size class priced the plan.
DEFAULT_SIZE_CLASS = SizeClass.SMALL
# What the items of phases 1, 2 and 3 may cost together, as shares of the annual
# digital budget, at the midpoints of their cost bands.
BUDGET_SHARES = (Decimal("0.5"), Decimal(1), Decimal("1.5"))


@dataclass(frozen=True)
class OrganisationFacts:
    """What the roadmap prices items with: the size class (大/中/小/微), the annual
    revenue and the annual digital budget, both in CNY (the organisation stores
    revenue in 10,000 CNY: pass revenue × 10,000). Each is optional."""

    size_class: SizeClass | None = None
    annual_revenue_cny: Decimal | None = None
    annual_budget_cny: Decimal | None = None

    @property
    def priced_as(self) -> SizeClass:
        return self.size_class or DEFAULT_SIZE_CLASS


@dataclass(frozen=True)
class PhaseCost:
    """What a phase's items cost together: the sums of their CNY ranges, the sum of
    their midpoints (what the budget compares), the phase's share of the budget when
    one is given, the items whose cost is unknown, and the range as a percentage of
    annual revenue when revenue is known."""

    phase: int
    low: Decimal
    high: Decimal
    midpoint: Decimal
    limit: Decimal | None
    unpriced: tuple[str, ...]
    revenue_share: tuple[Decimal, Decimal] | None

    @property
    def budget_months(self) -> int:
        """The months of annual budget the phase may use (its share of the budget is
        that of its length: 6, 12 and 18 months)."""
        return int(BUDGET_SHARES[self.phase - 1] * 12)


class Pricing:
    """Cost, effort and quick wins of steps for one organisation."""

    def __init__(self, questionnaire: Questionnaire, organisation: OrganisationFacts) -> None:
        self.questionnaire = questionnaire
        self.organisation = organisation

    def cost_band(self, recommendation: Recommendation) -> Band | None:
        return self.questionnaire.step_cost(recommendation, self.organisation.priced_as)

    def effort(self, recommendation: Recommendation) -> str | None:
        """The effort band of the step's project where the catalogue gives one (the
        steps of one project take as long as the project), else the step's own."""
        if recommendation.project is not None:
            project_effort = self.questionnaire.project(recommendation.project).effort
            if project_effort is not None:
                return project_effort
        return recommendation.action.effort

    def is_quick_win(self, recommendation: Recommendation) -> bool:
        """In the cheapest cost band for this organisation, and done in three months."""
        band = self.cost_band(recommendation)
        priced = Action(effort=self.effort(recommendation), cost=None if band is None else band.id)
        return self.questionnaire.is_quick_win(priced)

    def cny_range(self, recommendation: Recommendation) -> tuple[Decimal, Decimal] | None:
        band = self.cost_band(recommendation)
        return None if band is None else band.cny_range(self.organisation.annual_revenue_cny)

    def midpoint(self, recommendation: Recommendation) -> Decimal:
        """What the step counts against a budget: its band's midpoint, 0 if unpriced."""
        found = self.cny_range(recommendation)
        return Decimal(0) if found is None else (found[0] + found[1]) / 2

    def limit(self, phase: int) -> Decimal | None:
        """The most that phase 1, 2 or 3 may cost: 0.5, 1 and 1.5 times the budget."""
        budget = self.organisation.annual_budget_cny
        return None if budget is None else budget * BUDGET_SHARES[phase - 1]

    def phase_cost(
        self, phase: int, items: Iterable[tuple[str, tuple[Decimal, Decimal] | None]]
    ) -> PhaseCost:
        """The cost of a phase from its items' ids and CNY ranges."""
        low = high = Decimal(0)
        unpriced = []
        for item_id, found in items:
            if found is None:
                unpriced.append(item_id)
            else:
                low, high = low + found[0], high + found[1]
        revenue = self.organisation.annual_revenue_cny
        return PhaseCost(
            phase=phase,
            low=low,
            high=high,
            midpoint=(low + high) / 2,
            limit=self.limit(phase),
            unpriced=tuple(unpriced),
            revenue_share=(low * 100 / revenue, high * 100 / revenue) if revenue else None,
        )


ORGANISATION_KEYS = ("size_class", "revenue", "budget")


def profile_size_class(questionnaire: Questionnaire, profile: Mapping[str, str]) -> str | None:
    """The size class a format-3 profile carries in its derived item, if answered."""
    for item in questionnaire.profile:
        if item.derived_from == "size_class" and item.id in profile:
            return profile[item.id]
    return None


def organisation_of(
    questionnaire: Questionnaire, profile: Mapping[str, str], given: OrganisationFacts
) -> OrganisationFacts:
    """``given``, its size class taken from the profile where it has none."""
    if given.size_class is not None:
        return given
    size = profile_size_class(questionnaire, profile)
    return replace(given, size_class=None if size is None else SizeClass(size))


def parse_organisation(
    raw: object, profile_size: str | None
) -> tuple[OrganisationFacts, list[str]]:
    """The scoring input's ``"organisation": {"size_class", "revenue", "budget"}``
    (revenue and budget in CNY a year; each optional), and its problems in plain text.
    A size class given here must be the profile's, where the profile has one."""
    if not isinstance(raw, Mapping):
        return OrganisationFacts(), [
            '"organisation" must be an object of size_class, revenue and budget'
        ]
    problems = [
        f"organisation: unknown key {key!r} (expected {', '.join(ORGANISATION_KEYS)})"
        for key in raw
        if key not in ORGANISATION_KEYS
    ]
    sizes = [size.value for size in SizeClass]
    size = raw.get("size_class")
    if size is not None and size not in sizes:
        problems.append(f"organisation: size_class: {size!r} is not one of {', '.join(sizes)}")
    elif size is not None and profile_size not in (None, size):
        problems.append(
            f"organisation: size_class: {size!r} is not the profile's size {profile_size!r}"
        )
    facts = OrganisationFacts(
        size_class=SizeClass(size) if size in sizes else None,
        annual_revenue_cny=_amount(raw, "revenue", problems, positive=True),
        annual_budget_cny=_amount(raw, "budget", problems, positive=False),
    )
    return facts, problems


def _amount(
    raw: Mapping[str, object], name: str, problems: list[str], positive: bool
) -> Decimal | None:
    """A JSON number of CNY (revenue above 0: shares are taken of it), or None."""
    value = raw.get(name)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or (positive and value == 0)
    ):
        problems.append(
            f"organisation: {name}: must be a number of CNY, {'above 0' if positive else '0 or more'}"
        )
        return None
    return Decimal(str(value))


TEN_THOUSAND = Decimal(10_000)  # the organisation profile's amounts are in 万元
MAX_BUDGET_WAN = Decimal("999999999999.99")  # what the column holds
BUDGET_TEXT = re.compile(r"[0-9]+(\.[0-9]{1,2})?", re.ASCII)


def budget_from_text(raw: str) -> Decimal | None:
    """The annual digital budget as a form gives it, in 万元 ("" for none; thousands may
    be grouped with commas); Refused ``invalid_budget`` unless it is an amount of 0 or
    more with at most two decimals."""
    text = raw.strip().replace(",", "")
    if not text:
        return None
    if not BUDGET_TEXT.fullmatch(text) or Decimal(text) > MAX_BUDGET_WAN:
        raise Refused(Refusal.INVALID_BUDGET)
    return Decimal(text)


def facts_of(
    size_class: SizeClass | None, revenue_wan: Decimal | None, budget_wan: Decimal | None
) -> OrganisationFacts:
    """What the roadmap prices with, from an organisation's profile (amounts in 万元)."""
    return OrganisationFacts(
        size_class=size_class,
        annual_revenue_cny=revenue_wan * TEN_THOUSAND if revenue_wan else None,
        annual_budget_cny=None if budget_wan is None else budget_wan * TEN_THOUSAND,
    )
