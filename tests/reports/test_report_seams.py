"""The report without seams: support-service tags that wrap inside the margin and reach
the text layer whole, headings kept with what follows, short tables and charts never
split, Chinese brackets around figures full-width, and an executive summary that
opens with sentences true to its figures."""

from __future__ import annotations

import dataclasses
import html as markup
import re
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from maturity.core.releases.reading import BenchmarkPosition, PublishedBenchmark, standing
from maturity.core.report import ReportData
from maturity.core.report_summary import full_width_brackets, summary_facts
from maturity.reports.render import render_html
from maturity.services.reports import load_report_data
from tests.reports.conftest import QUESTIONNAIRE
from tests.reports.layout import list_seams, render, seams

QUARTILES = (30, 45, 60)
# A half-width bracket around a figure: "(+3.1)", "2(1)".
HALF_WIDTH_AROUND_A_FIGURE = re.compile(r"\(\s*[+\-−]?\d|\d\(")


def with_peers(data: ReportData) -> ReportData:
    """The report of a round whose cohort has these quartiles overall and everywhere."""
    scores = data.evaluation.scores
    assert scores.overall_index is not None
    position = BenchmarkPosition(
        "section_size",
        "C/small",
        "10–19",
        standing(scores.overall_index, QUARTILES),
        {
            d: standing(r.score, QUARTILES)
            for d, r in scores.dimensions.items()
            if r.score is not None
        },
    )
    return dataclasses.replace(data, benchmark=PublishedBenchmark("2026Q1", 10, position))


def second_round(app: Flask, reported: dict[str, int], language: str) -> ReportData:
    with app.app_context():
        return with_peers(load_report_data(reported["second"], language))


def html_of(app: Flask, data: ReportData) -> str:
    with app.app_context():
        return render_html(data)


def lead_text(page: str) -> str:
    found = re.search(r'<p class="lead" data-summary>(.*?)</p>', page, re.S)
    assert found, "no opening sentences"
    return markup.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_summary_opens_with_sentences_true_to_the_figures(
    app: Flask, reported: dict[str, int], language: str
) -> None:
    data = second_round(app, reported, language)
    facts = summary_facts(data)
    assert facts is not None and facts.change is not None and facts.extremes is not None
    scores = data.evaluation.scores
    assert scores.overall_index is not None and data.previous_overall is not None
    index = f"{scores.overall_index:.1f}"
    before = f"{data.previous_overall[0]:.1f}"
    change = f"{float(index) - float(before):.1f}"
    strongest, weakest = data.strongest_and_weakest()
    assert strongest is not None and weakest is not None
    high = f"{scores.dimensions[strongest.id].score:.1f}"
    low = f"{scores.dimensions[weakest.id].score:.1f}"
    page = html_of(app, data)
    lead = lead_text(page)
    print(lead)
    # Every figure, in the order the sentences give them.
    in_order = [index, strongest.label.get(language), high, weakest.label.get(language), low]
    in_order += [change, before] if language == "en" else [before, change]
    in_order += ["10–19", "45"]
    at = 0
    for figure in in_order:
        found = lead.find(figure, at)
        assert found >= 0, (figure, lead)
        at = found + len(figure)
    assert float(index) > float(before)  # the fixture's second round scores higher
    level, before_level = scores.overall_level, data.previous_overall[1]
    assert level is not None
    label = QUESTIONNAIRE.levels[level].label.get(language)
    quarter = standing(scores.overall_index, QUARTILES).quarter
    if language == "en":
        sentences = [s for s in re.split(r"(?<=\.) ", lead) if s]
        assert 3 <= len(sentences) <= 4, sentences
        assert f"at level {level} ({label})" in lead
        assert f"risen by {change} points from {before}" in lead
        if level != before_level:
            assert f"the level has gone from {before_level} to {level}" in lead
        else:
            assert f"the level is still {level}" in lead
        words = {4: "in the top quarter", 3: "above the peer median"}
        assert words.get(quarter, "below the peer median") in lead or quarter == 1
    else:
        assert 3 <= lead.count("。") <= 4, lead
        assert f"第 {level} 级（{label}）" in lead
        assert f"上升了 {change} 分" in lead
        assert not HALF_WIDTH_AROUND_A_FIGURE.search(lead), lead
        # The figures beside the sentences: "（+3.1）", and the article's "2（1）".
        assert not HALF_WIDTH_AROUND_A_FIGURE.search(
            re.sub(r"<[^>]+>", "", page.split('<section id="summary">')[1].split("<div")[0])
        )
        method = page.split('<section id="method">')[1]
        assert "（" in method and not HALF_WIDTH_AROUND_A_FIGURE.search(method)


@pytest.mark.parametrize(
    ("language", "median", "sentence", "row"),
    [
        # 44.96 against 45.04: unrounded below the median, printed both 45.0.
        ("en", 45.04, "whose median index is 45.0, the firm's index is at the peer median.",
         "You 45.0 · middle half of peers 30.0–60.0, median 45.0 · at the peer median"),
        ("zh", 45.04, "（总体指数中位数为 45.0），本企业与同行中位数持平。",
         "本企业 45.0 · 中间一半同行 30.0–60.0，中位数 45.0 · 与同行中位数持平"),
        # A median of 44.9 prints as 44.9, not 44; the firm's 45.0 is above it.
        ("en", 44.9, "whose median index is 44.9, the firm's index is above the peer median.",
         "You 45.0 · middle half of peers 30.0–60.0, median 44.9 · above the peer median"),
    ],
)  # fmt: skip
def test_the_firm_is_placed_among_peers_by_the_printed_figures(
    app: Flask, reported: dict[str, int], language: str, median: float, sentence: str, row: str
) -> None:
    data = second_round(app, reported, language)
    evaluation = data.evaluation
    scores = dataclasses.replace(evaluation.scores, overall_index=44.96)
    data = dataclasses.replace(data, evaluation=dataclasses.replace(evaluation, scores=scores))
    quartiles = (30.0, median, 60.0)
    assert data.benchmark is not None
    position = dataclasses.replace(data.benchmark.position, overall=standing(44.96, quartiles))
    data = dataclasses.replace(
        data, benchmark=dataclasses.replace(data.benchmark, position=position)
    )
    page = html_of(app, data)
    assert sentence in lead_text(page)
    chart = page.split('<figure class="peer-figure')[1].split("</figure>")[0]
    assert row in re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", chart)))


def test_a_first_round_without_peers_says_only_what_it_knows(
    app: Flask, reported: dict[str, int]
) -> None:
    with app.app_context():
        first = load_report_data(reported["first"], "en")
    facts = summary_facts(first)
    assert facts is not None and facts.change is None and facts.peers is None
    lead = lead_text(html_of(app, first))
    assert "Since round" not in lead and "Compared with" not in lead
    assert len([s for s in re.split(r"(?<=\.) ", lead) if s]) <= 2


def test_brackets_around_figures_are_full_width_in_chinese_only() -> None:
    assert full_width_brackets("2、2(2)、4(3)", "zh") == "2、2（2）、4（3）"
    assert full_width_brackets("(+3.1)", "zh") == "（+3.1）"
    assert full_width_brackets('alert("x")', "zh") == 'alert("x")'  # no figure inside
    assert full_width_brackets("2(1)", "en") == "2(1)"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_support_service_reaches_the_text_layer_and_nothing_is_split(
    app: Flask, reported: dict[str, int], language: str, tmp_path: Path
) -> None:
    page = html_of(app, second_round(app, reported, language))
    tags = {markup.unescape(t) for t in re.findall(r'<span class="tag">([^<]*)</span>', page)}
    services = {s.label.get(language) for s in QUESTIONNAIRE.services}
    goals = {g.label.get(language) for g in QUESTIONNAIRE.goals}
    assert len(tags & services) >= 5 and tags <= services | goals
    document = render(page)
    # Nothing past the right margin, no heading alone at a page's foot, no short table,
    # chart or table with its footnote split across pages.
    assert seams(document) == []
    # No list leaves one item alone on a page; the next steps and short lists stay whole.
    assert list_seams(document) == []
    text = pdf_text(document.write_pdf(), tmp_path)
    flat = squeeze(text)
    for name in sorted(tags):
        assert squeeze(name) in flat, name
    if language == "zh":
        assert not HALF_WIDTH_AROUND_A_FIGURE.search(text), HALF_WIDTH_AROUND_A_FIGURE.findall(text)
