"""Roadmap version 3, worked by hand on tests/fixtures/questionnaires/roadmap-3.yaml
(its header says what each question and project is, and what every level costs).

Unless a test says otherwise: a small firm, every answer 1 — each dimension at level 1,
default target 2, so every question has one step, to 2, in phase 1, and each of those
steps is one its dimension needs for level 2 (both questions of every dimension are).
Own priorities: weight 1; the steps of "suite" are no quick wins (3–6 months), the other
level-2 steps are (cheap, 1–3 months): 1.25.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import yaml

from maturity.core.questionnaire import Questionnaire, load_file, parse
from maturity.core.reference import SizeClass
from maturity.core.roadmap import InvalidPlanInput, build_roadmap
from maturity.core.roadmap_costs import OrganisationFacts
from maturity.core.roadmap_items import (
    LATER,
    ItemRoadmap,
    Reason,
    build_item_roadmap,
    phase_capacities,
)
from maturity.core.scoring import score
from maturity.core.text import Text
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "questionnaires" / "roadmap-3.yaml"
Q = load_file(FIXTURE)
IDS = [q.id for q in Q.questions]


def answers(value: int = 1, **given: int) -> dict[str, Any]:
    return {question_id: given.get(question_id, value) for question_id in IDS}


def changed(change: Any) -> Questionnaire:
    """The fixture with ``change(data)`` applied to its data."""
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    change(data)
    return parse(yaml.safe_dump(data, allow_unicode=True))


def question_data(data: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for d in data["dimensions"] for q in d["questions"] if q["id"] == question_id)


def plan(
    given: dict[str, Any] | None = None,
    questionnaire: Questionnaire = Q,
    size: str = "small",
    revenue: int | None = None,
    budget: int | None = None,
    **options: Any,
) -> ItemRoadmap:
    values = answers() if given is None else given
    facts = OrganisationFacts(
        SizeClass(size),
        None if revenue is None else Decimal(revenue),
        None if budget is None else Decimal(budget),
    )
    scores = score(questionnaire, values)
    return build_item_roadmap(questionnaire, values, scores, organisation=facts, **options)


def summary(roadmap: ItemRoadmap) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(item.id, item.phase, item.reason_codes) for item in roadmap.items]


def item(roadmap: ItemRoadmap, item_id: str):  # type: ignore[no-untyped-def]
    return next(found for found in roadmap.items if found.id == item_id)


def test_a_project_s_steps_in_a_phase_are_one_item_that_explains_itself() -> None:
    roadmap = plan()
    assert roadmap.version == "3" and roadmap.capacity == (4, 6, 8)
    # Items: "basics" (f_plan, f_security), "suite" (d_cad, d_data), m_shop, m_web.
    # Priorities: d_cad →2 (1) needs m_shop →2 (own 1.25), which needs f_plan →2 (own
    # 1.25): nothing higher to inherit. basics 1.25, m_shop 1.25, m_web 1.25, suite 1.
    # Ties at 1.25: foundations first, then m_shop before m_web by position.
    assert summary(roadmap) == [
        ("basics@1", 1, ("enabler", "next_level", "quick_win")),
        ("m_shop:2", 1, ("enabler", "next_level", "quick_win")),
        ("m_web:2", 1, ("next_level", "quick_win")),
        ("suite@1", 1, ("next_level",)),
    ]
    basics, shop, _web, suite = roadmap.items
    assert [s.key for s in basics.steps] == [("f_plan", 2), ("f_security", 2)]
    assert basics.reasons[0] == Reason("enabler", items=("m_shop:2",))
    assert basics.reasons[1] == Reason("next_level", levels=(("foundations", 2),))
    assert shop.reasons[0] == Reason("enabler", items=("suite@1",))
    assert (shop.needs, suite.needs, basics.needs) == (("basics@1",), ("m_shop:2",), ())
    # The suite: its steps' actions merged without the repeated one, the evidence of
    # both levels reached, the first step's owner and figure, the project's effort and
    # its cost for a small firm, the services in the questionnaire's order.
    assert suite.project == "suite" and [s.key for s in suite.steps] == [
        ("d_cad", 2),
        ("d_data", 2),
    ]
    assert [t.en for t in suite.how] == [
        "choose 3D software",
        "roll out the suite",
        "import drawings",
    ]
    assert [t.en for t in suite.evidence] == ["3D models", "vault screen"]
    assert (suite.owner, suite.effort, suite.watch) == (
        "it", "half_year", Text("研制周期", "development lead time"),
    )  # fmt: skip
    assert suite.cost is not None and suite.cost.id == "mid"
    assert suite.cost_cny == (40000, 160000)
    assert suite.services == ("consulting", "cloud")
    assert shop.project is None and shop.owner is None and shop.effort == "quarter"
    # Steps in plan order, each with its item's phase and its inherited priority.
    assert [(s.key, s.phase, s.priority) for s in roadmap.steps] == [
        (("f_plan", 2), 1, 1.25), (("f_security", 2), 1, 1.25), (("m_shop", 2), 1, 1.25),
        (("m_web", 2), 1, 1.25), (("d_cad", 2), 1, 1.0), (("d_data", 2), 1, 1.0),
    ]  # fmt: skip
    assert roadmap.services == ("consulting", "cloud", "security")
    # Phase 1 costs three cheap items (0–40,000) and the suite (40,000–160,000).
    first, second, third = roadmap.phase_costs
    assert (first.phase, first.low, first.high, first.midpoint) == (1, 40000, 280000, 160000)
    assert (first.limit, first.unpriced, first.revenue_share) == (None, (), None)
    assert (second.phase, second.low, second.high, third.phase, third.high) == (2, 0, 0, 3, 0)
    assert roadmap.later == [] and roadmap.items_in(2) == []


def test_priority_is_inherited_through_a_chain_and_an_enabler_goes_first() -> None:
    # Goal "grow" serves d_cad: its step to 2 weighs 1.5. It needs m_shop →2, which
    # needs f_plan →2: both inherit 1.5 (f_plan only through m_shop). Items: basics 1.5
    # (f_plan; f_security 1.25), suite 1.5, m_shop 1.5, m_web 1.25.
    roadmap = plan(goals=["grow"])
    steps = {s.key: s.priority for s in roadmap.steps}
    assert steps == {
        ("f_plan", 2): 1.5, ("f_security", 2): 1.25, ("m_shop", 2): 1.5,
        ("d_cad", 2): 1.5, ("d_data", 2): 1.0, ("m_web", 2): 1.25,
    }  # fmt: skip
    # At 1.5, basics (foundations) first; the suite comes before m_shop in the file,
    # but needs it: m_shop first.
    assert summary(roadmap) == [
        ("basics@1", 1, ("enabler", "next_level", "quick_win")),
        ("m_shop:2", 1, ("enabler", "next_level", "quick_win")),
        ("suite@1", 1, ("goal", "next_level")),
        ("m_web:2", 1, ("next_level", "quick_win")),
    ]
    assert item(roadmap, "suite@1").reasons[0] == Reason("goal", goals=("grow",))
    assert item(roadmap, "suite@1").priority == Fraction(3, 2)


def test_goal_and_quick_win_multiply_a_step_s_own_priority() -> None:
    # "safe" serves f_security: 1 × 1.5 (goal) × 1.25 (quick win) = 1.875; basics takes
    # its largest step's. d_cad's step (suite: no quick win) stays at its weight.
    roadmap = plan(goals=["safe"])
    steps = {s.key: s.priority for s in roadmap.steps}
    assert (steps[("f_security", 2)], steps[("d_cad", 2)], steps[("m_web", 2)]) == (1.875, 1, 1.25)
    basics = roadmap.items[0]
    assert (basics.id, basics.priority) == ("basics@1", Fraction(15, 8))
    assert basics.reasons[0] == Reason("goal", goals=("safe",))


def test_a_project_split_across_two_phases_is_two_items() -> None:
    # Design targeted at 3: d_cad →2 (suite, phase 1) and →3 (suite, phase 2 by its
    # level); d_data →2 (suite) and →3 (its own, 40,000–160,000). Nothing needs the
    # steps to 3 and design's next level is 2: they are there for the chosen target.
    roadmap = plan(targets={"design": 3})
    assert summary(roadmap) == [
        ("basics@1", 1, ("enabler", "next_level", "quick_win")),
        ("m_shop:2", 1, ("enabler", "next_level", "quick_win")),
        ("m_web:2", 1, ("next_level", "quick_win")),
        ("suite@1", 1, ("enabler", "next_level")),
        ("suite@2", 2, ("target",)),
        ("d_data:3", 2, ("target",)),
    ]
    # The step to 3 of each question needs its step to 2: the suite of phase 1 enables
    # both items of phase 2.
    assert item(roadmap, "suite@1").reasons[0] == Reason("enabler", items=("suite@2", "d_data:3"))
    assert [s.key for s in item(roadmap, "suite@2").steps] == [("d_cad", 3)]
    # Each phase pays for its part of the project.
    second = roadmap.phase_costs[1]
    assert (second.low, second.high) == (80000, 320000)


def test_capacity_moves_the_last_item_and_what_leaves_phase_3_is_after_this_plan() -> None:
    tight = changed(lambda data: data.update(phase_capacity=[1, 1, 1]))
    assert phase_capacities(tight) == (1, 1, 1)
    # Phase 1 in order: basics, m_shop, m_web, suite. It gives its last items to phase 2
    # one at a time (suite, m_web, m_shop); phase 2 (m_shop, m_web, suite) gives suite
    # then m_web to phase 3; phase 3 (m_web, suite) gives the suite to after the plan.
    roadmap = plan(questionnaire=tight)
    assert summary(roadmap) == [
        ("basics@1", 1, ("enabler", "next_level", "quick_win")),
        ("m_shop:2", 2, ("enabler", "next_level", "quick_win", "moved")),
        ("m_web:2", 3, ("next_level", "quick_win", "moved")),
        ("suite@4", LATER, ("next_level", "moved")),
    ]
    assert {r.by for i in roadmap.items for r in i.reasons if r.code == "moved"} == {"capacity"}
    assert [i.id for i in roadmap.later] == ["suite@4"]
    # Never dropped: its steps follow those of the three phases.
    assert [s.key for s in roadmap.steps] == [
        ("f_plan", 2),
        ("f_security", 2),
        ("m_shop", 2),
        ("m_web", 2),
    ]
    assert [(s.key, s.phase) for s in roadmap.later_steps] == [
        (("d_cad", 2), 4),
        (("d_data", 2), 4),
    ]
    assert [c.high for c in roadmap.phase_costs] == [40000, 40000, 40000]


def test_a_budget_moves_what_does_not_fit_and_cheaper_items_after_it_stay() -> None:
    # Order as with the goal "grow": basics, m_shop, suite, m_web. Budget 120,000:
    # phase 1 may cost 60,000 at midpoints. 20,000 + 20,000 + 100,000 (suite) is over:
    # the suite moves to phase 2 (up to 120,000); m_web then brings phase 1 to 60,000
    # exactly, which fits.
    roadmap = plan(goals=["grow"], budget=120000)
    assert summary(roadmap) == [
        ("basics@1", 1, ("enabler", "next_level", "quick_win")),
        ("m_shop:2", 1, ("enabler", "next_level", "quick_win")),
        ("m_web:2", 1, ("next_level", "quick_win")),
        ("suite@2", 2, ("goal", "next_level", "moved")),
    ]
    assert item(roadmap, "suite@2").reasons[-1] == Reason("moved", by="budget")
    first, second, third = roadmap.phase_costs
    assert (first.midpoint, first.limit, second.midpoint, second.limit) == (
        60000,
        60000,
        100000,
        120000,
    )
    assert third.limit == 180000
    # A budget of 119,998: phase 1 may cost 59,999; m_web moves too, and in phase 2
    # (up to 119,998) it comes after the suite: on to phase 3.
    smaller = plan(goals=["grow"], budget=119998)
    assert [(i.id, i.phase) for i in smaller.items] == [
        ("basics@1", 1), ("m_shop:2", 1), ("suite@2", 2), ("m_web:2", 3),
    ]  # fmt: skip


def test_what_costs_more_than_phase_3_may_goes_after_the_plan() -> None:
    # Every answer 4, target 5: one step to 5 per question, all in phase 3, priority 1,
    # foundations first. m_shop →5 costs 1–3% of revenue: 100,000–300,000 of 10 million;
    # the others 160,000–640,000 (midpoint 400,000). Budget 1 million: phase 3 may cost
    # 1.5 million. 400 + 400 + 400 + 400 (d_data) is over: d_data moves on; m_shop (200)
    # fits; m_web (400) does not.
    roadmap = plan(answers(4), revenue=10_000_000, budget=1_000_000)
    assert [(i.id, i.phase) for i in roadmap.items] == [
        ("f_plan:5", 3), ("f_security:5", 3), ("d_cad:5", 3), ("m_shop:5", 3),
        ("d_data:5", LATER), ("m_web:5", LATER),
    ]  # fmt: skip
    assert item(roadmap, "m_web:5").reasons[-1] == Reason("moved", by="budget")
    third = roadmap.phase_costs[2]
    assert (third.low, third.high, third.midpoint, third.limit) == (
        580000,
        2220000,
        1400000,
        1500000,
    )
    assert third.revenue_share == (Decimal("5.8"), Decimal("22.2"))
    # Without revenue the share of revenue is unpriced: it counts for nothing against the
    # budget, and the phase says so.
    unknown = plan(answers(4), budget=1_000_000)
    assert [i.id for i in unknown.items_in(3)] == [
        "f_plan:5",
        "f_security:5",
        "d_cad:5",
        "m_shop:5",
    ]
    shop = item(unknown, "m_shop:5")
    assert shop.cost is not None and shop.cost.id == "share" and shop.cost_cny is None
    third = unknown.phase_costs[2]
    assert (third.low, third.high, third.unpriced) == (480000, 1920000, ("m_shop:5",))
    assert third.revenue_share is None
    # Even at the limit: a budget of 800,000 lets phase 3 cost 1.2 million; the first
    # three take all of it, and m_shop, unpriced, still fits.
    exact = plan(answers(4), budget=800_000)
    assert [i.id for i in exact.items_in(3)] == ["f_plan:5", "f_security:5", "d_cad:5", "m_shop:5"]


def test_foundations_go_first_on_ties() -> None:
    # Every answer 3: steps to 4, all 160,000–640,000 over 6–12 months, weight 1, phase 3.
    # Design comes first in the file, foundations second.
    roadmap = plan(answers(3))
    assert [i.id for i in roadmap.items] == [
        "f_plan:4", "f_security:4", "d_cad:4", "d_data:4", "m_shop:4", "m_web:4",
    ]  # fmt: skip
    assert {i.reason_codes for i in roadmap.items} == {("next_level",)}
    assert roadmap.phase_costs[2].low == 6 * 160000


def test_the_size_class_prices_projects_and_decides_quick_wins() -> None:
    # A micro firm: the suite costs under 40,000 but takes 3–6 months (no quick win);
    # f_security's micro wording outsources it: a step of its own, and a quick win.
    # Five items: the suite, last, moves to phase 2.
    micro = plan(size="micro", variant="micro")
    assert [(i.id, i.phase) for i in micro.items] == [
        ("basics@1", 1), ("f_security:2", 1), ("m_shop:2", 1), ("m_web:2", 1), ("suite@2", 2),
    ]  # fmt: skip
    assert item(micro, "suite@2").cost_cny == (0, 40000)
    outsourced = item(micro, "f_security:2")
    assert (outsourced.how[0].en, outsourced.evidence[0].en) == (
        "sign a provider",
        "the service contract",
    )
    # A large firm: the basics cost 40,000–160,000, no quick win; f_plan →2 still
    # inherits 1.25 from m_shop →2.
    large = plan(size="large")
    assert summary(large)[0] == ("basics@1", 1, ("enabler", "next_level"))
    assert item(large, "suite@1").cost_cny == (160000, 640000)
    # Without a size class, a small firm's prices.
    assert OrganisationFacts().priced_as == SizeClass.SMALL


def test_items_that_need_each_other_go_together_in_rank_order() -> None:
    # d_cad →2 needs f_plan →2 and f_security →2 needs d_data →2: basics and the suite
    # need each other. d_data →2 inherits 1.25 from f_security →2: both items 1.25.
    def cycle(data: dict[str, Any]) -> None:
        question_data(data, "d_cad")["requires"] = [{"from": 2, "question": "f_plan", "level": 2}]
        question_data(data, "f_security")["requires"] = [
            {"from": 2, "question": "d_data", "level": 2}
        ]

    roadmap = plan(answers(m_shop=2, m_web=2), questionnaire=changed(cycle), targets={"market": 2})
    assert [(i.id, i.needs) for i in roadmap.items] == [
        ("basics@1", ("suite@1",)), ("suite@1", ("basics@1",)),
    ]  # fmt: skip


def test_an_item_that_needs_a_cycle_waits_for_all_of_it() -> None:
    # f_plan →2 needs d_cad →2, which needs m_shop →2, which needs d_data →2: the suite
    # and m_shop need each other, and basics needs them. f_plan's 1.25 goes up the
    # chain: all three items 1.25. Basics would go first in rank; it waits.
    def ring(data: dict[str, Any]) -> None:
        question_data(data, "f_plan")["requires"] = [{"from": 2, "question": "d_cad", "level": 2}]
        question_data(data, "m_shop")["requires"] = [{"from": 2, "question": "d_data", "level": 2}]

    roadmap = plan(answers(f_security=2, m_web=2), questionnaire=changed(ring))
    assert [i.id for i in roadmap.items] == ["suite@1", "m_shop:2", "basics@1"]
    assert {i.priority for i in roadmap.items} == {Fraction(5, 4)}


def test_the_roadmap_is_that_of_version_2_s_steps() -> None:
    # The same steps as roadmap 2 would plan (targets, prerequisites, effective targets).
    for given in (answers(), answers(0), answers(3, d_cad=0)):
        version_2 = build_roadmap(Q, given, score(Q, given), {"design": 4})
        version_3 = plan(given, targets={"design": 4})
        assert {s.key for s in version_3.steps} == {s.key for s in version_2.steps}
        assert version_3.effective_targets == version_2.effective_targets
        assert version_3.next_levels == version_2.next_levels
    with pytest.raises(InvalidPlanInput):
        plan(goals=["nope"])


def test_a_step_beyond_the_next_level_is_there_for_the_target() -> None:
    # Design at level 1 targeted at 4: d_cad →4 is beyond the next level (2), needs
    # nothing and is needed by nothing: the target is its only reason.
    roadmap = plan(answers(d_data=4), targets={"design": 4})
    assert item(roadmap, "d_cad:4").reasons == (Reason("target"),)
    assert item(roadmap, "suite@2").reasons == (Reason("enabler", items=("d_cad:4",)),)


def test_roadmap_2_of_a_format_3_file_limits_only_its_first_two_phases() -> None:
    tight = changed(lambda data: data.update(phase_capacity=[1, 1, 1]))
    given = answers()
    roadmap = build_roadmap(tight, given, score(tight, given))
    # Six steps to 2: one stays in phase 1, one in phase 2, four in phase 3.
    assert [s.phase for s in roadmap.steps] == [1, 2, 3, 3, 3, 3]


def test_priority_comes_before_the_enabler_rule() -> None:
    # "grow" serves d_data instead: the suite weighs 1.5 by d_data →2, while the
    # m_shop →2 it needs (for d_cad →2) inherits only d_cad's 1 and keeps its own 1.25.
    def grow_data(data: dict[str, Any]) -> None:
        data["goals"][0]["questions"] = ["d_data"]

    roadmap = plan(questionnaire=changed(grow_data), goals=["grow"])
    assert [(i.id, i.priority) for i in roadmap.items] == [
        ("suite@1", Fraction(3, 2)), ("basics@1", Fraction(5, 4)),
        ("m_shop:2", Fraction(5, 4)), ("m_web:2", Fraction(5, 4)),
    ]  # fmt: skip
    assert roadmap.items[0].needs == ("m_shop:2",)


def test_sme_digital_3_bundles_the_erp_steps_in_the_questionnaire_s_order() -> None:
    shipped = load_file(ROOT / "questionnaires" / "sme-digital" / "3.0.0.yaml")
    given = {q.id: 1 for q in shipped.questions}
    roadmap = build_item_roadmap(shipped, given, score(shipped, given))
    erp = next(i for i in roadmap.items if i.project == "erp")
    # Foundations first, then the questionnaire's order (production, market, decisions).
    assert [s.question_id for s in erp.steps] == [
        "fd_systems_coverage", "pp_purchasing", "md_logistics", "bd_core_systems",
    ]  # fmt: skip
    assert erp.owner == "it_lead" and erp.effort == "months_3_6"
