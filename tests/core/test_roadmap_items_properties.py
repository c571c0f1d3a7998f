"""Properties of roadmap version 3 that hold for every questionnaire, answer set,
organisation and budget: random format-3 questionnaires on the bands and projects of
tests/fixtures/questionnaires/roadmap-3.yaml, and the shipped sme-digital 3.0.0."""

from __future__ import annotations

import random
from decimal import Decimal
from functools import cache
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.core.questionnaire import Questionnaire, load_file, parse
from maturity.core.reference import SizeClass
from maturity.core.roadmap import PhasedSteps
from maturity.core.roadmap_costs import OrganisationFacts
from maturity.core.roadmap_items import (
    ITEM_REASONS,
    LATER,
    MOVED_BY,
    PLAN_PHASES,
    ItemRoadmap,
    build_item_roadmap,
    phase_capacities,
)
from maturity.core.scoring import NOT_APPLICABLE, score
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "questionnaires" / "roadmap-3.yaml"
PROJECTS = (None, "suite", "basics")
COSTS = (None, "cheap", "mid", "big", "share")
EFFORTS = (None, "weeks", "quarter", "half_year", "year")


@cache
def base() -> dict[str, Any]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@cache
def shipped() -> Questionnaire:
    return load_file(ROOT / "questionnaires" / "sme-digital" / "3.0.0.yaml")


def text(label: str) -> dict[str, str]:
    return {"zh": f"{label}（中文）", "en": label}


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    """Up to three dimensions (foundations anywhere among them) of one to four
    questions; a question may require an earlier one; a recommendation may name a
    project and its own effort and cost."""
    dimension_ids = draw(st.permutations(["design", "foundations", "market"]))
    dimensions = []
    earlier: list[str] = []
    for dimension_id in dimension_ids[: draw(st.integers(1, 3))]:
        questions = []
        for n in range(draw(st.integers(1, 4))):
            question_id = f"{dimension_id[0]}{n}"
            recommendations = {}
            for level in range(1, 6):
                entry: dict[str, Any] = {
                    **text(f"reach {level} of {question_id}"),
                    "services": [draw(st.sampled_from(["consulting", "cloud", "security"]))],
                    "how": [text(f"how {question_id} {level} {k}") for k in "ab"],
                }
                for name, choices in (("project", PROJECTS), ("cost", COSTS), ("effort", EFFORTS)):
                    chosen = draw(st.sampled_from(choices))
                    if chosen is not None:
                        entry[name] = chosen
                recommendations[level] = entry
            raw: dict[str, Any] = {
                "id": question_id,
                "article_ref": "2",
                "crosswalk": {"miit_2024": "none", "gbt_39116": "none"},
                "weight": draw(st.sampled_from([0.5, 1, 1.5, 2])),
                "allow_na": draw(st.booleans()),
                "title": text(f"Question {question_id}"),
                "help": text("help"),
                "levels": [
                    {
                        **text(f"{question_id} at {v}"),
                        **({"evidence": text(f"proof {question_id} {v}")} if v else {}),
                    }
                    for v in range(6)
                ],
                "recommendations": recommendations,
            }
            if earlier and draw(st.booleans()):
                raw["requires"] = [
                    {
                        "from": draw(st.integers(1, 5)),
                        "question": draw(st.sampled_from(earlier)),
                        "level": draw(st.integers(1, 5)),
                    }
                ]
            questions.append(raw)
            earlier.append(question_id)
        dimensions.append(
            {
                "id": dimension_id,
                "label": text(dimension_id),
                "description": text(dimension_id),
                "questions": questions,
            }
        )
    data = {
        **base(),
        "dimensions": dimensions,
        "goals": [
            {"id": "one", "label": text("one"), "questions": [earlier[0]]},
            {"id": "two", "label": text("two"), "questions": earlier[-2:]},
        ],
        "phase_capacity": [draw(st.integers(1, 4)) for _ in range(3)],
    }
    return parse(yaml.safe_dump(data, allow_unicode=True))


@st.composite
def roadmaps(draw: st.DrawFn) -> tuple[ItemRoadmap, dict[str, Any], OrganisationFacts]:
    questionnaire = shipped() if draw(st.integers(0, 3)) == 0 else draw(questionnaires())
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        answers[q.id] = draw(
            st.sampled_from([*range(6), *([NOT_APPLICABLE] if q.allow_na else [])])
        )
    targets = {
        d.id: draw(st.integers(0, 5)) for d in questionnaire.dimensions if draw(st.booleans())
    }
    goal_ids = [g.id for g in questionnaire.goals]
    goals = draw(st.lists(st.sampled_from(goal_ids), unique=True, max_size=2))
    facts = OrganisationFacts(
        draw(st.sampled_from(list(SizeClass))),
        draw(st.sampled_from([None, Decimal(2_000_000), Decimal(86_000_000)])),
        draw(
            st.sampled_from(
                [None, Decimal(0), Decimal(60_000), Decimal(500_000), Decimal(3_000_000)]
            )
        ),
    )
    scores = score(questionnaire, answers)
    assessed = {d for d, r in scores.dimensions.items() if r.assessed}
    targets = {d: level for d, level in targets.items() if d in assessed}
    roadmap = build_item_roadmap(questionnaire, answers, scores, targets, goals, organisation=facts)
    return (
        roadmap,
        {"questionnaire": questionnaire, "answers": answers, "targets": targets, "goals": goals},
        facts,
    )


def reaches(roadmap: ItemRoadmap, start: str, goal: str) -> bool:
    """Whether ``start`` needs ``goal``, directly or through other items."""
    needs = {item.id: item.needs for item in roadmap.items}
    seen, todo = set(), [start]
    while todo:
        for needed in needs[todo.pop()]:
            if needed == goal:
                return True
            if needed not in seen:
                seen.add(needed)
                todo.append(needed)
    return False


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_no_item_comes_before_an_item_it_needs(case: Any) -> None:
    roadmap, _inputs, _facts = case
    position = {item.id: n for n, item in enumerate(roadmap.items)}
    items = {item.id: item for item in roadmap.items}
    for item in roadmap.items:
        for needed_id in item.needs:
            needed = items[needed_id]
            assert needed.phase <= item.phase
            if position[needed_id] > position[item.id]:
                # Only a higher priority, or items that need each other, go first.
                assert needed.phase == item.phase
                assert item.priority > needed.priority or reaches(roadmap, needed_id, item.id)
    phase = {step.key: step.phase for step in roadmap.steps}
    for step in roadmap.steps:
        for p in step.prerequisites:
            assert phase.get((p.question_id, p.level), 0) <= step.phase
        assert phase.get((step.question_id, step.from_level), 0) <= step.phase


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_every_step_of_a_project_in_a_phase_is_in_one_item_and_none_is_dropped(case: Any) -> None:
    roadmap, inputs, _facts = case
    holder: dict[tuple[str, int], str] = {}
    for item in roadmap.items:
        assert item.steps and {s.phase for s in item.steps} == {item.phase}
        assert {s.recommendation.project for s in item.steps} == {item.project}
        if item.project is None:
            assert len(item.steps) == 1
        for step in item.steps:
            holder[step.key] = item.id
    by_project: dict[tuple[str, int], set[str]] = {}
    for step in roadmap.steps:
        if step.recommendation.project is not None:
            by_project.setdefault((step.recommendation.project, step.phase), set()).add(
                holder[step.key]
            )
    assert all(len(ids) == 1 for ids in by_project.values())
    # Every step of version 2's rules is in exactly one item: none is dropped.
    phased = PhasedSteps(
        inputs["questionnaire"],
        inputs["answers"],
        score(inputs["questionnaire"], inputs["answers"]),
        inputs["targets"],
        inputs["goals"],
    )
    every = (*roadmap.steps, *roadmap.later_steps)
    assert sorted(holder) == sorted(phased.phase) == sorted(s.key for s in every)
    assert [s.key for i in roadmap.items for s in i.steps] == [s.key for s in every]
    assert all(s.phase != LATER for s in roadmap.steps)
    assert all(item.phase in (*PLAN_PHASES, LATER) for item in roadmap.items)


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_no_phase_holds_more_than_its_capacity_or_its_share_of_the_budget(case: Any) -> None:
    roadmap, inputs, facts = case
    capacities = phase_capacities(inputs["questionnaire"])
    for phase, capacity, cost in zip(PLAN_PHASES, capacities, roadmap.phase_costs, strict=True):
        items = roadmap.items_in(phase)
        assert len(items) <= capacity
        priced = [i.cost_cny for i in items if i.cost_cny is not None]
        assert cost.low == sum(low for low, _ in priced) and cost.high == sum(h for _, h in priced)
        assert cost.unpriced == tuple(i.id for i in items if i.cost_cny is None)
        if facts.annual_budget_cny is None:
            assert cost.limit is None
        else:
            assert cost.limit is not None and cost.midpoint <= cost.limit
    # Items are ordered by phase, after-this-plan last.
    phases = [item.phase for item in roadmap.items]
    assert phases == sorted(phases)


@settings(max_examples=150, deadline=None)
@given(roadmaps())
def test_every_item_has_a_reason_and_says_how_and_what_counts_as_done(case: Any) -> None:
    roadmap, _inputs, _facts = case
    items = {item.id: item for item in roadmap.items}
    for item in roadmap.items:
        codes = item.reason_codes
        assert codes and list(codes) == sorted(codes, key=ITEM_REASONS.index)
        assert ("target" in codes) == (
            not set(codes) & {"goal", "enabler", "next_level", "quick_win"}
        )
        assert item.how and item.evidence
        for reason in item.reasons:
            if reason.code == "enabler":
                assert reason.items and all(item.id in items[i].needs for i in reason.items)
            if reason.code == "moved":
                assert reason.by in MOVED_BY
        needed_by = [other.id for other in roadmap.items if item.id in other.needs]
        assert ("enabler" in codes) == bool(needed_by)


@settings(max_examples=60, deadline=None)
@given(roadmaps(), st.randoms())
def test_the_plan_is_deterministic(case: Any, shuffler: random.Random) -> None:
    roadmap, inputs, facts = case
    questionnaire = inputs["questionnaire"]
    shuffled = list(inputs["answers"].items())
    shuffler.shuffle(shuffled)
    answers = dict(shuffled)
    again = build_item_roadmap(
        questionnaire,
        answers,
        score(questionnaire, answers),
        inputs["targets"],
        inputs["goals"],
        organisation=facts,
    )
    assert again == roadmap
