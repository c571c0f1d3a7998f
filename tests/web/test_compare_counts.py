"""The history says how many questions each pair of rounds compares without comparing
them: the count is the comparison's own, within one questionnaire version and across
two (2.0.0 and 3.0.0), with "not applicable" answers left out as the comparison leaves
them out; and the page's queries do not grow with the number of rounds."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from maturity.core.answers import NOT_APPLICABLE
from maturity.extensions import db
from maturity.models import Assessment, Organisation, User
from maturity.services import assessments as service
from maturity.services import results
from tests.conftest import Owner, QueryCounter
from tests.helpers import attested, fill_round, publish_questionnaires


def submit_round(app: Flask, owner: Owner, value: int, not_applicable: int = 0) -> int:
    """A round on the current questionnaire: every question at ``value``, the first
    ``not_applicable`` questions that allow it answered "not applicable"."""
    with app.app_context():
        user = db.session.get(User, owner.user)
        organisation = db.session.get(Organisation, owner.organisation)
        assessment = service.start_or_resume(organisation, user)
        questionnaire = results.questionnaire_for(assessment)
        allowing = [q.id for q in questionnaire.questions if q.allow_na][:not_applicable]
        answers: dict[str, object] = {q.id: value for q in questionnaire.questions}
        answers |= dict.fromkeys(allowing, NOT_APPLICABLE)
        fill_round(assessment.id, owner.user, answers)
        service.submit(assessment, user, attested())
        return assessment.id


def test_each_pair_s_count_is_the_number_of_questions_its_comparison_compares(
    app: Flask, owner: Owner
) -> None:
    publish_questionnaires(app, upto="2.0.0")
    first = submit_round(app, owner, 2, not_applicable=2)  # all 2.0.0 allows
    second = submit_round(app, owner, 3)
    publish_questionnaires(app, upto="3.0.0")
    third = submit_round(app, owner, 1, not_applicable=1)
    fourth = submit_round(app, owner, 4)
    with app.app_context():
        rounds = {a.id: a for a in db.session.scalars(db.select(Assessment))}
        newest_first = [rounds[i] for i in (fourth, third, second, first)]
        assert [a.questionnaire_version.version for a in newest_first] == [
            "3.0.0", "3.0.0", "2.0.0", "2.0.0",
        ]  # fmt: skip
        pairs = results.comparable_pairs(newest_first)
        counts = {(p.earlier.id, p.later.id): p.questions for p in pairs}
        assert set(counts) == {
            (third, fourth), (second, fourth), (first, fourth), (second, third), (first, second),
        }  # fmt: skip
        for pair in pairs:
            compared = results.comparison_of(pair.earlier, pair.later).questions
            assert pair.questions == len(compared), (pair.earlier.round, pair.later.round)
        version_2 = len(results.questionnaire_for(rounds[first]).questions)
        version_3 = len(results.questionnaire_for(rounds[fourth]).questions)
        # Within a version, only the "not applicable" answers are left out.
        assert counts[(first, second)] == version_2 - 2
        assert counts[(third, fourth)] == version_3 - 1
        # Across versions, only the questions both ask with the same level statements.
        assert 0 < counts[(second, fourth)] < min(version_2, version_3)


def history_queries(client: FlaskClient, owner: Owner, counter: QueryCounter) -> tuple[int, str]:
    start = counter.count
    page = client.get(f"/organisations/{owner.organisation}/history")
    assert page.status_code == 200
    return counter.count - start, page.get_data(as_text=True)


def test_the_history_s_queries_do_not_grow_with_its_rounds(
    app: Flask, client: FlaskClient, owner: Owner, count_queries: QueryCounter
) -> None:
    publish_questionnaires(app, upto="2.0.0")
    submit_round(app, owner, 1)
    submit_round(app, owner, 2)
    few, page = history_queries(client, owner, count_queries)
    assert len(re.findall(r'data-comparable="\d+-\d+"', page)) == 1
    publish_questionnaires(app, upto="3.0.0")
    for value in (3, 4, 2):
        submit_round(app, owner, value)
    many, page = history_queries(client, owner, count_queries)
    assert len(re.findall(r'data-comparable="\d+-\d+"', page)) == 2 * 5 - 3
    assert many == few, (few, many)
