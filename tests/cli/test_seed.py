from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import func, select

from maturity.core.releases import VersionTables
from maturity.extensions import db
from maturity.models import Centre, CentreRegistration, Membership, Organisation, User
from maturity.services import verification

DEMO_SME = "91330100MA2D3M0P14"


def counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (User, Organisation, Membership, Centre, CentreRegistration)
        )


def test_seed_demo_is_idempotent_and_prints_logins(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "manager@demo.maturity.local  /  demo-manager-2026" in first.output
    assert "consultant@demo.maturity.local" in first.output
    assert "reviewer@demo.maturity.local" in first.output
    after_first = counts(app)
    assert after_first == (4, 1, 2, 1, 1)
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0 and "nothing created" in second.output
    assert counts(app) == after_first
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "manager@demo.maturity.local"))
        assert user is not None and user.check_password("demo-manager-2026")
        registration = db.session.scalars(select(CentreRegistration)).one()
        assert registration.has_consent


def test_seed_demo_refuses_production(app: Flask) -> None:
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "refusing" in result.output
    assert counts(app) == (0, 0, 0, 0, 0)


def test_demo_rounds_are_a_year_apart(app: Flask) -> None:
    from datetime import timedelta
    from itertools import pairwise

    from maturity.models import Assessment, ResultSummary
    from tests.helpers import publish_questionnaires

    publish_questionnaires(app)
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        rounds = db.session.scalars(
            select(Assessment)
            .join(Organisation)
            .where(Organisation.credit_code == DEMO_SME)
            .order_by(Assessment.round)
        ).all()
        assert [a.round for a in rounds] == [1, 2, 3]
        dates = [a.submitted_at for a in rounds]
        assert all(d is not None for d in dates)
        for earlier, later in pairwise(dates):
            assert earlier is not None and later is not None
            assert timedelta(days=364) < later - earlier < timedelta(days=366)
        summaries = {
            s.assessment_id: s.submitted_at for s in db.session.scalars(select(ResultSummary))
        }
        assert [summaries[a.id] for a in rounds] == dates
        # Every demo round is attested; the latest was partly verified by the consultant.
        assert all(a.attestation is not None for a in rounds)
        found = verification.verified_round(rounds[-1])
        assert found.status.value == "partly_verified" and found.completed_at is not None
        assert list(found.adjusted) == ["bd_data_governance"]
        assert found.verified is not None and found.declared is not None
        assert found.verified.overall_index < found.declared.overall_index


def test_the_demo_centre_has_enough_peers_for_the_benchmark_and_the_dashboard(
    app: Flask,
) -> None:
    from maturity.models import Assessment
    from maturity.services import dashboard, results
    from tests.helpers import publish_questionnaires

    # The demo's rounds and peers are on 2.0.0: the dashboard shows the current
    # version, so 2.0.0 is the newest published here.
    publish_questionnaires(app, upto="2.0.0")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert "400 synthetic demo organisations" in first.output, first.output
    # The demo's rounds lie in closed quarters: `./dev serve` computes their releases.
    computed = runner.invoke(args=["releases", "compute", "--due"])
    assert computed.exit_code == 0, computed.output
    with app.app_context():
        peers = db.session.scalars(
            select(Organisation).where(Organisation.credit_code.is_(None))
        ).all()
        assert len(peers) == 400 and all(p.name.startswith("演示同行企业 ") for p in peers)
        centre = db.session.scalars(select(Centre)).one()
        assert {r.centre_id for p in peers for r in p.centre_registrations} == {centre.id}
        latest = db.session.scalar(
            select(Assessment)
            .join(Organisation)
            .where(Organisation.credit_code == DEMO_SME, Assessment.round == 3)
        )
        assert latest is not None
        benchmark = results.benchmark_of(latest)
        assert benchmark.shown and benchmark.position.overall is not None
        assert all(standing is not None for standing in benchmark.position.dimensions.values())
        # The newest release that shows figures; the annual one of last year shows all.
        view = dashboard.centre_dashboard(centre.id, {}, date.today())
        assert view.stored is not None and isinstance(view.shown, VersionTables)
        assert view.shown.headline.count is not None and view.shown.headline.mean is not None
        year_view = dashboard.centre_dashboard(
            centre.id, {"period": str(date.today().year - 1)}, date.today()
        )
        assert isinstance(year_view.shown, VersionTables)
        assert year_view.shown.headline.count is not None
        assert year_view.shown.headline.count > 250 and year_view.shown.headline.quartiles
        consultant = db.session.scalars(
            select(User).where(User.email == "consultant@demo.maturity.local")
        ).one()
        clients = {m.organisation.name for m in consultant.memberships}
        assert len(clients) == 8 and sum(name.startswith("演示同行企业 ") for name in clients) == 7
    again = runner.invoke(args=["seed", "demo"])
    assert "nothing created" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 401


def test_synthetic_data_depend_on_the_seed_not_on_the_processes_writing_them(
    app: Flask,
) -> None:
    """On PostgreSQL chunks are written by forked processes that each commit; the
    organisations, answers and scores are the same as written by one process, and
    the ids they take leave the sequences past them."""
    from maturity.models import Answer, Assessment, ResultSummary
    from maturity.services.questionnaires import current_version
    from maturity.services.synthetic import generate
    from tests.helpers import make_organisation, make_user, publish_questionnaires

    publish_questionnaires(app)

    def drawn(centre_name: str) -> list[tuple[object, ...]]:
        organisations = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .join(Centre)
            .where(Centre.name == centre_name)
            .order_by(Organisation.id)
        ).all()
        answers = {
            (assessment.organisation_id, assessment.round): sorted(
                (answer.question_id, answer.value, answer.not_applicable)
                for answer in assessment.answers
            )
            for assessment in db.session.scalars(
                select(Assessment).where(
                    Assessment.organisation_id.in_([o.id for o in organisations])
                )
            )
        }
        indexes = {
            (summary.organisation_id, summary.round): summary.overall_index
            for summary in db.session.scalars(select(ResultSummary))
        }
        return [
            (o.industry_division, o.employees, o.revenue, o.city_code, o.size_class,
             o.created_at,
             [(r, answers[(o.id, r)], indexes[(o.id, r)]) for r in (1, 2) if (o.id, r) in answers])
            for o in organisations
        ]  # fmt: skip

    with app.app_context():
        version = current_version("sme-digital")
        assert version is not None
        one = generate(250, 9, "一个进程", version, chunk=60, processes=1)
        two = generate(250, 9, "两个进程", version, chunk=60, processes=2)
        assert (one.assessments, one.answers) == (two.assessments, two.answers)
        assert one.answers == db.session.scalar(select(func.count()).select_from(Answer)) / 2
        version_id, version_hash = version.id, version.content_hash
        by_one, by_two = drawn("一个进程"), drawn("两个进程")
        assert len(by_one) == 250 and any(len(rounds) == 2 for *_, rounds in by_one)
        # Everything but the creation time, which is drawn back from the moment of writing.
        assert [row[:5] + row[6:] for row in by_one] == [row[:5] + row[6:] for row in by_two]
    # Ids written explicitly: the next organisation and round still get fresh ones.
    owner = make_user(app, "owner@example.com", "企业主")
    added = make_organisation(app, owner)
    assert added == 501
    with app.app_context():
        assessment = Assessment(organisation_id=added, questionnaire_version_id=version_id,
                                questionnaire_hash=version_hash)  # fmt: skip
        db.session.add(assessment)
        db.session.commit()
        assert assessment.id == one.assessments + two.assessments + 1
