"""Database behaviour the product relies on, on whichever backend runs the suite."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from maturity.core.reference import SizeClass
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    Organisation,
    QuestionnaireVersion,
)
from tests.databases import is_postgres


def make_assessment(app: Flask) -> int:
    with app.app_context():
        organisation = Organisation(
            name="测试", industry_section="C", industry_division="34", employees=10,
            revenue=100, size_class=SizeClass.MICRO, province_code="330000",
        )  # fmt: skip
        version = QuestionnaireVersion(key="k", version="1.0.0", content_hash="h", source="s")
        assessment = Assessment(
            organisation=organisation, questionnaire_version=version, questionnaire_hash="h"
        )
        db.session.add(assessment)
        db.session.commit()
        return assessment.id


@pytest.mark.skipif(is_postgres(), reason="SQLite connection settings")
def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_foreign_keys_are_enforced(app: Flask) -> None:
    with app.app_context():
        db.session.add(Answer(assessment_id=999_999, question_id="q", value=3))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_answer_value_is_0_to_5_or_not_applicable(app: Flask) -> None:
    assessment_id = make_assessment(app)
    with app.app_context():
        for bad in (Answer(value=9), Answer(value=None), Answer(value=3, not_applicable=True)):
            bad.assessment_id = assessment_id
            bad.question_id = "q1"
            db.session.add(bad)
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
        db.session.add(Answer(assessment_id=assessment_id, question_id="q1", not_applicable=True))
        db.session.add(Answer(assessment_id=assessment_id, question_id="q2", value=0))
        db.session.commit()


def test_questionnaire_with_assessments_cannot_be_deleted(app: Flask) -> None:
    assessment_id = make_assessment(app)
    with app.app_context():
        db.session.add(Answer(assessment_id=assessment_id, question_id="q1", value=2))
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(text("DELETE FROM questionnaire_version"))
            db.session.commit()
        db.session.rollback()
        assert db.session.scalars(select(Answer)).one().value == 2


def test_concurrent_writers_wait_instead_of_failing(app: Flask) -> None:
    """Two transactions that read then write the same rows: the second waits for
    the first (busy timeout / row lock) rather than failing with 'locked'."""
    assessment_id = make_assessment(app)
    errors: list[BaseException] = []

    def writer(question: str, hold: float) -> None:
        try:
            with app.app_context():
                db.session.scalars(select(Answer)).all()  # read first, then write
                db.session.add(Answer(assessment_id=assessment_id, question_id=question, value=1))
                db.session.flush()
                time.sleep(hold)
                db.session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(f"q{i}", 0.2)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert len(db.session.scalars(select(Answer)).all()) == 4
