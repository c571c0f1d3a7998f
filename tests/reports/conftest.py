"""Assessments with reports to render, shared by the report and batch tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from maturity.core.answers import AnswerInput, parse_value
from maturity.core.applicability import applicability
from maturity.core.items import OUTCOME, PROFILE
from maturity.extensions import db
from maturity.models import Finding, Organisation, ReportJob, User
from maturity.models._types import utcnow
from maturity.services import assessments as service
from maturity.services import items
from tests.helpers import (
    FULL_PROFILE,
    attested,
    current_questionnaire,
    make_organisation,
    make_user,
    publish_questionnaires,
)

QUESTIONNAIRE = current_questionnaire()
# The second round: a process manufacturer, so one question is marked not applicable
# and others read in their process wording.
PROCESS_PROFILE = {**FULL_PROFILE, "sector": "process"}
HOSTILE_NAME = '<script>alert("x")</script> 测试&公司'


def submit_round(
    app: Flask,
    organisation_id: int,
    user_id: int,
    value_of: Any,
    note: str | None = None,
    profile: dict[str, str] = FULL_PROFILE,
    outcomes: dict[str, str] | None = None,
) -> int:
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        user = db.session.get(User, user_id)
        assessment = service.start_or_resume(organisation, user)
        assert not items.save_items(assessment, QUESTIONNAIRE, PROFILE, profile, user).refused
        if outcomes:
            assert not items.save_items(assessment, QUESTIONNAIRE, OUTCOME, outcomes, user).refused
        marked = applicability(QUESTIONNAIRE, profile).not_applicable
        for index, question in enumerate(QUESTIONNAIRE.questions):
            if question.id in marked:
                continue
            raw = value_of(index, question)
            given = AnswerInput(question.id, parse_value(raw), note if index == 0 else None)
            service.save_answer(assessment, given, user)
        service.submit(assessment, user, attested())
        return assessment.id


@pytest.fixture
def reported(app: Flask) -> dict[str, int]:
    publish_questionnaires(app)
    user_id = make_user(app, name="<b>王经理</b>")
    organisation_id = make_organisation(app, user_id, name=HOSTILE_NAME)
    first = submit_round(
        app,
        organisation_id,
        user_id,
        lambda i, q: 1 if not q.allow_na or i % 2 else "na",
        outcomes={"on_time_delivery": "82.5", "inventory_days": "45"},
    )
    second = submit_round(
        app,
        organisation_id,
        user_id,
        lambda i, q: 2 + (i % 2),
        note="备注 <i>不是标签</i>\n第二行",
        profile=PROCESS_PROFILE,
        outcomes={"on_time_delivery": "91", "inventory_days": "30"},
    )
    with app.app_context():
        db.session.add(
            Finding(
                assessment_id=second,
                dimension_id="__overall__",
                text="顾问意见：优先推进数据治理。",
                author_id=user_id,
            )
        )
        db.session.commit()
    return {"user": user_id, "organisation": organisation_id, "first": first, "second": second}


def quiet_since(app: Flask, job_id: int, seconds: float) -> None:
    """The batch's last progress, that long ago."""
    with app.app_context():
        db.session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id)
            .values(progressed_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()
