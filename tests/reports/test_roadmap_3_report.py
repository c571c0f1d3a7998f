"""Roadmap 3 in the report: the three most important next steps as items that say why,
the plan at a glance on one page (phases, items, cost ranges, after this plan), then
one box per item with its reasons, how, evidence, owner, effort, cost and the figure to
watch; phase costs as shares of revenue and of the annual digital budget."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from maturity.core.evaluation import EvaluationInput
from maturity.core.plan import PlannedItem, computed_plan
from maturity.core.reference import SizeClass
from maturity.core.report import ReportData, offline_report_data
from maturity.core.roadmap_costs import OrganisationFacts
from maturity.core.roadmap_items import ItemRoadmap
from tests.helpers import FULL_PROFILE, current_questionnaire

QUESTIONNAIRE = current_questionnaire()
REVENUE = Decimal(86_000_000)  # the demo SME's 8,600万元
BUDGET = Decimal(300_000)


def report(
    language: str,
    answers: dict[str, int] | None = None,
    goals: tuple[str, ...] = ("security_compliance",),
    revenue: Decimal | None = REVENUE,
    budget: Decimal | None = BUDGET,
) -> ReportData:
    given = EvaluationInput(
        answers or {q.id: 1 for q in QUESTIONNAIRE.questions},
        goals=goals,
        profile=FULL_PROFILE,
        organisation=OrganisationFacts(SizeClass.SMALL, revenue, budget),
    )
    return offline_report_data(
        QUESTIONNAIRE, given, "路线图测试有限公司", language, date(2026, 3, 1)
    )


def roadmap_of(data: ReportData) -> ItemRoadmap:
    roadmap = data.evaluation.roadmap
    assert isinstance(roadmap, ItemRoadmap) and roadmap.version == "3"
    return roadmap


def html_of(app: Flask, data: ReportData) -> str:
    from maturity.reports.render import render_html

    with app.app_context():
        return render_html(data)


def plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    for entity, character in (("&gt;", ">"), ("&#39;", "'"), ("&amp;", "&")):
        text = text.replace(entity, character)
    return re.sub(r"\s+", " ", text)


def name_of(item: PlannedItem, language: str) -> str:
    if item.project is not None:
        return QUESTIONNAIRE.project(item.project).label.get(language)
    step = item.steps[0].step
    title = QUESTIONNAIRE.question(step.question_id).wording("discrete").title.get(language)
    return f"{title} → {QUESTIONNAIRE.levels[step.to_level].label.get(language)}"


def cny(low: Decimal, high: Decimal) -> str:
    return f"up to {high:,.0f} CNY" if low == 0 else f"{low:,.0f}–{high:,.0f} CNY"


def share(low: Decimal, high: Decimal) -> str:
    """A range of shares of revenue as the report writes it: both ends to the precision
    of the higher, zeros both share dropped; "up to" from nothing."""
    digits = 2 if high * 100 / REVENUE < 1 else 1
    ends = [f"{x * 100 / REVENUE:.{digits}f}" for x in (low, high)]
    while all(end.endswith("0") for end in ends):
        ends = [end[:-1] for end in ends]
    first, last = (end.rstrip(".") for end in ends)
    return f"up to {last}%" if low == 0 else f"{first}–{last}%"


def test_the_roadmap_section_in_words_with_costs_and_budget(app: Flask) -> None:
    data = report("en")
    roadmap = roadmap_of(data)
    plan = computed_plan(roadmap)
    section = html_of(app, data).split('<section id="roadmap">')[1].split("</section>")[0]
    text = plain(section)
    # The plan at a glance opens the section: every item in its phase, each phase's
    # cost, and after this plan.
    overview = plain(section.split('class="plan-overview"')[1].split("</table>")[0])
    assert "The plan at a glance" in overview
    for cost in roadmap.phase_costs:
        items = [i for i in plan.items if i.phase == cost.phase]
        in_words = f"{share(cost.low, cost.high)} of annual revenue"
        assert f"{len(items)} items · {cny(cost.low, cost.high)}, {in_words}" in overview
        assert all(name_of(i, "en") in overview for i in items)
        line = (
            f"Estimated cost of this phase: {cny(cost.low, cost.high)}, {in_words}. "
            f"Over its {cost.budget_months} months it may use up to {cost.limit:,.0f} CNY, "
            "at an annual digital budget of 300,000 CNY, counting each item at the middle of "
            "its range."
        )
        assert line in text
    later = "; ".join(name_of(i, "en") for i in plan.later_items)
    assert plan.later_items and "After this plan: " + later in plain(
        section.split('class="gantt-later"')[1].split("</p>")[0]
    ).replace(" :", ":")
    # Then one box per item: reasons in words, how, evidence, owner, effort, cost, watch.
    boxes = section.split('<div class="item">')[1:]
    assert len(boxes) == len(plan.items)
    for item, box in zip(plan.items, boxes, strict=True):
        words, source = plain(box), item.sources[0]
        assert name_of(item, "en") in words and "Why:" in words
        assert all(line.en in words for line in (*source.how, *source.evidence))
        assert f"Owner: {QUESTIONNAIRE.band('roles', source.owner).label.en}" in words
        assert f"Takes {QUESTIONNAIRE.band('effort_bands', source.effort).label.en}" in words
        assert source.cost is not None and source.cost_cny is not None
        in_words = share(*source.cost_cny)
        assert f"Budget {source.cost.label.en} ({in_words} of annual revenue)" in words
        assert "Watch: " in words
        for planned in item.steps:  # every step inside its item, with what to do
            assert planned.step.recommendation.text.en in words
    moved_by_budget = [i for i in plan.items if any(r.by == "budget" for r in i.sources[0].reasons)]
    assert moved_by_budget
    for item in moved_by_budget:
        box = boxes[plan.items.index(item)]
        assert "moved to a later phase: it did not fit the budget of the earlier phase" in plain(
            box
        )
    assert "After this plan" in text and all(name_of(i, "en") in text for i in plan.later_items)


def test_the_summary_names_the_first_three_items_and_why(app: Flask) -> None:
    data = report("en")
    plan = computed_plan(roadmap_of(data))
    summary = html_of(app, data).split('<section id="summary">')[1].split('<nav class="toc">')[0]
    assert re.findall(r'data-top-item="([^"]+)"', summary) == [i.id for i in plan.items[:3]]
    first = plain(summary.split('data-top-item="')[1].split("</div>")[0])
    assert f"1. {name_of(plan.items[0], 'en')}" in first
    assert "Why: serves your goal Network and data security and compliance;" in first
    assert "Phase 1: months 0–6 · Owner: " in first


def test_a_share_of_revenue_is_priced_in_cny_or_said_to_be_unpriced(app: Flask) -> None:
    # Digital spending of 0.5–1% of revenue: 430,000–860,000 CNY for 86 million of revenue.
    answers = {q.id: 2 for q in QUESTIONNAIRE.questions} | {"fd_investment": 1}
    text = plain(html_of(app, report("en", answers, (), REVENUE, None)))
    assert "Budget 0.5% to 1% of revenue a year (430,000–860,000 CNY)" in text
    assert "of the annual digital budget" not in text  # none given
    # Without the revenue, the phase says what it could not price.
    text = plain(html_of(app, report("en", None, (), None, BUDGET)))
    assert (
        "1 item is not priced: its cost is a share of revenue, and the revenue is not known."
        in (text)
    )
    assert "Budget 0.5% to 1% of revenue a year " in text and "of annual revenue" not in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_chinese_amounts_are_in_wan_said_once_as_the_cost_bands_say_it(
    app: Flask, language: str
) -> None:
    data = report(language)
    cost = roadmap_of(data).phase_costs[1]
    assert cost.low == 100_000 and cost.high == 500_000  # phase 2, as computed
    expected = {"zh": "10–50万元", "en": "100,000–500,000 CNY"}[language]
    section = html_of(app, data).split('<section id="roadmap">')[1]
    assert expected in plain(section.split('data-overview-phase="2"')[1].split("</tr>")[0])


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "roadmap.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_pdf_shows_the_plan_at_a_glance_on_one_page(
    app: Flask, tmp_path: Path, language: str
) -> None:
    from maturity.reports.render import render_pdf

    data = report(language)
    plan = computed_plan(roadmap_of(data))
    with app.app_context():
        pages = pdf_pages(render_pdf(data), tmp_path)
    # The heading's Chinese comes with the catalog; until then the English one.
    headings = ("计划概览", "Theplanataglance")
    glance = next(page for page in pages if any(heading in page for heading in headings))
    # Every item of the three phases and every item after the plan, on that one page.
    for item in (*plan.items, *plan.later_items):
        assert re.sub(r"\s+", "", name_of(item, language)) in glance, name_of(item, language)
    whole = "".join(pages)
    first = plan.items[0]
    assert first.project is not None
    assert re.sub(r"\s+", "", QUESTIONNAIRE.project(first.project).solutions.get(language)) in whole
    for line in (*first.sources[0].how, *first.sources[0].evidence):
        assert re.sub(r"\s+", "", line.get(language)) in whole
    if language == "en":
        cost = roadmap_of(data).phase_costs[0]
        in_words = f"{share(cost.low, cost.high)} of annual revenue"
        for phrase in (
            "Why: serves your goal Network and data security and compliance; needed first by",
            "a quick win: in the lowest cost band and done within three months",
            f"Estimated cost of this phase: {cny(cost.low, cost.high)}, {in_words}.",
            "moved to a later phase: it did not fit the budget of the earlier phase",
        ):
            assert re.sub(r"\s+", "", phrase) in whole, phrase
