"""The results page leads with what a manager needs: the headline,
the change since the previous round and the benchmark come before everything else;
a row of in-page links reaches results, benchmark, roadmap and progress in one tap;
a short "how this is computed" states the scoring rules; and the three most important
next steps name three distinct practices.

On 2.0.0 (roadmap 2) as the current version, as test_assessments.py does; the top
three of roadmap 3 are checked in test_roadmap_3_pages.py and in core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.core.plan import computed_plan
from maturity.extensions import db
from maturity.models import Assessment
from maturity.services.results import evaluation_of
from tests.conftest import Owner
from tests.helpers import CONFIRMED, fill_round, publish_questionnaires, version_2_questionnaire

QUESTIONNAIRE = version_2_questionnaire()
DESIGN = "product_design"


@pytest.fixture
def first_round(app: Flask, client: FlaskClient, owner: Owner) -> dict[str, Any]:
    """A draft round 1 on 2.0.0 of the logged-in owner's organisation."""
    publish_questionnaires(app, upto="2.0.0")
    assert client.post(f"/organisations/{owner.organisation}/assessments").status_code == 302
    with app.app_context():
        assessment_id = db.session.scalars(select(Assessment)).one().id
    return {"user": owner.user, "organisation": owner.organisation, "assessment": assessment_id}


def submit(
    app: Flask, client: FlaskClient, setup: dict[str, Any], assessment_id: int, values: Any
) -> None:
    with app.app_context():
        fill_round(assessment_id, setup["user"], values)
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302


def next_round(app: Flask, client: FlaskClient, setup: dict[str, Any], values: Any) -> int:
    """A new round of the organisation, answered with ``values`` and submitted."""
    assert client.post(f"/organisations/{setup['organisation']}/assessments").status_code == 302
    with app.app_context():
        newest = db.session.scalars(
            select(Assessment).order_by(Assessment.round.desc()).limit(1)
        ).one()
        assessment_id = newest.id
    submit(app, client, setup, assessment_id, values)
    return assessment_id


def page(client: FlaskClient, assessment_id: int, locale: str) -> str:
    client.get(f"/lang/{locale}")
    return client.get(f"/assessments/{assessment_id}/results").get_data(as_text=True)


def plain(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html).replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&#34;", '"'))


def indexed(html: str, *markers: str) -> list[int]:
    """Where each marker first occurs in the page (each must)."""
    found = [html.find(marker) for marker in markers]
    assert -1 not in found, [m for m, i in zip(markers, found, strict=True) if i == -1]
    return found


def overall_index(app: Flask, assessment_id: int) -> float:
    """The index stored when the round was submitted."""
    with app.app_context():
        result = db.get_or_404(Assessment, assessment_id).result
        assert result is not None and result.overall_index is not None
        return result.overall_index


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_page_opens_with_headline_benchmark_and_a_row_of_section_links(
    app: Flask, client: FlaskClient, first_round: dict[str, Any], locale: str
) -> None:
    submit(app, client, first_round, first_round["assessment"], 2)
    html = page(client, first_round["assessment"], locale)
    headline, benchmark, nav, how, results, roadmap, progress = indexed(
        html,
        'id="overall"',
        'id="benchmark"',
        'class="section-nav"',
        'id="how-computed"',
        'id="results"',
        'id="roadmap"',
        'id="progress"',
    )
    assert headline < benchmark < nav < how < results < roadmap < progress
    # The headline: the index out of 100 and the level's name, before any roadmap card.
    lead = html[headline:benchmark]
    level = QUESTIONNAIRE.levels[2].label.get(locale)
    assert "40.0" in lead and "/ 100" in lead and level in lead
    assert html.index('data-step="') > benchmark
    # One row of in-page links, each to a section that is on the page once.
    row = html[nav : html.index("</nav>", nav)]
    targets = re.findall(r'href="#([a-z-]+)"', row)
    assert targets == ["results", "benchmark", "roadmap", "progress"]
    assert all(html.count(f'id="{target}"') == 1 for target in targets)
    # A first round: nothing to compare with yet, and the progress section says so.
    assert 'data-change="' not in html
    words = {
        "zh": "没有更早提交的轮次可比较",
        "en": "No earlier submitted round to compare with",
    }[locale]
    assert words in plain(html[progress:])


@pytest.mark.parametrize(
    ("locale", "up", "compared", "left_out"),
    [
        (
            "zh",
            "较第 1 轮提高 {delta}",
            "第 1 轮与第 2 轮可比较的问题共 {n} 个",
            "另有 1 个问题未纳入比较",
        ),
        (
            "en",
            "Up {delta} since round 1",
            "Round 1 and round 2 compare on {n} questions",
            "1 question is left out of the comparison",
        ),
    ],
)
def test_the_change_since_the_previous_round_in_words_and_by_dimension(
    app: Flask,
    client: FlaskClient,
    first_round: dict[str, Any],
    locale: str,
    up: str,
    compared: str,
    left_out: str,
) -> None:
    everything_1: dict[str, object] = {q.id: 1 for q in QUESTIONNAIRE.questions}
    everything_1["pd_rapid_prototyping"] = "na"  # not compared with round 2: left out
    submit(app, client, first_round, first_round["assessment"], everything_1)
    design_up = {q.id: 3 if q.dimension_id == DESIGN else 1 for q in QUESTIONNAIRE.questions}
    second = next_round(app, client, first_round, design_up)
    before, after = overall_index(app, first_round["assessment"]), overall_index(app, second)
    html = page(client, second, locale)
    # The change is in the lead, before the benchmark; the index change as the PDF's
    # summary computes it (stored index against stored index).
    lead = html[html.index('id="overall"') : html.index('id="benchmark"')]
    line = plain(lead.split('data-change="overall"')[1].split("</p>")[0])
    assert up.format(delta=f"{after - before:.1f}") in line
    assert f"{before:.1f} → {after:.1f}" in line
    # Per dimension, signed, over the questions both rounds asked the same way:
    # product design 20 → 60, every other dimension unchanged.
    changes = dict(re.findall(r'data-change="([a-z_]+)">.*?<span class="[a-z]*">([^<]+)<', lead))
    assert changes.pop("overall", None) is None
    assert changes == {d.id: "+40.0" if d.id == DESIGN else "0.0" for d in QUESTIONNAIRE.dimensions}
    assert 'class="up">+40.0<' in lead
    assert QUESTIONNAIRE.dimension(DESIGN).label.get(locale) in plain(lead)
    # The progress section counts the compared questions and links to the comparison.
    progress = plain(html[html.index('id="progress"') :])
    assert compared.format(n=len(QUESTIONNAIRE.questions) - 1) in progress
    assert left_out in progress
    assert (
        f"/organisations/{first_round['organisation']}/compare?earlier="
        f"{first_round['assessment']}&amp;later={second}"
    ) in html
    # A third round as the second: unchanged since round 2 ... and back down after it.
    third = next_round(app, client, first_round, everything_1)
    html = page(client, third, locale)
    line = plain(html.split('data-change="overall"')[1].split("</p>")[0])
    down = {"zh": "较第 2 轮下降 {delta}", "en": "Down {delta} since round 2"}[locale]
    assert down.format(delta=f"{after - before:.1f}") in line
    assert 'class="down">-40.0<' in html
    # Round 1's own page has no change to show.
    assert 'data-change="' not in page(client, first_round["assessment"], locale)


def test_an_unchanged_index_says_so(
    app: Flask, client: FlaskClient, first_round: dict[str, Any]
) -> None:
    submit(app, client, first_round, first_round["assessment"], 2)
    second = next_round(app, client, first_round, 2)
    line = page(client, second, "zh").split('data-change="overall"')[1].split("</p>")[0]
    assert "与第 1 轮持平" in plain(line)
    line = page(client, second, "en").split('data-change="overall"')[1].split("</p>")[0]
    assert "Unchanged since round 1" in plain(line)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "zh",
            [
                "计算方法",
                "每个答案按等级计分，每级 20 分：0 级为 0 分，5 级为 100 分。",
                "回答“不适用”的实践，或按企业概况不适用于贵企业的实践，不计入任何数字。",
                "本问卷中实践的权重：1 / 1.5。",
                "每个维度的权重相同。",
                "按该维度实践权重计至少占 80%",
                "四舍五入到一位小数",
            ],
        ),
        (
            "en",
            [
                "How this is computed",
                "Each answer scores 20 points per level: level 0 scores 0, level 5 scores 100.",
                "Practices answered “not applicable”, or that do not apply to your firm by its "
                "profile, are left out of every figure.",
                "Practice weights in this questionnaire: 1 / 1.5.",
                "Every dimension weighs the same.",
                "carry at least 80% of its practice weight",
                "shown rounded to one decimal",
            ],
        ),
    ],
)
def test_how_this_is_computed_states_the_scoring_rules(
    app: Flask, client: FlaskClient, first_round: dict[str, Any], locale: str, expected: list[str]
) -> None:
    submit(app, client, first_round, first_round["assessment"], 2)
    html = page(client, first_round["assessment"], locale)
    how = html.split('id="how-computed"')[1].split("</details>")[0]
    assert "<summary>" in how  # collapsible, closed until asked
    text = plain(how)
    missing = [words for words in expected if words not in text]
    assert missing == []


def test_the_three_most_important_next_steps_are_three_distinct_practices(
    app: Flask, client: FlaskClient, first_round: dict[str, Any]
) -> None:
    # Every practice at 0, product design aimed at level 2: each of its questions has
    # two steps in phase 1, one after the other (the first question's 0 → 1 and 1 → 2
    # used to be two of the three).
    submit(app, client, first_round, first_round["assessment"], 0)
    url = f"/assessments/{first_round['assessment']}/results"
    assert client.post(url, data={f"target-{DESIGN}": "2"}).status_code == 302
    with app.app_context():
        plan = computed_plan(
            evaluation_of(db.get_or_404(Assessment, first_round["assessment"])).roadmap
        )
    steps = [s.key for s in plan.steps]
    assert steps[0][0] == steps[1][0]  # the roadmap does start with one question twice
    html = page(client, first_round["assessment"], "en")
    top = html.split('class="card next-steps"')[1].split("</article>")[0]
    chosen = re.findall(r'data-top-step="([a-z_]+):(\d)"', top)
    assert len(chosen) == 3 and len({question for question, _level in chosen}) == 3
    assert [(q, int(level)) for q, level in chosen] == [s.key for s in plan.top]
    titles = [QUESTIONNAIRE.question(q).title.get("en") for q, _level in chosen]
    assert all(plain(top).count(title) == 1 for title in titles)
