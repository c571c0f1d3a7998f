"""The curated plan: edits applied to the roadmap, checked, and what no longer fits."""

from __future__ import annotations

from maturity.core.plan import PlanEdits, StepEdit, apply_edits, computed_plan
from maturity.core.plan_edits import edits_from_json, parse_edits
from maturity.core.roadmap import build_roadmap
from maturity.core.scoring import score
from tests.core.factories import build, question

QUESTIONNAIRE = build(
    {"d": [question("a", weight=3), question("b", weight=2), question("c", requires={"b": 2})]}
)
ANSWERS = {"a": 0, "b": 0, "c": 0}


def roadmap(targets: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
    return build_roadmap(QUESTIONNAIRE, ANSWERS, score(QUESTIONNAIRE, ANSWERS), targets)


def keys(steps) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(s.key[0], s.key[1], s.phase) for s in steps]


def test_the_computed_plan_is_the_roadmap() -> None:
    plan = computed_plan(roadmap())
    # Target 1 everywhere; c needs b at 2, so b has steps to 1 and 2.
    assert keys(plan.steps) == [("b", 1, 1), ("b", 2, 1), ("a", 1, 1), ("c", 1, 1)]
    # The top three name three practices: b once (its first step), then a and c.
    assert [s.key for s in plan.top] == [("b", 1), ("a", 1), ("c", 1)]
    assert not plan.edited and plan.stale == () and plan.early == ()


def test_edits_reorder_move_pin_reword_remove_and_choose_the_top() -> None:
    edits = PlanEdits(
        steps=(
            StepEdit(("a", 1), 1, "先把目标写下来"),
            StepEdit(("b", 1), 2),
            StepEdit(("b", 2), 2),
            StepEdit(("c", 1), 2, pinned=True),
        ),
        removed=(),
        top=(("c", 1), ("a", 1)),
        summary="数据治理优先。",
    )
    plan = apply_edits(roadmap(), edits)
    # Pinned first within its phase; otherwise the edited order.
    assert keys(plan.steps) == [("a", 1, 1), ("c", 1, 2), ("b", 1, 2), ("b", 2, 2)]
    assert plan.step(("a", 1)).text == "先把目标写下来"  # type: ignore[union-attr]
    assert plan.step(("b", 1)).moved  # type: ignore[union-attr]
    assert [s.key for s in plan.top] == [("c", 1), ("a", 1)]
    assert plan.summary == "数据治理优先。"
    # c (needs b at 2) is pinned ahead of b's steps in the same phase: not earlier in
    # phase, so no warning; moving c to phase 1 would be one.
    assert plan.early == ()
    early = apply_edits(
        roadmap(),
        PlanEdits(steps=(StepEdit(("c", 1), 1), StepEdit(("b", 1), 2), StepEdit(("b", 2), 2))),
    )
    assert early.early == ((("c", 1), ("b", 2)),)
    # a, left out of the edits, is a step the editor has not seen: added, flagged new.
    assert early.step(("a", 1)).new  # type: ignore[union-attr]


def test_edits_that_no_longer_fit_are_reported_and_new_steps_added() -> None:
    edits = PlanEdits(steps=(StepEdit(("a", 1), 1), StepEdit(("c", 1), 1)), removed=(("b", 1),))
    # Target 2 instead of 1: a and c get steps to 2, b's steps stay.
    plan = apply_edits(roadmap({"d": 2}), edits)
    assert plan.stale == ()
    assert [s.key for s in plan.removed] == [("b", 1)]
    assert {s.key for s in plan.steps if s.new} == {("a", 2), ("b", 2), ("c", 2)}
    # Target 0: nothing to do; every edit is stale.
    empty = apply_edits(roadmap({"d": 0}), edits)
    assert empty.steps == () and set(empty.stale) == {("a", 1), ("c", 1), ("b", 1)}


def test_edits_are_checked_and_round_trip_through_json() -> None:
    current = roadmap()
    raw = {
        "steps": [{"question": "a", "level": 1, "phase": 3, "text": " 改写 ", "pinned": True}],
        "removed": [{"question": "b", "level": 1}],
        "top": [{"question": "a", "level": 1}],
        "summary": " 概要 ",
    }
    edits, problems = parse_edits(current, raw)
    assert problems == [] and edits is not None
    assert edits.steps == (StepEdit(("a", 1), 3, "改写", True),) and edits.summary == "概要"
    assert edits_from_json(edits.to_json()) == edits
    bad = {
        "steps": [
            {"question": "a", "level": 1, "phase": 4},
            {"question": "zz", "level": 1, "phase": 1},
            {"question": "b", "level": 1, "phase": 1, "pinned": "yes"},
        ],
        "removed": [{"question": "b", "level": 2}, "x"],
        "top": [{"question": "b", "level": 2}] * 4,
        "summary": 5,
    }
    assert parse_edits(current, bad) == (
        None,
        [
            "steps[0].phase: 4 is not 1, 2 or 3",
            "steps[1]: 'zz' to level 1 is not a step of this roadmap",
            "steps[2].pinned: must be true or false",
            "removed[1]: must be an object with question and level",
            "summary: at most 5000 characters of text",
            "top: at most 3 steps",
            "top: a removed step cannot be among the most important",
        ],
    )
    # Well formed but not fitting the roadmap: a conflict, not malformed.
    _none, conflicts = parse_edits(current, {"top": [{"question": "a", "level": 4.0}]})
    assert conflicts == ["top[0]: 'a' to level 4 is not a step of this roadmap"]
    assert conflicts[0].conflict
    _none, malformed = parse_edits(
        current, {"top": None, "removed": [{"question": "a", "level": True}]}
    )
    assert malformed == ["removed[0]: needs a question id and a whole level", "top: must be a list"]
    assert not any(p.conflict for p in malformed)
    assert parse_edits(current, [1])[1] == [
        "the plan must be an object with steps, removed, top and summary"
    ]


def test_the_computed_and_the_edited_plan_say_exactly_what_they_are() -> None:
    computed = computed_plan(roadmap())
    assert all(
        (s.text, s.pinned, s.new, s.moved) == (None, False, False, False) for s in computed.steps
    )
    assert (computed.removed, computed.summary, computed.edited) == ((), "", False)
    assert computed.step(("zz", 9)) is None
    # Edits listing nothing: every step is new (unpinned), the top is the first three
    # distinct practices.
    fresh = apply_edits(roadmap(), PlanEdits(steps=()))
    assert fresh.edited is True
    assert all(s.new and not s.pinned and s.text is None for s in fresh.steps)
    assert [s.key for s in fresh.top] == [("b", 1), ("a", 1), ("c", 1)]


def test_a_step_placed_before_its_own_lower_step_is_named() -> None:
    edits = PlanEdits(
        steps=(
            StepEdit(("b", 2), 1),
            StepEdit(("b", 1), 2),
            StepEdit(("a", 1), 1),
            StepEdit(("c", 1), 3),
        )
    )
    plan = apply_edits(roadmap(), edits)
    assert plan.early == ((("b", 2), ("b", 1)),)


def test_stored_revisions_without_some_lists_read_as_empty() -> None:
    assert edits_from_json({"summary": "只有概要"}) == PlanEdits(steps=(), summary="只有概要")
    assert edits_from_json({}) == PlanEdits(steps=())


def test_every_malformed_edit_is_named() -> None:
    current = roadmap()
    long_text = "字" * 2001
    bad = {
        "steps": [
            {"question": "a", "level": 1.0, "phase": 2.0, "text": long_text},
            {"question": "b", "level": 1, "phase": 1, "text": 5},
            {"question": "b", "level": 2, "phase": True},
            {"question": 3, "level": 1, "phase": 1},
            "not an object",
        ],
        "removed": "b",
        "top": [{"question": "c", "level": 1}, {"question": "c", "level": 1}],
        "summary": "字" * 5001,
        "colour": "red",
    }
    _none, problems = parse_edits(current, bad)
    assert problems == [
        "steps[0].text: at most 2000 characters of text",
        "steps[1].text: at most 2000 characters of text",
        "steps[2].phase: True is not 1, 2 or 3",
        "steps[3]: needs a question id and a whole level",
        "steps[4]: must be an object with question and level",
        "removed: must be a list",
        "summary: at most 5000 characters of text",
        "unknown keys: colour",
        "top: each step once",
    ]
    assert [p.conflict for p in problems][-1] is True
    # Whole numbers written as 1.0 are whole; a step listed twice is a conflict.
    twice = {"steps": [{"question": "a", "level": 1.0, "phase": 1.0}] * 2}
    _none, problems = parse_edits(current, twice)
    assert (
        problems == ["a step may be listed once, either kept or removed"] and problems[0].conflict
    )
    kept_and_removed = {
        "steps": [{"question": "a", "level": 1, "phase": 1}],
        "removed": [{"question": "a", "level": 1}],
    }
    assert parse_edits(current, kept_and_removed)[1] == [
        "a step may be listed once, either kept or removed"
    ]
    edits, problems = parse_edits(
        current, {"steps": [{"question": "a", "level": 1.0, "phase": 2.0}]}
    )
    assert problems == [] and edits is not None and edits.steps == (StepEdit(("a", 1), 2),)
    # Blank text is no text.
    edits, _problems = parse_edits(
        current, {"steps": [{"question": "a", "level": 1, "phase": 1, "text": "  "}]}
    )
    assert edits is not None and edits.steps[0].text is None


def test_edit_boundaries_and_defaults() -> None:
    current = roadmap()
    exactly = {
        "steps": [{"question": "a", "level": 1, "phase": 1, "text": "字" * 2000}],
        "top": [
            {"question": "b", "level": 1},
            {"question": "b", "level": 2},
            {"question": "a", "level": 1},
        ],
        "summary": "字" * 5000,
    }
    edits, problems = parse_edits(current, exactly)
    assert problems == [] and edits is not None and len(edits.top) == 3
    assert edits.summary == "字" * 5000
    assert parse_edits(current, {})[0] == PlanEdits(steps=(), summary="")
    # Every bad step is named, not only the first; a key beside one is named too.
    _none, problems = parse_edits(
        current,
        {
            "steps": [
                {"question": "a", "level": 1, "phase": 1, "text": 1},
                {"question": "b", "level": "1", "phase": 1},
                {"question": "b", "level": 2, "phase": 9},
            ],
            "summary": None,
            "zone": 1,
            "area": 2,
        },
    )
    assert problems == [
        "steps[0].text: at most 2000 characters of text",
        "steps[1]: needs a question id and a whole level",
        "steps[2].phase: 9 is not 1, 2 or 3",
        "summary: at most 5000 characters of text",
        "unknown keys: area, zone",
    ]
    _none, problems = parse_edits(
        current,
        {"removed": [{"question": "a", "level": 1}], "top": [{"question": "a", "level": 1}]},
    )
    assert problems == ["top: a removed step cannot be among the most important"]
    assert problems[0].conflict is True
    _none, problems = parse_edits(current, {"steps": "all"})
    assert problems == ["steps: must be a list"]


def test_a_removed_prerequisite_raises_no_warning_and_phases_list_their_steps() -> None:
    edits = PlanEdits(
        steps=(StepEdit(("a", 1), 1), StepEdit(("c", 1), 1)), removed=(("b", 1), ("b", 2))
    )
    plan = apply_edits(roadmap(), edits)
    assert plan.early == ()
    assert [s.key for s in plan.phase(1)] == [("a", 1), ("c", 1)] and plan.phase(2) == []


def test_a_bad_pin_does_not_hide_the_steps_after_it() -> None:
    _none, problems = parse_edits(
        roadmap(),
        {
            "steps": [
                {"question": "a", "level": 1, "phase": 1, "pinned": "yes"},
                {"question": "b", "level": 1, "phase": 0},
            ]
        },
    )
    assert problems == [
        "steps[0].pinned: must be true or false",
        "steps[1].phase: 0 is not 1, 2 or 3",
    ]
