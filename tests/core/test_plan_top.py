"""The three most important next steps name three distinct practices: never
one question's next two levels, nor one project in two phases, nor a question twice,
whether the plan is computed, edited, or the editor chose them.

Worked on the roadmap-3 fixture of test_plan_items (``ROADMAP``: phase 1: basics@1,
m_shop:2, m_web:2, suite@1 (d_cad →2, d_data →2); phase 2: suite@2 (d_cad →3),
d_data:3) and on the roadmap-2 questionnaire of test_plan (b has steps to 1 and 2).
"""

from __future__ import annotations

from maturity.core.plan import Plan, PlanEdits, apply_edits, computed_plan, grouped
from tests.core.test_plan import roadmap as roadmap_2
from tests.core.test_plan_items import ROADMAP, edited


def practices(plan: Plan) -> list[set[str]]:
    """Per step of the top, the questions and the project its item names."""
    item_of = {s.key: item for item in grouped((*plan.steps, *plan.later)) for s in item.steps}
    found = []
    for planned in plan.top:
        item = item_of[planned.key]
        found.append({s.key[0] for s in item.steps} | ({item.project} if item.project else set()))
    return found


def distinct(plan: Plan) -> bool:
    named = practices(plan)
    return all(not (a & b) for i, a in enumerate(named) for b in named[i + 1 :])


def test_roadmap_2_names_a_question_once_by_its_first_step() -> None:
    plan = computed_plan(roadmap_2())
    # b's steps to 1 and 2 come first; the second is not a step of a practice of its own.
    assert [s.key for s in plan.steps][:2] == [("b", 1), ("b", 2)]
    assert [s.key for s in plan.top] == [("b", 1), ("a", 1), ("c", 1)]
    assert distinct(plan)


def test_an_edited_order_cannot_make_a_project_or_a_question_lead_twice() -> None:
    # The editor puts both suites and d_data's level 3 first.
    plan = edited(
        ROADMAP,
        {
            "steps": [
                {"item": "suite@1", "phase": 1},
                {"item": "d_data:3", "phase": 1},
                {"item": "suite@2", "phase": 2},
                {"item": "basics@1", "phase": 2},
                {"item": "m_shop:2", "phase": 2},
                {"item": "m_web:2", "phase": 2},
            ]
        },
    )
    assert [i.id for i in plan.items][:4] == ["suite@1", "d_data:3", "suite@2", "basics@2"]
    # d_data is in suite@1 already, suite@2 is the same project: both left out.
    assert [s.key for s in plan.top] == [("d_cad", 2), ("f_plan", 2), ("m_shop", 2)]
    assert distinct(plan) and len(plan.top) == 3


def test_the_editor_s_choice_keeps_the_first_of_two_naming_one_practice() -> None:
    plan = apply_edits(roadmap_2(), PlanEdits(steps=(), top=(("b", 2), ("b", 1), ("a", 1))))
    assert [s.key for s in plan.top] == [("b", 2), ("a", 1)]
    suites = edited(ROADMAP, {"top": [{"item": "suite@1"}, {"item": "suite@2"}]})
    assert [s.key for s in suites.top] == [("d_cad", 2)]


def test_a_choice_left_out_is_named_with_the_earlier_choice_it_repeats() -> None:
    # b's step to 1 repeats the question of its step to 2, chosen first.
    plan = apply_edits(roadmap_2(), PlanEdits(steps=(), top=(("b", 2), ("b", 1), ("a", 1))))
    assert plan.repeated == ((("b", 1), ("b", 2)),)
    # suite@2 is suite@1's project in the next phase; d_data:3 is suite@1's question
    # d_data. Each is named with the first choice whose practice it repeats.
    suites = edited(
        ROADMAP,
        {"top": [{"item": "m_shop:2"}, {"item": "suite@1"}, {"item": "suite@2"}]},
    )
    assert [s.key for s in suites.top] == [("m_shop", 2), ("d_cad", 2)]
    assert suites.repeated == ((("d_cad", 3), ("d_cad", 2)),)
    data = edited(ROADMAP, {"top": [{"item": "suite@1"}, {"item": "d_data:3"}]})
    assert data.repeated == ((("d_data", 3), ("d_cad", 2)),)
    # Distinct practices: nothing left out; nor does the computed plan, which leaves
    # out what it does not choose, report anything.
    distinct_choice = edited(ROADMAP, {"top": [{"item": "suite@1"}, {"item": "m_web:2"}]})
    assert distinct_choice.repeated == () and len(distinct_choice.top) == 2
    assert computed_plan(roadmap_2()).repeated == () and computed_plan(ROADMAP).repeated == ()
    assert apply_edits(ROADMAP, PlanEdits(steps=())).repeated == ()
