"""result_summary.centre_ids, kept by the database's triggers: after every way of
writing registrations or summaries it lists exactly the centres that the summary's
organisation is registered with (accepted), in ascending order."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import delete, insert, select, text, update

from maturity.extensions import db
from maturity.models import Centre, CentreRegistration, Organisation, ResultSummary, User
from maturity.models._types import utcnow
from maturity.services import centres
from maturity.services.questionnaires import current_version
from maturity.services.summaries import rebuild_organisations
from maturity.services.synthetic import generate
from tests.helpers import make_user, publish_questionnaires
from tests.reports.conftest import submit_round


def kept() -> dict[int, list[int]]:
    """Per summary row (assessment id): the centres the database keeps on it."""
    return {
        assessment_id: list(centre_ids)
        for assessment_id, centre_ids in db.session.execute(
            select(ResultSummary.assessment_id, ResultSummary.centre_ids)
        )
    }


def registered() -> dict[int, list[int]]:
    """The same, worked out from the registrations."""
    accepted: dict[int, list[int]] = {}
    for organisation_id, centre_id in db.session.execute(
        select(CentreRegistration.organisation_id, CentreRegistration.centre_id)
        .where(CentreRegistration.accepted_at.is_not(None))
        .order_by(CentreRegistration.centre_id)
    ):
        accepted.setdefault(organisation_id, []).append(centre_id)
    return {
        assessment_id: accepted.get(organisation_id, [])
        for assessment_id, organisation_id in db.session.execute(
            select(ResultSummary.assessment_id, ResultSummary.organisation_id)
        )
    }


def summaries_of(organisation_id: int) -> set[tuple[int, ...]]:
    return {
        tuple(ids)
        for ids in db.session.scalars(
            select(ResultSummary.centre_ids).where(ResultSummary.organisation_id == organisation_id)
        )
    }


def test_every_write_of_registrations_and_summaries_keeps_the_centres(app: Flask) -> None:
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        assert version is not None
        generate(30, 3, "甲中心", version)  # COPY on PostgreSQL, batched INSERTs on SQLite
        generate(20, 4, "乙中心", version)
    user_id = make_user(app, "registrar@example.com", "登记员")
    with app.app_context():
        a, b = (
            db.session.scalars(select(Centre).where(Centre.name == name)).one()
            for name in ("甲中心", "乙中心")
        )
        assert kept() == registered()
        assert {tuple(ids) for ids in kept().values()} == {(a.id,), (b.id,)}
        first, second, third = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == a.id)
            .order_by(Organisation.id)
            .limit(3)
        )
        user = db.session.get(User, user_id)
        assert user is not None

        centres.register(first, b, user)  # the ORM's INSERT, accepted at once
        assert summaries_of(first.id) == {tuple(sorted((a.id, b.id)))}

        request = CentreRegistration(centre_id=b.id, organisation_id=second.id)
        db.session.add(request)  # a centre's request: not counted until accepted
        db.session.commit()
        assert summaries_of(second.id) == {(a.id,)}
        centres.answer_request(request, True, user)  # an UPDATE of accepted_at
        assert summaries_of(second.id) == {tuple(sorted((a.id, b.id)))}

        db.session.execute(  # the organisation leaves centre A: a DELETE
            delete(CentreRegistration).where(
                CentreRegistration.organisation_id == first.id, CentreRegistration.centre_id == a.id
            )
        )
        db.session.commit()
        assert summaries_of(first.id) == {(b.id,)}
        assert kept() == registered()
        third_id, first_id, a_id, b_id = third.id, first.id, a.id, b.id

    # A new round's summary row, written by the submission, carries the centres at once.
    new_round = submit_round(app, first_id, user_id, lambda index, _question: 1 + index % 5)
    with app.app_context():
        assert kept()[new_round] == [b_id]

        # One statement over many registrations (every one of centre B's).
        db.session.execute(
            update(CentreRegistration)
            .where(CentreRegistration.centre_id == b_id)
            .values(accepted_at=None)
        )
        db.session.commit()
        assert kept() == registered()
        assert summaries_of(first_id) == {()} and summaries_of(third_id) == {(a_id,)}
        db.session.execute(
            update(CentreRegistration)
            .where(CentreRegistration.centre_id == b_id)
            .values(accepted_at=utcnow())
        )
        db.session.commit()
        assert kept() == registered()
        assert summaries_of(first_id) == {(b_id,)}

        # A registration moved to another centre, then to another organisation.
        moved = db.session.scalars(
            select(CentreRegistration.id).where(
                CentreRegistration.organisation_id == first_id, CentreRegistration.centre_id == b_id
            )
        ).one()
        db.session.execute(
            update(CentreRegistration).where(CentreRegistration.id == moved).values(centre_id=a_id)
        )
        db.session.commit()
        assert summaries_of(first_id) == {(a_id,)} and kept() == registered()
        spare = db.session.scalars(
            select(Organisation.id).where(~Organisation.centre_registrations.any()).limit(1)
        ).first()
        if spare is not None:
            db.session.execute(
                update(CentreRegistration)
                .where(CentreRegistration.id == moved)
                .values(organisation_id=spare)
            )
            db.session.commit()
            assert summaries_of(first_id) == {()} and kept() == registered()


def test_requests_and_consent_leave_the_summaries_alone(app: Flask) -> None:
    """Only an accepted registration is in a centre list: writing a request, or a
    change of consent, neither rewrites summaries nor holds their organisations (a
    centre's import of 10,000 requests rewrote every summary of theirs)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a row's version (xmin) is PostgreSQL's")
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        assert version is not None
        generate(10, 3, "甲中心", version)
        generate(10, 4, "乙中心", version)
        a, b = (
            db.session.scalars(select(Centre.id).where(Centre.name == name)).one()
            for name in ("甲中心", "乙中心")
        )
        of_a = list(
            db.session.scalars(
                select(CentreRegistration.organisation_id).where(CentreRegistration.centre_id == a)
            )
        )

        def versions() -> dict[int, str]:
            rows = db.session.execute(text("SELECT assessment_id, xmin::text FROM result_summary"))
            return {assessment_id: xmin for assessment_id, xmin in rows}

        before = versions()
        db.session.execute(  # B asks to register every one of A's organisations
            insert(CentreRegistration),
            [{"centre_id": b, "organisation_id": organisation} for organisation in of_a],
        )
        db.session.commit()
        db.session.execute(
            update(CentreRegistration)
            .where(CentreRegistration.centre_id == a)
            .values(consent_granted_at=utcnow())
        )
        db.session.commit()
        db.session.execute(  # B withdraws its requests
            delete(CentreRegistration).where(
                CentreRegistration.centre_id == b, CentreRegistration.accepted_at.is_(None)
            )
        )
        db.session.commit()
        assert versions() == before and kept() == registered()
        db.session.execute(  # one leaves A: its summaries, and only they, change
            update(CentreRegistration)
            .where(CentreRegistration.centre_id == a, CentreRegistration.organisation_id == of_a[0])
            .values(accepted_at=None)
        )
        db.session.commit()
        after = versions()
        changed = {k for k in before if after[k] != before[k]}
        assert changed and changed == {
            assessment_id
            for assessment_id, organisation in db.session.execute(
                select(ResultSummary.assessment_id, ResultSummary.organisation_id)
            )
            if organisation == of_a[0]
        }
        assert kept() == registered()


def test_a_summary_written_while_its_organisation_leaves_a_centre_does_not_keep_it(
    app: Flask,
) -> None:
    """The race: an organisation leaves a centre (not yet committed) while its summary
    is written on another connection. The summary waits for the departure and is
    written without the centre; before the locks it kept the centre for good."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time")
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        assert version is not None
        generate(3, 5, "甲中心", version)
        a_id = db.session.scalars(select(Centre.id).where(Centre.name == "甲中心")).one()
        organisation_id = db.session.scalars(
            select(ResultSummary.organisation_id).order_by(ResultSummary.organisation_id).limit(1)
        ).one()
        # Its first round not yet summarised: writing it touches no existing summary row.
        db.session.execute(
            delete(ResultSummary).where(ResultSummary.organisation_id == organisation_id)
        )
        db.session.commit()

        leaving = db.engine.connect()
        leaving.execute(
            delete(CentreRegistration).where(
                CentreRegistration.organisation_id == organisation_id,
                CentreRegistration.centre_id == a_id,
            )
        )  # in progress: not committed

    written: list[int] = []

    def write() -> None:
        with app.app_context():
            written.append(rebuild_organisations(organisation_id, organisation_id))

    writer = threading.Thread(target=write)
    writer.start()
    writer.join(timeout=1.0)
    waited = writer.is_alive()
    leaving.commit()
    leaving.close()
    writer.join(timeout=30)
    assert written and written[0] > 0
    with app.app_context():
        assert summaries_of(organisation_id) == {()}
        assert kept() == registered()
    assert waited
