"""Releases are computed for every closed period (at upgrade, daily, on request),
once, and kept as computed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from maturity.core.periods import parse_period
from maturity.extensions import db
from maturity.models import AuditEvent, Centre, Release, User
from maturity.services import releases
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.helpers import current_questionnaire, log_in, make_user, publish_questionnaires


def test_closed_periods_are_quarters_and_years_that_are_over() -> None:
    found = [p.code for p in releases.closed_periods(date(2025, 11, 3), date(2026, 7, 1))]
    assert found == ["2025-Q4", "2025", "2026-Q1", "2026-Q2"]
    assert releases.closed_periods(date(2026, 7, 1), date(2026, 9, 30)) == []
    assert releases.next_release_due(date(2026, 12, 6)) == date(2027, 1, 1)
    assert releases.parse_closed("2026-Q3", date(2026, 10, 1)) is not None
    assert releases.parse_closed("2026-Q4", date(2026, 12, 6)) is None
    assert releases.parse_closed("2026", date(2026, 12, 31)) is None
    assert releases.parse_closed("yesterday", date(2026, 12, 6)) is None


def test_every_closed_period_gets_its_releases_once(app: Flask) -> None:
    publish_questionnaires(app)
    with app.app_context():
        generate(60, 2, "甲中心", current_version("sme-digital"))
        due = releases.due(date.today())
        first = db.session.scalar(select(func.min(Release.id)))
        assert first is None
        populations = {d.population for d in due}
        centre_id = db.session.scalar(select(Centre.id))
        assert populations == {releases.PLATFORM, releases.centre_population(centre_id)}
        # The synthetic rounds lie one to two years back: at least five quarters and a
        # year, for each population.
        assert len(due) >= 2 * 6
        result = app.test_cli_runner().invoke(args=["releases", "compute", "--due"])
        assert result.exit_code == 0 and f"computed {len(due)} releases" in result.output
        assert releases.due(date.today()) == []
        again = app.test_cli_runner().invoke(args=["releases", "compute", "--due"])
        assert "computed 0 releases" in again.output
        assert db.session.scalar(select(func.count(Release.id))) == len(due)
        # A task run twice, or two workers at once: one release.
        period = parse_period(due[0].period)
        assert period is not None
        assert releases.compute(due[0].population, period, 1) is None
        listed = app.test_cli_runner().invoke(
            args=["releases", "list", "--population", releases.centre_population(centre_id)]
        )
        assert listed.exit_code == 0 and "revision 1" in listed.output and "ρ" in listed.output


def test_the_command_refuses_an_open_period_and_an_unknown_population(app: Flask) -> None:
    publish_questionnaires(app)
    runner = app.test_cli_runner()
    this_quarter = f"{date.today().year}-Q{(date.today().month - 1) // 3 + 1}"
    open_period = runner.invoke(
        args=["releases", "compute", "--population", "platform", "--period", this_quarter]
    )
    assert open_period.exit_code != 0 and "not a closed period" in open_period.output
    unknown = runner.invoke(
        args=["releases", "compute", "--population", "centre:999", "--period", "2024"]
    )
    assert unknown.exit_code != 0 and "is no population" in unknown.output


def test_an_administrator_asks_for_a_new_revision_with_a_reason(app: Flask) -> None:
    publish_questionnaires(app)
    with app.app_context():
        generate(30, 2, "甲中心", current_version("sme-digital"))
        centre_id = db.session.scalar(select(Centre.id))
    period = f"{date.today().year - 1}"
    population = f"centre:{centre_id}"
    assert (
        app.test_cli_runner()
        .invoke(args=["releases", "compute", "--population", population, "--period", period])
        .exit_code
        == 0
    )
    admin_id = make_user(app, "admin@example.com", "管理员")
    with app.app_context():
        user = db.session.get(User, admin_id)
        assert user is not None
        user.is_admin = True
        db.session.commit()
    make_user(app, "someone@example.com", "某人")
    someone = app.test_client()
    log_in(someone, "someone@example.com")
    assert someone.get("/admin/releases").status_code == 404
    admin = app.test_client()
    log_in(admin, "admin@example.com")
    page = admin.get("/admin/releases").get_data(as_text=True)
    assert "甲中心" in page and period in page and "再次计算" in page
    refused = admin.post(
        "/admin/releases",
        data={"population": population, "period": "2099", "reason": "修正"},
    )
    assert "不是已结束的统计期" in refused.get_data(as_text=True)
    no_reason = admin.post(
        "/admin/releases",
        data={"population": population, "period": period, "reason": ""},
    )
    assert "请说明" in no_reason.get_data(as_text=True)
    done = admin.post(
        "/admin/releases",
        data={"population": population, "period": period, "reason": "修正行业"},
        follow_redirects=True,
    )
    assert f"{period} 的第 2 版正在计算" in done.get_data(as_text=True)
    with app.app_context():
        revisions = db.session.scalars(
            select(Release.revision).where(Release.population == population)
        ).all()
        assert sorted(revisions) == [1, 2]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "request_release"))
        assert event is not None and event.detail is not None
        detail = json.loads(event.detail)
        assert (detail["reason"], detail["revision"], detail["period"]) == ("修正行业", 2, period)


def test_every_change_is_against_the_organisations_own_previous_round(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    """What a release's changes are measured against, recomputed from the rounds
    themselves: for each organisation, its latest round of the period less the round
    before it (whenever that was); a first round has none. One baseline for every
    outcome figure, and for the overall index (rounds on one version here)."""
    from maturity.core.periods import year
    from maturity.models import Assessment, AssessmentStatus, ItemValue

    outcome_ids = {item.id for item in current_questionnaire().outcomes}
    changed = first_rounds = 0
    with app.app_context():
        population = releases.centre_population(synthetic["a"])
        for period in (year(date.today().year - 1), year(date.today().year)):
            records, _shapes = releases.records_for(population, period)
            assert records
            for record in records:
                rounds = list(
                    db.session.scalars(
                        select(Assessment)
                        .where(
                            Assessment.organisation_id == record.organisation_id,
                            Assessment.status == AssessmentStatus.SUBMITTED,
                        )
                        .order_by(Assessment.round)
                    )
                )
                inside = [
                    i
                    for i, a in enumerate(rounds)
                    if a.submitted_at is not None
                    and period.first <= a.submitted_at.date() <= period.last
                ]
                latest = rounds[inside[-1]]
                previous = rounds[inside[-1] - 1] if inside[-1] > 0 else None

                def figures(assessment: Assessment) -> dict[str, Decimal]:
                    values = db.session.scalars(
                        select(ItemValue).where(ItemValue.assessment_id == assessment.id)
                    )
                    return {v.item_id: Decimal(v.value) for v in values if v.item_id in outcome_ids}

                if previous is None:
                    first_rounds += 1
                    assert record.outcome_changes == {} and record.index_change is None
                    continue
                later, earlier = figures(latest), figures(previous)
                expected = {k: float(later[k] - earlier[k]) for k in later.keys() & earlier.keys()}
                assert record.outcome_changes == pytest.approx(expected)
                assert latest.result is not None and previous.result is not None
                assert record.index_change == pytest.approx(
                    latest.result.overall_index - previous.result.overall_index
                )
                changed += bool(expected)
    assert changed >= 10 and first_rounds >= 10
