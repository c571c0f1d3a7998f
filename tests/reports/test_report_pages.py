"""The report read page by page: each running header names the section the page opens
in, not one that starts further down the page."""

from __future__ import annotations

import dataclasses
import html as markup
import re

import pytest
from flask import Flask

from maturity.core.comparison import OutcomeLeftOut
from maturity.core.report import AdjustedAnswer, VerificationLine
from tests.reports.conftest import QUESTIONNAIRE
from tests.reports.layout import render, running_headers, section_in_effect
from tests.reports.test_report_seams import html_of, second_round, squeeze


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_running_header_names_the_section_in_effect_at_the_page_top(
    app: Flask, reported: dict[str, int], language: str
) -> None:
    document = render(html_of(app, second_round(app, reported, language)))
    headers = running_headers(document)
    expected = section_in_effect(document)
    assert len(document.pages) > 8
    assert headers[0] == ""  # the cover has no header
    mismatches = [
        (number, header, wanted)
        for number, (header, wanted) in enumerate(zip(headers, expected, strict=True), start=1)
        if number > 1 and header != wanted
    ]
    assert mismatches == []


def section_text(page: str, section: str) -> str:
    part = page.split(f'<section id="{section}"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", part)))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_progress_section_gives_the_overall_change_and_names_what_it_left_out(
    app: Flask, reported: dict[str, int], language: str
) -> None:
    data = second_round(app, reported, language)
    comparison = data.comparison
    assert comparison is not None and comparison.left_out and data.previous_overall
    comparison = dataclasses.replace(
        comparison, outcomes_left_out=(("inventory_days", OutcomeLeftOut.NOT_GIVEN),)
    )
    page = html_of(app, dataclasses.replace(data, comparison=comparison))
    text = squeeze(section_text(page, "progress"))
    scores = data.evaluation.scores
    assert scores.overall_index is not None
    before, after = f"{data.previous_overall[0]:.1f}", f"{scores.overall_index:.1f}"
    assert f"{before}→{after}" in text
    count = len(comparison.questions)
    qid, reason = comparison.left_out[0]
    title = QUESTIONNAIRE.question(qid).title.get(language)
    inventory = QUESTIONNAIRE.outcome("inventory_days").label.get(language)
    assert reason == "not_applicable"
    if language == "zh":
        assert f"第1轮与第2轮之间可比较的题目：{count}道" in text, text
        assert squeeze(f"{title}（在其中一轮中为“不适用”）") in text, text
        assert squeeze(f"{inventory}（其中一轮未填写）") in text
        assert "按问题" in text and "按维度" in text
        assert f"总体：{before}→{after}" in text
    else:
        assert squeeze(f"comparable between round 1 and round 2: {count}") in text, text
        assert squeeze(f"{title} (“not applicable” in one of the rounds)") in text
        assert squeeze(f"{inventory} (not given in one of the rounds)") in text
        assert "Byquestion" in text and "Bydimension" in text
        assert f"Overall:{before}→{after}" in text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_verifier_adjustment_is_printed_in_the_appendix_note_column(
    app: Flask, reported: dict[str, int], language: str
) -> None:
    data = second_round(app, reported, language)
    question = QUESTIONNAIRE.dimensions[0].questions[1]  # answered, without a note
    adjusted = AdjustedAnswer(declared=3, found=2, note="现场未见记录")
    check = VerificationLine("partly_verified", 3, 41, 43.6, {question.id: adjusted})
    page = html_of(app, dataclasses.replace(data, verification=check))
    appendix = page.split('<section id="appendix"')[1].split("</section>")[0]
    row = next(r for r in appendix.split("<tr>") if f'data-adjusted="{question.id}"' in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert len(cells) == 4
    answer, note = (squeeze(markup.unescape(re.sub(r"<[^>]+>", "", c))) for c in cells[1:3])
    label = QUESTIONNAIRE.levels[2].label.get(language)
    assert answer == squeeze(f"3 · {QUESTIONNAIRE.levels[3].label.get(language)}")
    if language == "zh":
        assert note == squeeze(f"核验员调整为 2 · {label}：现场未见记录"), note
    else:
        assert note == squeeze(f"Adjusted by the verifier to 2 · {label}: 现场未见记录"), note


@pytest.mark.parametrize(
    ("language", "unchanged"),
    [("zh", "等级未变：第 {level} 级（{name}）"), ("en", "Level unchanged: {level} · {name}")],
)
def test_an_unchanged_level_is_said_once(
    app: Flask, reported: dict[str, int], language: str, unchanged: str
) -> None:
    data = second_round(app, reported, language)
    level = data.evaluation.scores.overall_level
    assert level is not None and data.previous_overall is not None
    same = dataclasses.replace(data, previous_overall=(data.previous_overall[0], level))
    page = html_of(app, same)
    name = QUESTIONNAIRE.levels[level].label.get(language)
    headline = page.split('<p class="headline">')[1].split("</p>")[0]
    overall = page.split("data-progress-overall>")[1].split("</p>")[0]
    for line in (headline, overall):
        text = markup.unescape(re.sub(r"<[^>]+>", "", line))
        assert unchanged.format(level=level, name=name) in text, text
        assert "→ 2" not in text.split(")")[-1] and f"{level} → {level}" not in text
    moved = dataclasses.replace(data, previous_overall=(data.previous_overall[0], level - 1))
    headline = html_of(app, moved).split('<p class="headline">')[1].split("</p>")[0]
    assert f"{level - 1} → {level}" in headline


def test_chinese_sentences_and_colons_are_not_followed_by_a_space(
    app: Flask, reported: dict[str, int]
) -> None:
    data = second_round(app, reported, "zh")
    check = VerificationLine("partly_verified", 3, 41, 43.6)
    page = html_of(app, dataclasses.replace(data, verification=check))
    body = page.split("<body>")[1]
    spaced = []
    for tag in ("p", "li", "td"):
        for inner in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", body, re.S):
            text = re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", "", inner))).strip()
            spaced += [text for _ in re.finditer(r"[。：；] \S", text)]
    assert spaced == []
    # The lines the reviewer read: the verification status, the peers, the next level.
    flat = re.sub(r"<[^>]+>", "", body)
    assert "核验：部分核验" in re.sub(r"\s+", "", flat)
