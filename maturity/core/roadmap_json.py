"""The public JSON of roadmap version 3 (docs/methodology/contract.md): phases with their
items, cost and capacity, and the items after this plan by name only.

Amounts are CNY a year; shares of revenue are percentages. Reasons are codes with the
ids they name; the words are the pages' and the report's. No priority is given: the
order of the items is the plan's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from maturity.core.roadmap import PHASE_MONTHS, Step
from maturity.core.roadmap_costs import PhaseCost
from maturity.core.roadmap_items import Item, ItemRoadmap, Reason


def amount(value: Decimal | None) -> int | float | None:
    """A whole number where it is one (86000000, not 86000000.0)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def item_roadmap_json(roadmap: ItemRoadmap) -> dict[str, Any]:
    facts = roadmap.organisation
    return {
        "organisation": {
            "size_class": facts.priced_as.value,
            "revenue": amount(facts.annual_revenue_cny),
            "budget": amount(facts.annual_budget_cny),
        },
        "phases": [
            {
                "phase": cost.phase,
                "months": list(PHASE_MONTHS[cost.phase]),
                "capacity": roadmap.capacity[cost.phase - 1],
                "cost": phase_cost_json(cost),
                "items": [item_json(item) for item in roadmap.items_in(cost.phase)],
            }
            for cost in roadmap.phase_costs
        ],
        "later": [
            {"id": item.id, "project": item.project, "steps": [_step_key(s) for s in item.steps]}
            for item in roadmap.later
        ],
    }


def phase_cost_json(cost: PhaseCost) -> dict[str, Any]:
    share = cost.revenue_share
    return {
        "low": amount(cost.low),
        "high": amount(cost.high),
        "midpoint": amount(cost.midpoint),
        "budget": amount(cost.limit),
        "unpriced": list(cost.unpriced),
        "share_of_revenue": None
        if share is None
        else {"low": float(share[0]), "high": float(share[1])},
    }


def item_json(item: Item) -> dict[str, Any]:
    low, high = item.cost_cny or (None, None)
    return {
        "id": item.id,
        "project": item.project,
        "reasons": [reason_json(reason) for reason in item.reasons],
        "steps": [step_json(step) for step in item.steps],
        "how": [text.as_dict() for text in item.how],
        "evidence": [text.as_dict() for text in item.evidence],
        "owner": item.owner,
        "effort": item.effort,
        "cost": None
        if item.cost is None
        else {"band": item.cost.id, "low": amount(low), "high": amount(high)},
        "watch": item.watch
        if item.watch is None or isinstance(item.watch, str)
        else item.watch.as_dict(),
        "services": list(item.services),
    }


def reason_json(reason: Reason) -> dict[str, Any]:
    details: dict[str, dict[str, Any]] = {
        "goal": {"goals": list(reason.goals)},
        "enabler": {"items": list(reason.items)},
        "next_level": {"levels": [{"dimension": d, "level": n} for d, n in reason.levels]},
        "moved": {"by": reason.by},
    }
    return {"code": reason.code, **details.get(reason.code, {})}


def _step_key(step: Step) -> dict[str, Any]:
    return {
        "question": step.question_id,
        "dimension": step.dimension_id,
        "from": step.from_level,
        "to": step.to_level,
    }


def step_json(step: Step) -> dict[str, Any]:
    return {
        **_step_key(step),
        "services": list(step.services),
        "prerequisites": [
            {"question": p.question_id, "level": p.level, "met": p.met} for p in step.prerequisites
        ],
    }
