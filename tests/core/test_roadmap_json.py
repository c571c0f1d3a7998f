"""Roadmap 3 in the scoring input and output (docs/methodology/contract.md): the
organisation's size class, revenue and budget in, items, reasons, phase costs and the
items after the plan out. On tests/fixtures/questionnaires/roadmap-3.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from maturity.core.evaluation import (
    InvalidInput,
    evaluate,
    evaluate_stored,
    evaluation_json,
    parse_input,
)
from maturity.core.reference import SizeClass
from maturity.core.roadmap_costs import OrganisationFacts
from maturity.core.roadmap_json import amount
from maturity.core.scoring import score
from tests.core.factories import build, question
from tests.core.test_roadmap_items import Q, answers, changed


def problems_of(questionnaire: Any, data: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidInput) as error:
        parse_input(questionnaire, data)
    return error.value.problems


def test_the_organisation_is_read_with_the_answers() -> None:
    given = parse_input(
        Q,
        {
            "answers": answers(),
            "organisation": {"size_class": "medium", "revenue": 5_000_000, "budget": 300000.5},
        },
    )
    assert given.organisation == OrganisationFacts(
        SizeClass.MEDIUM, Decimal(5_000_000), Decimal("300000.5")
    )
    # Each part is optional, and the size class may come from the profile instead.
    given = parse_input(Q, {"answers": answers(), "profile": {"size": "micro"}, "organisation": {}})
    assert given.organisation == OrganisationFacts()
    roadmap = evaluate(Q, given).roadmap
    assert roadmap.organisation.size_class == SizeClass.MICRO  # type: ignore[attr-defined]
    same = parse_input(
        Q,
        {
            "answers": answers(),
            "profile": {"size": "micro"},
            "organisation": {"size_class": "micro"},
        },
    )
    assert same.organisation.size_class == SizeClass.MICRO


def test_every_problem_with_the_organisation_is_named() -> None:
    assert problems_of(Q, {"answers": answers(), "organisation": [1]}) == [
        '"organisation" must be an object of size_class, revenue and budget'
    ]
    bad = {"size_class": "huge", "revenue": 0, "budget": -1, "staff": 3}
    assert problems_of(Q, {"answers": answers(), "organisation": bad}) == [
        "organisation: unknown key 'staff' (expected size_class, revenue, budget)",
        "organisation: size_class: 'huge' is not one of large, medium, small, micro",
        "organisation: revenue: must be a number of CNY, above 0",
        "organisation: budget: must be a number of CNY, 0 or more",
    ]
    odd = {"size_class": "small", "revenue": True, "budget": "5万"}
    assert problems_of(
        Q, {"answers": answers(), "profile": {"size": "micro"}, "organisation": odd}
    ) == [
        "organisation: size_class: 'small' is not the profile's size 'micro'",
        "organisation: revenue: must be a number of CNY, above 0",
        "organisation: budget: must be a number of CNY, 0 or more",
    ]
    endless = {"revenue": float("inf"), "budget": float("nan")}
    assert len(problems_of(Q, {"answers": answers(), "organisation": endless})) == 2
    # A budget of nothing is a budget; revenue is never 0 (shares are taken of it).
    assert parse_input(Q, {"answers": answers(), "organisation": {"budget": 0}}).organisation == (
        OrganisationFacts(annual_budget_cny=Decimal(0))
    )
    # Before format 3 there is no roadmap 3 to price: the key is unknown.
    older = build({"d": [question("a")]})
    assert problems_of(older, {"answers": {"a": 1}, "organisation": 5}) == [
        "unknown key 'organisation' (expected answers, targets, goals, profile, outcomes)"
    ]


def test_the_output_has_phases_of_items_with_their_costs_and_the_later_items() -> None:
    tight = changed(lambda data: data.update(phase_capacity=[1, 1, 1]))
    given = parse_input(
        tight,
        {
            "answers": answers(),
            "goals": ["safe"],
            "profile": {"size": "small"},
            "organisation": {"revenue": 2_000_000, "budget": 90000},
        },
    )
    output = evaluation_json(evaluate(tight, given))
    assert output["roadmap_version"] == "3"
    assert output["dimensions"]["design"]["target"] == 2
    roadmap = output["roadmap"]
    assert roadmap["organisation"] == {"size_class": "small", "revenue": 2000000, "budget": 90000}
    # Budget 90,000. Phase 1 (basics, m_shop, m_web, suite) may cost 45,000: m_web (a
    # third 20,000) and then the suite (100,000) move on by budget, and m_shop by
    # capacity. Phase 2 (m_shop, m_web, suite; up to 90,000): the suite moves on by
    # budget, m_web by capacity. Phase 3 (m_web, suite: 120,000 of 135,000): capacity 1
    # moves the suite after the plan.
    assert [(p["phase"], p["months"], p["capacity"]) for p in roadmap["phases"]] == [
        (1, [0, 6], 1), (2, [6, 18], 1), (3, [18, 36], 1),
    ]  # fmt: skip
    assert [[i["id"] for i in p["items"]] for p in roadmap["phases"]] == [
        ["basics@1"], ["m_shop:2"], ["m_web:2"],
    ]  # fmt: skip
    assert roadmap["phases"][0]["cost"] == {
        "low": 0, "high": 40000, "midpoint": 20000, "budget": 45000, "unpriced": [],
        "share_of_revenue": {"low": 0.0, "high": 2.0},
    }  # fmt: skip
    assert roadmap["phases"][2]["cost"]["budget"] == 135000
    assert roadmap["later"] == [
        {
            "id": "suite@4",
            "project": "suite",
            "steps": [
                {"question": "d_cad", "dimension": "design", "from": 1, "to": 2},
                {"question": "d_data", "dimension": "design", "from": 1, "to": 2},
            ],
        }
    ]
    basics = roadmap["phases"][0]["items"][0]
    assert basics == {
        "id": "basics@1",
        "project": "basics",
        "reasons": [
            {"code": "goal", "goals": ["safe"]},
            {"code": "enabler", "items": ["m_shop:2"]},
            {"code": "next_level", "levels": [{"dimension": "foundations", "level": 2}]},
            {"code": "quick_win"},
        ],
        "steps": [
            {"question": "f_plan", "dimension": "foundations", "from": 1, "to": 2,
             "services": ["consulting"], "prerequisites": []},
            {"question": "f_security", "dimension": "foundations", "from": 1, "to": 2,
             "services": ["security", "consulting"], "prerequisites": []},
        ],
        "how": [
            {"zh": "选项目", "en": "choose projects"}, {"zh": "批准规划", "en": "approve the plan"},
            {"zh": "用模板", "en": "use a template"}, {"zh": "全员签字", "en": "have everyone sign"},
        ],
        "evidence": [{"zh": "二级证据", "en": "level two proof"}],
        "owner": "boss",
        "effort": "quarter",
        "cost": {"band": "cheap", "low": 0, "high": 40000},
        "watch": None,
        "services": ["consulting", "security"],
    }  # fmt: skip
    shop = roadmap["phases"][1]["items"][0]
    assert shop["reasons"][-1] == {"code": "moved", "by": "capacity"}
    assert shop["steps"][0]["prerequisites"] == [{"question": "f_plan", "level": 2, "met": False}]
    assert roadmap["phases"][2]["items"][0]["watch"] is None
    assert output["services"] == ["consulting", "cloud", "security"]


def test_a_stored_round_is_priced_with_what_the_organisation_gives() -> None:
    values = answers(4)
    scores = score(Q, values)
    stored = evaluate_stored(
        Q, values, scores, {}, ["grow"], {"size": "large"}, None,
        OrganisationFacts(annual_revenue_cny=Decimal(10_000_000)),
    )  # fmt: skip
    output = evaluation_json(stored)["roadmap"]
    assert output["organisation"] == {"size_class": "large", "revenue": 10000000, "budget": None}
    third = output["phases"][2]
    # Five steps to 5 at 160,000–640,000 and m_shop's 1–3% of 10 million.
    assert (third["cost"]["low"], third["cost"]["high"]) == (900000, 3500000)
    assert third["cost"]["share_of_revenue"] == {"low": 9.0, "high": 35.0}
    design = next(i for i in third["items"] if i["id"] == "d_cad:5")
    assert design["reasons"][0] == {"code": "goal", "goals": ["grow"]}
    assert design["watch"] == {"zh": "研制周期", "en": "development lead time"}
    assert stored.input.organisation.annual_revenue_cny == 10_000_000
    # Without organisation: small, no revenue, no budget.
    plain = evaluate_stored(Q, values, scores, {}, [])
    assert evaluation_json(plain)["roadmap"]["organisation"] == {
        "size_class": "small", "revenue": None, "budget": None,
    }  # fmt: skip


def test_amounts_are_whole_numbers_where_they_are_whole() -> None:
    assert (amount(Decimal("86000000.0")), amount(Decimal("2.5")), amount(None)) == (
        86000000, 2.5, None,
    )  # fmt: skip
    assert isinstance(amount(Decimal("86000000.0")), int)


def test_a_round_on_format_3_is_planned_for_its_targets_goals_and_wording() -> None:
    given = parse_input(
        Q,
        {
            "answers": answers(),
            "targets": {"design": 3},
            "goals": ["safe"],
            "profile": {"size": "micro"},
        },
    )
    output = evaluation_json(evaluate(Q, given))["roadmap"]
    assert [p["capacity"] for p in output["phases"]] == [4, 6, 8]
    items = {i["id"]: i for p in output["phases"] for i in p["items"]}
    # The micro wording outsources f_security →2 (no project): an item of its own, which
    # serves the goal; design's target 3 brings the steps to 3.
    assert items["f_security:2"]["reasons"][0] == {"code": "goal", "goals": ["safe"]}
    assert items["f_security:2"]["how"][0] == {"zh": "签服务商", "en": "sign a provider"}
    assert "d_data:3" in items and items["d_data:3"]["reasons"] == [{"code": "target"}]


def test_older_questionnaires_keep_roadmap_2_for_their_targets_goals_and_wording() -> None:
    raw = question("a")
    raw["variants"] = {
        "process": {
            "recommendations": {"1": {"zh": "配方", "en": "recipe", "services": ["training"]}}
        }
    }
    older = build(
        {"d": [raw, question("b")]},
        goals={"grow": ["d"]},
        extra={
            "variants": [{"id": "process", "label": {"zh": "流程", "en": "Process"}}],
            "profile": [
                {
                    "id": "production",
                    "label": {"zh": "生产", "en": "Production"},
                    "options": [
                        {"id": "discrete", "label": {"zh": "离散", "en": "Discrete"}},
                        {
                            "id": "process",
                            "label": {"zh": "流程", "en": "Process"},
                            "variant": "process",
                        },
                    ],
                }
            ],
        },
    )
    given = parse_input(
        older,
        {
            "answers": {"a": 0, "b": 0},
            "targets": {"d": 2},
            "goals": ["grow"],
            "profile": {"production": "process"},
        },
    )
    roadmap = evaluate(older, given).roadmap
    assert (
        roadmap.version == "2" and evaluation_json(evaluate(older, given))["roadmap_version"] == "2"
    )
    assert [s.key for s in roadmap.steps] == [("a", 1), ("a", 2), ("b", 1), ("b", 2)]
    assert roadmap.steps[0].recommendation.text.en == "recipe"
    assert all("goal" in s.reasons for s in roadmap.steps)


def test_an_item_without_a_cost_band_is_unpriced() -> None:
    def no_cost(data: dict[str, Any]) -> None:
        del data["level_defaults"]["4"]["cost"]

    bare = changed(no_cost)
    given = parse_input(bare, {"answers": answers(3), "organisation": {"budget": 0}})
    output = evaluation_json(evaluate(bare, given))["roadmap"]
    third = output["phases"][2]
    # No cost: nothing to count against even a budget of nothing.
    assert [i["cost"] for i in third["items"]] == [None] * 6
    assert third["cost"] == {
        "low": 0, "high": 0, "midpoint": 0, "budget": 0,
        "unpriced": ["f_plan:4", "f_security:4", "d_cad:4", "d_data:4", "m_shop:4", "m_web:4"],
        "share_of_revenue": None,
    }  # fmt: skip
