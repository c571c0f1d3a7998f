"""Format 3 of the questionnaire file: the rules its validation adds, each broken once."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from maturity.core.items import OUTCOME, PROFILE, ItemRefused
from maturity.core.items.action import Action
from maturity.core.questionnaire import QuestionnaireError, parse
from tests.conftest import ROOT

FIXTURE = (ROOT / "tests" / "fixtures" / "questionnaires" / "valid-format-3.yaml").read_text(
    encoding="utf-8"
)
FIRST = FIXTURE[
    FIXTURE.index("      - id: first") : FIXTURE.index("        variants:\n          micro:")
]


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as error:
        parse(text)
    return [str(problem) for problem in error.value.problems]


def fixture_with(*replacements: tuple[str, str]) -> str:
    text = FIXTURE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def extra_questions(count: int, prefix: str = "extra") -> str:
    return "".join(FIRST.replace("- id: first", f"- id: {prefix}_{i}") for i in range(count))


def test_the_format_3_fixture_is_valid_and_reads_every_new_field() -> None:
    questionnaire = parse(FIXTURE)
    assert (questionnaire.file_format, questionnaire.phase_capacity) == (3, (4, 6, 8))
    first = questionnaire.question("first")
    assert first.evidence[0] is None and first.evidence[3] is not None
    assert first.evidence[3].zh == "证三"
    assert [step.en for step in first.recommendations[1].how] == ["do a", "do b"]
    assert first.recommendations[2].project == "erp" and first.recommendations[1].project is None
    # A variant that replaces a recommendation brings its own actions.
    assert first.wording("micro").recommendations[2].how[0].zh == "签约服务商"
    assert first.wording("micro").evidence == first.evidence
    goal = questionnaire.goal("secure")
    assert goal.questions == ("second",) and goal.dimensions == ()
    assert goal.serves(questionnaire.question("second"))
    assert not goal.serves(first)
    project = questionnaire.project("erp")
    assert project.cost_band("micro") == "small_cost" and project.cost_band("large") == "large_cost"
    assert [item.id for item in questionnaire.profile] == ["size"]
    assert questionnaire.profile[0].derived_from == "size_class"
    assert questionnaire.outcomes[0].allow_na and questionnaire.outcomes[0].baseline


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        (
            [("      - id: second", extra_questions(9) + "      - id: second")],
            "line 45, dimensions[0].questions: has 11 questions; format 3 allows at most 10 in a dimension",
        ),
        (
            [
                (
                    "          - {zh: 三, en: three, evidence: {zh: 证三, en: proof three}}\n",
                    "          - {zh: 三, en: three}\n",
                )
            ],
            "line 54, dimensions[0].questions[0].levels[3]: format 3 needs the evidence that "
            "counts for every level from 1 to 5",
        ),
        (
            [
                (
                    "          3: {zh: 到三, en: to three, services: [training], how: [{zh: 做戊, en: do e}, {zh: 做己, en: do f}]}",
                    "          3: {zh: 到三, en: to three, services: [training]}",
                )
            ],
            "line 60, dimensions[0].questions[0].recommendations.3: format 3 needs how: two to "
            "four concrete actions",
        ),
        (
            [("how: [{zh: 做戊, en: do e}, {zh: 做己, en: do f}]", "how: [{zh: 做戊, en: do e}]")],
            "line 60, dimensions[0].questions[0].recommendations.3.how: gives 1 action(s); "
            "two to four are required",
        ),
        (
            [
                (
                    "how: [{zh: 做戊, en: do e}, {zh: 做己, en: do f}]",
                    "how: [{zh: 甲, en: a}, {zh: 乙, en: b}, {zh: 丙, en: c}, {zh: 丁, en: d}, {zh: 戊, en: e}]",
                )
            ],
            "line 60, dimensions[0].questions[0].recommendations.3.how: gives 5 action(s); "
            "two to four are required",
        ),
        (
            [
                (
                    "how: [{zh: 做戊, en: do e}, {zh: 做己, en: do f}]",
                    "how: [{zh: 到三, en: again}, {zh: 做己, en: do f}]",
                )
            ],
            "line 60, dimensions[0].questions[0].recommendations.3.how[0]: an action must say "
            "how, not repeat the recommendation or the level",
        ),
        (
            [
                (
                    "services: [training], project: erp, how: [{zh: 做丙",
                    "services: [training], project: mes, how: [{zh: 做丙",
                )
            ],
            "line 59, dimensions[0].questions[0].recommendations.2.project: unknown project 'mes'",
        ),
        (
            [("questions: [second]", "questions: [ghost]")],
            "line 20, goals[0].questions[0]: unknown question 'ghost'",
        ),
        (
            [("questions: [second]", "dimensions: [design]")],
            "line 20, goals[0].dimensions: a format-3 goal names questions, not dimensions",
        ),
        (
            [("cost: {micro: small_cost, small", "cost: {micro: tiny_cost, small")],
            "line 39, projects[0].cost.micro: unknown cost 'tiny_cost'",
        ),
        (
            [("  - {id: year, unit: months, low: 6, high: 12,", "  - {id: year,")],
            "line 23, effort_bands[1]: format 3 needs unit, low, high for every band of effort_bands",
        ),
        (
            [("low: 50000, high: 200000", "low: 10000, high: 200000")],
            "line 26, cost_bands[1].low: cost bands in CNY must rise: this one starts below the one before",
        ),
        (
            [("{id: weeks, unit: months", "{id: weeks, unit: cny")],
            "line 22, effort_bands[0].unit: 'cny' is not a unit of effort_bands",
        ),
        (
            [("      - {id: medium, label: {zh: 中型, en: Medium}}\n", "")],
            "line 92, profile[0].options: an item derived from size_class has exactly the "
            "options large, medium, small, micro",
        ),
        (
            [("    crosswalk: {miit_2024: 数字化成效, gbt_39116: none}\n", "")],
            "line 97, outcomes[0]: format 3 needs a crosswalk {miit_2024, gbt_39116} for every "
            "outcome figure",
        ),
    ],
    ids=[
        "at most 10 questions in a dimension",
        "evidence on every level",
        "how on every recommendation",
        "at least two actions",
        "at most four actions",
        "an action is not the recommendation again",
        "known projects",
        "goals name known questions",
        "goals name questions, not dimensions",
        "projects price with known bands",
        "every band has a range",
        "CNY cost bands rise",
        "a band's unit fits its kind",
        "a size-derived item has the four size classes",
        "outcomes cross-walk",
    ],
)
def test_format_3_rules_are_checked_and_located(
    replacements: list[tuple[str, str]], expected: str
) -> None:
    assert expected in problems_of(fixture_with(*replacements))


def test_at_most_45_questions_in_all() -> None:
    data = yaml.safe_load(FIXTURE)
    template = data["dimensions"][0]
    data["dimensions"] = [
        {
            **template,
            "id": f"dimension_{d}",
            "questions": [
                {**template["questions"][1], "id": f"q_{d}_{q}", "requires": []} for q in range(10)
            ],
        }
        for d in range(5)
    ]
    data["goals"] = [
        {"id": "secure", "label": {"zh": "安全", "en": "Secure"}, "questions": ["q_0_0"]}
    ]
    problems = problems_of(yaml.safe_dump(data, allow_unicode=True))
    assert [problem.split(", ", 1)[1] for problem in problems] == [
        "dimensions: has 50 questions; format 3 allows at most 45 (about 30 minutes)"
    ]


def test_format_3_fields_are_refused_in_a_format_2_file() -> None:
    problems = problems_of(fixture_with(("format: 3\n", "format: 2\n")))
    for expected in (
        "line 7, phase_capacity: a third phase capacity needs format: 3",
        "line 20, goals[0].questions: a format-2 goal names dimensions, not questions",
        "line 22, effort_bands[0].unit: unit needs format: 3",
        "line 25, cost_bands[0].low: low needs format: 3",
        "line 35, projects: projects needs format: 3",
        "line 52, dimensions[0].questions[0].levels[1].evidence: evidence needs format: 3",
        "line 58, dimensions[0].questions[0].recommendations.1.how: how needs format: 3",
        "line 59, dimensions[0].questions[0].recommendations.2.project: project needs format: 3",
        "line 89, profile[0].derived: derived needs format: 3",
        "line 104, outcomes[0].allow_na: allow_na needs format: 3",
        "line 105, outcomes[0].baseline: baseline needs format: 3",
        "line 106, outcomes[0].crosswalk: crosswalk needs format: 3",
    ):
        assert expected in problems, expected


def test_bands_price_spending_from_revenue_and_tell_quick_wins() -> None:
    questionnaire = parse(FIXTURE)
    share = questionnaire.band("cost_bands", "one_percent")
    assert share.priced_from_revenue
    # 86 million CNY of revenue: 0.5%–1% is 430,000 to 860,000 CNY.
    assert share.cny_range(Decimal(86_000_000)) == (Decimal(430_000), Decimal(860_000))
    assert share.midpoint_cny(Decimal(86_000_000)) == Decimal(645_000)
    assert share.cny_range(None) is None
    fixed = questionnaire.band("cost_bands", "large_cost")
    assert fixed.cny_range(Decimal(86_000_000)) == (Decimal(50_000), Decimal(200_000))
    assert questionnaire.cheapest_cost_band == "small_cost"
    first = questionnaire.question("first")
    assert questionnaire.is_quick_win(first.recommendations[1].action)
    assert not questionnaire.is_quick_win(first.recommendations[3].action)  # 6–12 months
    assert not questionnaire.is_quick_win(Action(cost="small_cost"))  # no effort given
    # A step of a project costs the project's band for the organisation's size class.
    second = first.recommendations[2]
    assert questionnaire.step_cost(second, "micro") == questionnaire.band(
        "cost_bands", "small_cost"
    )
    assert questionnaire.step_cost(second, "large") == questionnaire.band(
        "cost_bands", "large_cost"
    )
    assert questionnaire.step_cost(first.recommendations[5], "small") == share


def test_outcome_figures_take_not_applicable_and_a_baseline() -> None:
    questionnaire = parse(FIXTURE)
    figure = questionnaire.outcome("yield_rate")
    assert OUTCOME.parse(figure, "不适用") == "na"
    assert OUTCOME.parse(figure, " N/A ") == "na"
    assert OUTCOME.encode(figure, "na") == "na" and OUTCOME.decode(figure, "na") == "na"
    assert OUTCOME.to_json(figure, "na") == "na"
    assert OUTCOME.parse(figure, "96.5%") == Decimal("96.5")
    baseline = OUTCOME.baseline_item(figure)
    assert baseline.id == "yield_rate:previous" and baseline.previous_of == "yield_rate"
    with pytest.raises(ItemRefused) as refused:
        OUTCOME.parse(baseline, "na")  # the previous year is a figure or nothing
    assert refused.value.code == "not_applicable"
    assert [i.id for i in OUTCOME.form_items((figure,), first_round=True)] == [
        "yield_rate",
        "yield_rate:previous",
    ]
    assert [i.id for i in OUTCOME.form_items((figure,), first_round=False)] == ["yield_rate"]
    assert OUTCOME.figures({"yield_rate": "na", "yield_rate:previous": Decimal(90)}) == {}
    assert OUTCOME.value_schema(figure)["anyOf"][1] == {"const": "na"}


def test_a_derived_profile_item_is_filled_in_not_asked() -> None:
    size = parse(FIXTURE).profile[0]
    assert not PROFILE.asked(size)
    assert PROFILE.derive(size, {"size_class": "micro"}) == "micro"
    assert PROFILE.derive(size, {}) is None
    with pytest.raises(ItemRefused) as refused:
        PROFILE.parse(size, "micro")
    assert refused.value.code == "derived"
