"""The curated plan of a roadmap-3 round: edits on items and on the steps inside them,
worked by hand on tests/fixtures/questionnaires/roadmap-3.yaml (see test_roadmap_items).

``ROADMAP``: every answer 1, design targeted at 3, a small firm —
phase 1: basics@1 (f_plan →2, f_security →2), m_shop:2, m_web:2, suite@1 (d_cad →2,
d_data →2); phase 2: suite@2 (d_cad →3), d_data:3.
``TIGHT``: every answer 1, capacities [1, 1, 1] — basics@1 in phase 1, m_shop:2 in 2,
m_web:2 in 3, suite@4 (d_cad →2, d_data →2) after this plan.
"""

from __future__ import annotations

from typing import Any

from maturity.core.plan import PlanEdits, StepEdit, apply_edits, computed_plan, grouped
from maturity.core.plan_edits import edits_from_json, expand_items, parse_edits
from maturity.core.roadmap import build_roadmap
from maturity.core.roadmap_items import LATER, ItemRoadmap
from maturity.core.scoring import score
from tests.core.factories import build, question
from tests.core.test_roadmap_items import changed, plan

ROADMAP = plan(targets={"design": 3})
TIGHT = plan(questionnaire=changed(lambda data: data.update(phase_capacity=[1, 1, 1])))


def edited(roadmap: ItemRoadmap, raw: dict[str, Any]):  # type: ignore[no-untyped-def]
    """``raw`` (which may name items of the computed plan) checked and applied."""
    edits, problems = parse_edits(roadmap, expand_items(computed_plan(roadmap), raw))
    assert problems == [] and edits is not None
    return apply_edits(roadmap, edits)


def items(plan_or_items: Any) -> list[tuple[str, int, list[tuple[str, int]]]]:
    found = plan_or_items.items if hasattr(plan_or_items, "items") else plan_or_items
    return [(i.id, i.phase, [s.key for s in i.steps]) for i in found]


def test_the_computed_plan_has_the_roadmap_s_items_and_the_top_items_lead_steps() -> None:
    computed = computed_plan(TIGHT)
    assert items(computed) == [
        ("basics@1", 1, [("f_plan", 2), ("f_security", 2)]),
        ("m_shop:2", 2, [("m_shop", 2)]),
        ("m_web:2", 3, [("m_web", 2)]),
    ]
    assert items(computed.later_items) == [("suite@4", LATER, [("d_cad", 2), ("d_data", 2)])]
    assert [s.key for s in computed.top] == [("f_plan", 2), ("m_shop", 2), ("m_web", 2)]
    # The steps after the plan are the plan's too: a status can be kept for them.
    later = computed.step(("d_cad", 2))
    assert later is not None and later.phase == LATER and later.item is not None
    assert [s.key for s in computed.phase(LATER)] == [("d_cad", 2), ("d_data", 2)]
    basics = computed.items[0]
    assert [i.id for i in basics.sources] == ["basics@1"] and basics.project == "basics"
    assert all(s.pinned is False and s.new is False for s in (*computed.steps, *computed.later))
    assert (basics.text, basics.pinned, basics.new, basics.moved) == (None, False, False, False)


def test_an_item_moved_pinned_and_reworded_is_its_steps_and_joins_its_project() -> None:
    plan_ = edited(
        ROADMAP,
        {
            "steps": [
                {"item": "basics@1", "phase": 1},
                {"item": "m_shop:2", "phase": 1},
                {"item": "suite@1", "phase": 2, "text": "先上套件", "pinned": True},
                {"item": "suite@2", "phase": 2},
                {"item": "d_data:3", "phase": 2},
            ],
            "summary": "套件放到第二阶段",
        },
    )
    # The suite of phase 1, moved and pinned, joins the suite of phase 2 at its head;
    # m_web, left out, is new at the end of its phase.
    assert items(plan_) == [
        ("basics@1", 1, [("f_plan", 2), ("f_security", 2)]),
        ("m_shop:2", 1, [("m_shop", 2)]),
        ("m_web:2", 1, [("m_web", 2)]),
        ("suite@2", 2, [("d_cad", 2), ("d_data", 2), ("d_cad", 3)]),
        ("d_data:3", 2, [("d_data", 3)]),
    ]
    suite = plan_.items[3]
    assert (suite.text, suite.pinned, suite.moved, suite.new) == ("先上套件", True, True, False)
    assert [i.id for i in suite.sources] == ["suite@1", "suite@2"]
    assert [s.text for s in suite.steps] == ["先上套件", None, None]
    assert plan_.items[2].new and not plan_.items[0].new
    assert [s.key for s in plan_.top] == [("f_plan", 2), ("m_shop", 2), ("m_web", 2)]
    assert plan_.early == () and plan_.summary == "套件放到第二阶段"


def test_a_step_moved_out_of_its_item_leaves_the_rest_where_they_are() -> None:
    plan_ = edited(
        ROADMAP,
        {
            "steps": [
                {"item": "basics@1", "phase": 1},
                {"item": "m_shop:2", "phase": 1},
                {"item": "m_web:2", "phase": 1},
                {"question": "d_cad", "level": 2, "phase": 1},
                {"question": "d_data", "level": 2, "phase": 2, "text": "明年再做"},
                {"item": "suite@2", "phase": 2},
                {"item": "d_data:3", "phase": 2},
            ]
        },
    )
    assert items(plan_)[3:] == [
        ("suite@1", 1, [("d_cad", 2)]),
        ("suite@2", 2, [("d_data", 2), ("d_cad", 3)]),
        ("d_data:3", 2, [("d_data", 3)]),
    ]
    assert plan_.items[4].text == "明年再做"


def test_an_item_removed_or_among_the_most_important_is_its_steps() -> None:
    plan_ = edited(
        ROADMAP,
        {"removed": [{"item": "basics@1"}], "top": [{"item": "suite@1"}, {"item": "m_web:2"}]},
    )
    assert [s.key for s in plan_.removed] == [("f_plan", 2), ("f_security", 2)]
    assert [s.key for s in plan_.top] == [("d_cad", 2), ("m_web", 2)]
    assert [i.id for i in plan_.items] == ["m_shop:2", "m_web:2", "suite@1", "suite@2", "d_data:3"]
    # m_shop needs f_plan →2, removed: no warning.
    assert plan_.early == ()


def test_edits_naming_what_is_no_item_of_the_plan_are_conflicts() -> None:
    computed = computed_plan(ROADMAP)
    raw = {"removed": [{"item": "nope@1"}], "steps": [{"item": "suite@9", "phase": 1}, 7]}
    _none, problems = parse_edits(ROADMAP, expand_items(computed, raw))
    assert problems == [
        "steps[0]: 'suite@9' is not an item of this plan",
        "steps[1]: must be an object with question and level",
        "removed[0]: 'nope@1' is not an item of this plan",
    ]
    assert [p.conflict for p in problems] == [True, False, True]
    # A step that is not the roadmap's is named once, whatever else is wrong with it.
    _none, problems = parse_edits(ROADMAP, {"steps": [{"question": "zz", "level": 1, "phase": 9}]})
    assert problems == ["steps[0]: 'zz' to level 1 is not a step of this roadmap"]
    # Anything but an object of lists is left for parse_edits to refuse.
    assert expand_items(computed, [1]) == [1]
    assert expand_items(computed, {"steps": "all"}) == {"steps": "all"}


def test_items_move_after_the_plan_and_back() -> None:
    plan_ = edited(
        TIGHT,
        {
            "steps": [
                {"item": "basics@1", "phase": 1},
                {"item": "m_shop:2", "phase": 2},
                {"item": "m_web:2", "phase": 4},
                {"item": "suite@4", "phase": 3},
            ]
        },
    )
    assert items(plan_) == [
        ("basics@1", 1, [("f_plan", 2), ("f_security", 2)]),
        ("m_shop:2", 2, [("m_shop", 2)]),
        ("suite@3", 3, [("d_cad", 2), ("d_data", 2)]),
    ]
    assert items(plan_.later_items) == [("m_web:2", LATER, [("m_web", 2)])]
    assert plan_.items[2].moved and plan_.later_items[0].moved
    # An editor that lists only the three phases leaves the steps after the plan there,
    # not as new steps.
    plan_ = edited(
        TIGHT,
        {
            "steps": [
                {"item": "basics@1", "phase": 1},
                {"item": "m_shop:2", "phase": 2},
                {"item": "m_web:2", "phase": 3},
            ]
        },
    )
    assert [(i.id, i.new) for i in plan_.later_items] == [("suite@4", False)]
    # Phase 4 is after the plan for roadmap 3 only.
    _none, problems = parse_edits(TIGHT, {"steps": [{"question": "m_web", "level": 2, "phase": 5}]})
    assert problems == ["steps[0].phase: 5 is not 1, 2, 3 or 4"]
    edits = PlanEdits(steps=(StepEdit(("m_web", 2), LATER, "以后再说", True),))
    assert edits_from_json(edits.to_json()) == edits


def test_edits_stored_as_steps_keep_working_on_items() -> None:
    stored = {
        "steps": [
            {"question": "d_data", "level": 2, "phase": 2, "text": "旧的改写", "pinned": False}
        ],
        "removed": [],
        "top": [{"question": "d_data", "level": 2}],
        "summary": "旧修订",
    }
    plan_ = apply_edits(ROADMAP, edits_from_json(stored))
    assert items(plan_) == [
        ("basics@1", 1, [("f_plan", 2), ("f_security", 2)]),
        ("m_shop:2", 1, [("m_shop", 2)]),
        ("m_web:2", 1, [("m_web", 2)]),
        ("suite@1", 1, [("d_cad", 2)]),
        ("suite@2", 2, [("d_data", 2), ("d_cad", 3)]),
        ("d_data:3", 2, [("d_data", 3)]),
    ]
    suite = plan_.items[4]
    assert (suite.text, suite.new) == ("旧的改写", False)
    assert [s.key for s in plan_.top] == [("d_data", 2)]
    assert plan_.step(("d_cad", 3)) is not None and plan_.step(("d_cad", 3)).new  # type: ignore[union-attr]


def test_in_a_version_2_plan_every_step_is_an_item_of_its_own() -> None:
    questionnaire = build({"d": [question("a"), question("b")]})
    answers = {"a": 0, "b": 0}
    roadmap = build_roadmap(questionnaire, answers, score(questionnaire, answers), {"d": 2})
    computed = computed_plan(roadmap)
    assert [i.id for i in computed.items] == ["a:1", "a:2", "b:1", "b:2"]
    assert all(i.sources == () for i in computed.items) and computed.later == ()
    assert grouped(()) == ()
