"""The results page and the comparison of two rounds in each language's punctuation:
full-width colons and parentheses and no space between sentences in Chinese, the
half-width ones in English; an unchanged level said as such; an unchanged question
as 0, without a sign; the disclaimer in one paragraph with the level names' source."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Owner
from tests.helpers import publish_questionnaires
from tests.web.test_results_lead import page, plain
from tests.web.test_round_change import answered, submitted
from tests.web.world import QUESTIONNAIRE, World

FIRST, SECOND = (q.id for q in QUESTIONNAIRE.questions[:2])


def two_rounds(app: Flask, client: FlaskClient, owner: Owner) -> tuple[int, int]:
    publish_questionnaires(app, upto="2.0.0")
    return submitted(app, client, owner, answered(2)), submitted(app, client, owner, answered(3))


def compare_page(client: FlaskClient, owner: Owner, rounds: tuple[int, int], locale: str) -> str:
    client.get(f"/lang/{locale}")
    earlier, later = rounds
    return client.get(
        f"/organisations/{owner.organisation}/compare?earlier={earlier}&later={later}"
    ).get_data(as_text=True)


def joined(html: str) -> str:
    """The text as a browser lays it out: tags dropped without adding a space, runs of
    white space as one (a space is all a line break in the source makes)."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", html)))


def marked(html: str, attribute: str) -> str:
    """The plain text of the first element carrying ``attribute``, up to its end."""
    found = re.search(rf"<(\w+)[^>]*\b{attribute}\b[^>]*>(.*?)</\1>", html, re.S)
    assert found, attribute
    return joined(found.group(2)).strip()


@pytest.mark.parametrize(
    ("locale", "change", "level", "status"),
    [
        ("zh", "（+1.0）", "等级未变：第 1 级（规划级）", "第 1 轮：自我声明 · 第 2 轮：自我声明"),
        ("en", "(+1.0)", "Level unchanged: 1 · Planning", "Round 1: Self-declared · Round 2: Self-declared"),
    ],
)  # fmt: skip
def test_the_comparison_speaks_each_language_s_punctuation(
    app: Flask, client: FlaskClient, owner: Owner, locale: str, change: str, level: str, status: str
) -> None:
    html = compare_page(client, owner, two_rounds(app, client, owner), locale)
    assert marked(html, "data-headline-change") == change
    assert marked(html, "data-headline-level") == level
    assert marked(html, "data-round-status") == status
    if locale == "zh":
        assert "(+" not in plain(html) and ": " not in marked(html, "data-round-status")


def test_an_unchanged_question_shows_0_without_a_sign(
    app: Flask, client: FlaskClient, owner: Owner
) -> None:
    html = compare_page(client, owner, two_rounds(app, client, owner), "en")
    changes = re.findall(r"data-question-change>([^<]*)<", html)
    assert changes and set(changes) == {"0", "+1"}, set(changes)
    # Each level label and the short headers stay on one line; the table scrolls in a box.
    assert '<div class="table-scroll compare-scroll">' in html
    assert '<th scope="col" class="nowrap">Change</th>' in html
    assert re.search(r'<td class="nowrap">\d · [A-Z][a-z]+</td>', html)


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_results_say_the_level_names_and_what_the_result_is_not_once(
    app: Flask, client: FlaskClient, owner: Owner, locale: str
) -> None:
    _earlier, later = two_rounds(app, client, owner)
    html = page(client, later, locale)
    overall = html.split('id="overall"')[1].split("</section>")[0]
    paragraphs = re.findall(r"<p[^>]*data-disclaimer[^>]*>(.*?)</p>", overall, re.S)
    assert len(paragraphs) == 1
    text = plain(paragraphs[0])
    assert text.count("GB/T 39116-2020") == 1  # the level names' source, said once
    assert text.count("80%") == 1 and text.count("MIIT") + text.count("工业和信息化部") == 1
    compared = marked(html, "data-rounds-compared")
    sentences = [marked(html, "data-next-level-text"), compared, joined(paragraphs[0])]
    if locale == "zh":
        assert all("。 " not in s and "： " not in s for s in sentences), sentences
    else:
        assert ". To reach it" in sentences[0] and "both. Compare the two" in compared


@pytest.mark.parametrize(
    ("locale", "adjusted", "note", "date_kept"),
    [
        ("zh", "：", "文件核查：制度未见签发", '<span class="nowrap">'),
        ("en", ": ", "from documents: 制度未见签发", '<span class="nowrap">'),
    ],
)
def test_the_adjusted_answers_take_the_language_s_colon(
    app: Flask, world: World, locale: str, adjusted: str, note: str, date_kept: str
) -> None:
    a1 = world.ids["a1"]
    consultant = world.client("consultant")
    saved = consultant.post(
        f"/assessments/{a1}/verify",
        data={
            f"outcome-{FIRST}": "verified", f"method-{FIRST}": "on_site", f"day-{FIRST}": "2026-11-30",
            f"outcome-{SECOND}": "adjusted", f"adjusted-{SECOND}": "0", f"method-{SECOND}": "documents",
            f"note-{SECOND}": "制度未见签发",
        },
    )  # fmt: skip
    assert saved.status_code == 302
    assert (
        consultant.post(f"/assessments/{a1}/verify/complete", data={"note": ""}).status_code == 302
    )
    owner = world.client("owner")
    owner.get(f"/lang/{locale}")
    html = owner.get(f"/assessments/{a1}/results").get_data(as_text=True)
    item = html.split(f'data-adjusted="{SECOND}">')[1].split("</li>")[0]
    assert re.match(rf"<strong>[^<]+</strong>{adjusted}\S", item), item
    assert note in plain(item)
    # The count of answers checked and the completion date each stay on one line.
    badge = html.split("data-verification-status=")[1].split("</h2>")[0]
    assert '<span class="nowrap">' in badge
    completed = html.split('id="verification"')[1].split("</section>")[0]
    assert re.search(rf"{date_kept}[^<]*\d{{4}}[^<]*</span>", completed), completed
