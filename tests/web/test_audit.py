"""Reads of another organisation's data are audited without disturbing the request."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user, login_user
from sqlalchemy import select

from maturity import access
from maturity.extensions import db
from maturity.models import AuditEvent, Organisation, User
from tests.web.world import SECRET_A, World


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


def test_the_audit_log_reads_in_words_and_can_be_filtered(app: Flask, world: World) -> None:
    a1, a = world.ids["a1"], world.ids["org_a"]
    assert world.client("reviewer").get(f"/assessments/{a1}/results").status_code == 200
    world.client("owner").post(
        f"/organisations/{a}/centres/{world.ids['centre']}/consent", data={"action": "revoke"}
    )
    admin = world.client("admin")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "查看了评估" in page and "撤回了授权" in page
    assert SECRET_A in page and "reviewer@example.com" in page
    assert "view_assessment" not in page.split("<tbody>")[1]  # no raw codes in the rows
    only_views = admin.get("/admin/audit?action=view_assessment").get_data(as_text=True)
    rows = only_views.split("<tbody>")[1]
    assert "查看了评估" in rows and "撤回了授权" not in rows
    by_owner = admin.get("/admin/audit?actor=OWNER@").get_data(as_text=True).split("<tbody>")[1]
    assert "撤回了授权" in by_owner and "查看了评估" not in by_owner
    assert f"organisation_id={a}" in page  # the organisation's entries, by its id
    none_later = admin.get("/admin/audit?since=2999-01-01").get_data(as_text=True)
    assert "0 条记录" in none_later
    today = admin.get("/admin/audit?until=2999-01-01&since=2000-01-01").get_data(as_text=True)
    assert "查看了评估" in today
    bad = admin.get("/admin/audit?since=yesterday").get_data(as_text=True)
    assert "有日期无法识别" in bad


def test_every_audited_action_has_words() -> None:
    """Each action code the code records (as a literal) has a label in both languages."""
    import ast
    from pathlib import Path

    from maturity.web.audit_labels import ACTION_LABELS

    codes: set[str] = set()
    for path in Path("maturity").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name != "record":
                continue
            second = node.args[1]
            options = [second.body, second.orelse] if isinstance(second, ast.IfExp) else [second]
            codes.update(o.value for o in options if isinstance(o, ast.Constant))
    codes |= {"view_assessment", "view_organisation", "view_report", "view_business_licence"}
    assert len(codes) > 30
    assert codes - set(ACTION_LABELS) == set()


def test_audit_entries_name_people_by_account_and_forget_them_with_it(
    app: Flask, world: World
) -> None:
    """The finding replayed: the audit log kept ``{"consultant": "…@example.com"}``
    after the account was deleted, and the owner's data export showed it."""
    import json

    from tests.web.world import name_centre_consultant

    name_centre_consultant(world, "stranger")
    assigned = world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/consultants",
        data={
            "organisation_id": str(world.ids["org_a"]),
            "consultant_id": str(world.ids["user_stranger"]),
        },
    )
    assert assigned.status_code == 302
    stranger = world.client("stranger")
    deleted = stranger.post("/account/delete", data={"password": "correct horse battery"})
    assert deleted.status_code == 302
    owner = world.client("owner")
    exported = owner.get(f"/organisations/{world.ids['org_a']}/data.json").get_data(as_text=True)
    assert "stranger@example.com" not in exported
    data = json.loads(exported)
    assignment = next(
        e for e in data["tables"]["audit_event"] if e["action"] == "assign_consultant"
    )
    assert json.loads(assignment["detail"])["consultant_id"] == world.ids["user_stranger"]
    assert {"id": world.ids["user_stranger"], "name": None, "former_member": True} in data["people"]
    sheet = owner.get(f"/organisations/{world.ids['org_a']}/data.xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    people = load_workbook(BytesIO(sheet.data))["people"]
    rows = {row[0]: row[1] for row in people.iter_rows(min_row=2, values_only=True)}
    assert rows[world.ids["user_stranger"]] == "已离开的成员"
    with app.app_context():
        details = " ".join(e.detail or "" for e in db.session.scalars(select(AuditEvent)))
    assert "@example.com" not in details
