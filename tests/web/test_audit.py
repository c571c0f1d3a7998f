"""Reads of another organisation's data are audited without disturbing the request."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_login import current_user, login_user
from sqlalchemy import select

from maturity import access
from maturity.extensions import db
from maturity.models import AuditEvent, Organisation, User
from tests.web.world import World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def audited(app: Flask, actor_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            (event.action, event.object_id)
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.actor_id == actor_id).order_by(AuditEvent.id)
            )
        ]


def test_a_read_is_audited_even_when_the_request_fails_afterwards(app: Flask, world: World) -> None:
    @app.get("/test/read-then-fail/<int:assessment_id>")
    def read_then_fail(assessment_id: int) -> str:
        access.visible_assessment(current_user, assessment_id)
        raise RuntimeError("the page broke after the read")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    consultant = world.client("consultant")
    assessment_id = world.ids["a1"]
    assert consultant.get(f"/test/read-then-fail/{assessment_id}").status_code == 500
    assert audited(app, world.ids["user_consultant"]) == [("view_assessment", str(assessment_id))]


def test_checking_access_commits_nothing_half_way(app: Flask, world: World) -> None:
    consultant_id, organisation_id = world.ids["user_consultant"], world.ids["org_a"]
    with app.test_request_context():
        login_user(db.session.get(User, consultant_id))
        organisation = db.session.get(Organisation, organisation_id)
        original = organisation.name
        organisation.name = "half-done change"  # work in progress of this request
        access.visible_assessment(current_user, world.ids["a1"])  # a foreign read
        db.session.rollback()  # the request fails: its work must not have been committed
        assert db.session.get(Organisation, organisation_id).name == original
    # The read is still in the audit log, written when the request ended.
    assert audited(app, consultant_id) == [("view_assessment", str(world.ids["a1"]))]


def test_own_reads_are_not_audited(app: Flask, world: World) -> None:
    owner = world.client("owner")
    assert owner.get(f"/assessments/{world.ids['a1']}/results").status_code == 200
    assert [a for a in audited(app, world.ids["user_owner"]) if a[0].startswith("view_")] == []
