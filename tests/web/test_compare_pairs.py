"""The history offers the previous round against the latest and says, before comparing,
how many questions each pair of rounds can compare."""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import Assessment
from tests.conftest import Owner
from tests.helpers import CONFIRMED, fill_round, publish_questionnaires

# The sentence the history and the comparison show, per language.
SENTENCE = {
    "zh": "第 {earlier} 轮与第 {later} 轮之间可比较的题目：{num} 道",
    "en": "Questions comparable between round {earlier} and round {later}: {num}",
}
VERSIONS = {
    "zh": "（问卷版本 {earlier} 与 {later}）",
    "en": "(questionnaire versions {earlier} and {later})",
}


@dataclass(frozen=True)
class Rounds:
    organisation: int
    ids: dict[int, int]  # round number → assessment id


def start_round(app: Flask, client: FlaskClient, organisation_id: int) -> int:
    assert client.post(f"/organisations/{organisation_id}/assessments").status_code == 302
    with app.app_context():
        newest = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
        assert newest is not None
        return newest.id


def submit_round(app: Flask, client: FlaskClient, owner: Owner, value: int) -> int:
    assessment_id = start_round(app, client, owner.organisation)
    with app.app_context():
        fill_round(assessment_id, owner.user, value)
    assert client.post(f"/assessments/{assessment_id}/submit", data=CONFIRMED).status_code == 302
    return assessment_id


@pytest.fixture
def rounds(app: Flask, client: FlaskClient, owner: Owner) -> Rounds:
    """Round 1 on questionnaire 1.0.0; rounds 2 and 3 on 2.0.0, which arrived meanwhile."""
    publish_questionnaires(app, only="1.0.0")
    first = submit_round(app, client, owner, 1)
    publish_questionnaires(app, upto="2.0.0")
    second = submit_round(app, client, owner, 2)
    third = submit_round(app, client, owner, 3)
    return Rounds(owner.organisation, {1: first, 2: second, 3: third})


def compared_rows(client: FlaskClient, rounds: Rounds, earlier: int, later: int) -> int:
    """How many questions the comparison page itself compares for the pair."""
    page = client.get(
        f"/organisations/{rounds.organisation}/compare",
        query_string={"earlier": rounds.ids[earlier], "later": rounds.ids[later]},
    )
    assert page.status_code == 200
    return page.get_data(as_text=True).count('<tr data-question="')


def selected(page: str, name: str) -> str:
    select_html = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', page, re.S)
    assert select_html, f"no select {name}"
    chosen = re.findall(r'<option value="(\d+)" selected>', select_html.group(1))
    assert len(chosen) == 1, chosen
    return chosen[0]


def text_of(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment))).strip()


def comparable_sentence(page: str, pair: str) -> str:
    match = re.search(
        rf'<(p|li) class="comparable" data-comparable="{pair}">(.*?)</\1>', page, re.S
    )
    if match is None:
        match = re.search(rf'<li data-comparable="{pair}">(.*?)</li>', page, re.S)
        assert match, f"no sentence for the pair {pair}"
        return text_of(match.group(1))
    return text_of(match.group(2))


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_history_opens_on_the_previous_round_against_the_latest_and_counts_first(
    client: FlaskClient, rounds: Rounds, locale: str
) -> None:
    if locale == "en":
        client.get("/lang/en")
    same_version = compared_rows(client, rounds, 2, 3)
    across_versions = compared_rows(client, rounds, 1, 3)
    # The pair on one questionnaire version compares every question; 1.0.0 → 2.0.0
    # keeps four questions' level statements (tests/web/test_items.py).
    assert across_versions == 4 and same_version > 40
    page = client.get(f"/organisations/{rounds.organisation}/history").get_data(as_text=True)
    assert selected(page, "earlier") == str(rounds.ids[2])
    assert selected(page, "later") == str(rounds.ids[3])
    # Said before comparing, for the default pair, with the comparison's own count.
    sentence = SENTENCE[locale]
    assert comparable_sentence(page, "2-3") == sentence.format(earlier=2, later=3, num=same_version)
    # Every other pair offered says its count too; a pair crossing versions says so.
    assert comparable_sentence(page, "1-3") == (
        sentence.format(earlier=1, later=3, num=across_versions)
        + " "
        + VERSIONS[locale].format(earlier="1.0.0", later="2.0.0")
    )
    assert comparable_sentence(page, "1-2").startswith(
        sentence.format(earlier=1, later=2, num=compared_rows(client, rounds, 1, 2))
    )
    assert page.index('data-comparable="2-3"') < page.index('type="submit" class="button"')
    link = re.search(r'<li data-comparable="1-3"><a href="([^"]+)"', page)
    assert link
    assert client.get(html_lib.unescape(link.group(1))).status_code == 200
    # The comparison repeats the count it compared.
    compare = client.get(
        f"/organisations/{rounds.organisation}/compare",
        query_string={"earlier": rounds.ids[1], "later": rounds.ids[3]},
    ).get_data(as_text=True)
    assert comparable_sentence(compare, "1-3") == sentence.format(
        earlier=1, later=3, num=across_versions
    )


def test_the_comparison_without_a_choice_shows_the_last_two_rounds(
    client: FlaskClient, rounds: Rounds
) -> None:
    page = client.get(f"/organisations/{rounds.organisation}/compare")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-comparable="2-3"' in html
    assert (
        client.get(
            f"/organisations/{rounds.organisation}/compare", query_string={"earlier": rounds.ids[1]}
        ).status_code
        == 400
    )  # half a choice is still refused


def test_one_submitted_round_offers_no_comparison(
    app: Flask, client: FlaskClient, owner: Owner
) -> None:
    publish_questionnaires(app, upto="2.0.0")
    submit_round(app, client, owner, 2)
    start_round(app, client, owner.organisation)  # a draft round is not offered
    page = client.get(f"/organisations/{owner.organisation}/history").get_data(as_text=True)
    assert 'name="earlier"' not in page and "data-comparable" not in page
