"""The change since the previous round reads the same on the results page, in the
report's summary and in the report's progress table: the difference of the printed
figures, even where the raw difference rounds otherwise. And a previous round on
another questionnaire version is named in the report's summary as on the results page.

On questionnaire 2.0.0, where product design weighs 9.5 (CAD modelling 1.5, eight
practices 1): with every practice at 1 but CAD modelling and simulation at 2, product
design scores 20 × 12/9.5 = 25.26 (printed 25.3) and the index (its mean with four
dimensions at 20) 21.05 (21.1); with both at 3, 20 × 14.5/9.5 = 30.53 (30.5) and 22.11
(22.1). The raw differences, 5.26 and 1.05, round to 5.3 and 1.1; the printed figures
differ by 5.2 and 1.0."""

from __future__ import annotations

import html as markup
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from maturity.reports.render import render_html
from maturity.services.reports import load_report_data
from tests.conftest import Owner
from tests.helpers import CONFIRMED, fill_round, publish_questionnaires, version_2_questionnaire
from tests.web.test_compare_pairs import start_round
from tests.web.test_results_lead import page, plain

QUESTIONNAIRE = version_2_questionnaire()
DESIGN = "product_design"


def answered(level: int) -> dict[str, object]:
    """Every practice at 1, CAD modelling and simulation at ``level``."""
    given: dict[str, object] = {q.id: 1 for q in QUESTIONNAIRE.questions}
    given.update(pd_cad_modelling=level, pd_simulation=level)
    return given


def submitted(app: Flask, client: FlaskClient, owner: Owner, value: int | dict[str, object]) -> int:
    assessment_id = start_round(app, client, owner.organisation)
    with app.app_context():
        fill_round(assessment_id, owner.user, value)
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302
    return assessment_id


def report_html(app: Flask, assessment_id: int, language: str) -> str:
    with app.app_context():
        return render_html(load_report_data(assessment_id, language))


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def lead(report: str) -> str:
    found = re.search(r'<p class="lead" data-summary>(.*?)</p>', report, re.S)
    assert found, "no opening sentences"
    return text(found.group(1))


@pytest.mark.parametrize(
    ("language", "results_words", "summary_words"),
    [
        ("zh", "较第 1 轮提高 1.0", "上升了 1.0 分"),
        ("en", "Up 1.0 since round 1", "the index has risen by 1.0 points from 21.1"),
    ],
)
def test_the_results_page_and_the_report_print_the_same_change(
    app: Flask,
    client: FlaskClient,
    owner: Owner,
    language: str,
    results_words: str,
    summary_words: str,
) -> None:
    publish_questionnaires(app, upto="2.0.0")
    first = submitted(app, client, owner, answered(2))
    second = submitted(app, client, owner, answered(3))
    others = {d.id: "0.0" for d in QUESTIONNAIRE.dimensions if d.id != DESIGN}

    # The results page: the index, then every dimension.
    html = page(client, second, language)
    line = plain(html.split('data-change="overall"')[1].split("</p>")[0])
    assert results_words in line and "21.1 → 22.1" in line
    changes = dict(re.findall(r'data-change="([a-z_]+)">[^<]*<span class="[a-z]*">([^<]+)<', html))
    assert changes == {DESIGN: "+5.2", **others}
    assert 'class="up">+5.2<' in html and 'class="">0.0<' in html

    # The report: the summary's sentence and headline, then the progress table.
    report = report_html(app, second, language)
    assert summary_words in lead(report)
    headline = text(report.split('<p class="headline">')[1].split("</p>")[0])
    assert re.search(r"21\.1 → 22\.1 ?[(（]\+1\.0[)）]", headline), headline
    progress = report.split('<section id="progress">')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr><th>([^<]+)</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>'
        r'<td class="num ?([a-z]*)">([^<]+)</td></tr>',
        progress,
    )
    label = {d.label.get(language): d.id for d in QUESTIONNAIRE.dimensions}
    table = {label[markup.unescape(name)]: shown for name, _before, _after, _tone, shown in rows}
    assert table == changes
    assert ("25.3", "30.5", "up", "+5.2") in [row[1:] for row in rows]

    # The comparison of the two rounds: the index and the dimensions alike.
    compare = client.get(
        f"/organisations/{owner.organisation}/compare?earlier={first}&later={second}"
    ).get_data(as_text=True)
    # In Chinese the change is in full-width parentheses, as the report prints it.
    bracketed = "（+1.0）" if language == "zh" else "(+1.0)"
    assert f'<small class="up" data-headline-change>{bracketed}</small>' in compare
    pairs = dict(
        re.findall(
            r'data-dimension="([a-z_]+)">.*?class="pair-change ?[a-z]*">([^<]+)<', compare, re.S
        )
    )
    assert pairs[DESIGN] == "+5.2" and set(pairs.values()) == {"+5.2", "0.0"}


@pytest.mark.parametrize(
    ("language", "caveat"),
    [
        ("zh", "第 1 轮使用的是问卷 1.0.0 版。"),
        ("en", "Round 1 was answered on questionnaire version 1.0.0."),
    ],
)
def test_the_summary_names_the_previous_round_s_other_questionnaire_version(
    app: Flask, client: FlaskClient, owner: Owner, language: str, caveat: str
) -> None:
    publish_questionnaires(app, only="1.0.0")
    submitted(app, client, owner, 1)
    publish_questionnaires(app, upto="2.0.0")
    second = submitted(app, client, owner, 2)
    third = submitted(app, client, owner, 3)

    # Round 2, on 2.0.0 after round 1 on 1.0.0: the results page and the summary say so,
    # the summary right after the change it qualifies.
    assert caveat in plain(page(client, second, language))
    opening = lead(report_html(app, second, language))
    since = {"zh": "与第 1 轮相比", "en": "Since round 1"}[language]
    assert since in opening and opening.index(since) < opening.index(caveat)
    # Round 3, on 2.0.0 as round 2 was: no version named.
    assert "1.0.0" not in plain(page(client, third, language))
    assert "1.0.0" not in lead(report_html(app, third, language))
