"""The audit log answers "to whom?" and "what exactly?": role changes name their target,
exports their format, release and filters in the export's own words; the administrator
role is given or taken only once confirmed; the log is narrowed to one organisation by
its link, or by part of a name."""

from __future__ import annotations

import json
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from maturity.core.periods import year
from maturity.extensions import db
from maturity.models import AuditEvent, User
from maturity.services import releases
from tests.helpers import log_in
from tests.web.world import SECRET_A, SECRET_B, World


def rows(client: FlaskClient, query: str = "") -> str:
    """The table rows of the audit log (what the filters leave)."""
    page = client.get(f"/admin/audit{query}")
    assert page.status_code == 200
    return page.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]


def admin_in_english(app: Flask) -> FlaskClient:
    """The administrator on a client of its own that reads in English."""
    client = app.test_client()
    log_in(client, "admin@example.com")
    with client.session_transaction() as session:
        session["locale"] = "en"
    return client


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_a_role_change_names_whom_it_concerns_in_both_languages(app: Flask, world: World) -> None:
    admin = world.client("admin")
    named = admin.post(
        f"/admin/centres/{world.ids['centre']}/staff",
        data={"email": "stranger@example.com", "role": "consultant"},
    )
    assert named.status_code == 302
    admin.post(f"/admin/users/{world.ids['user_member']}", data={"action": "make_consultant"})
    (staff,) = events(app, "add_centre_staff")
    assert json.loads(staff.detail or "{}")["user_id"] == world.ids["user_stranger"]
    (flag,) = events(app, "user_make_consultant")
    assert json.loads(flag.detail or "{}")["user_id"] == world.ids["user_member"]

    zh = rows(admin, "?action=add_centre_staff")
    assert "stranger" in zh and "测试服务中心" in zh and "admin@example.com" in zh
    assert "%(" not in zh and "{" not in zh  # words, not a template or the stored JSON
    zh_flag = rows(admin, "?action=user_make_consultant")
    assert "member" in zh_flag

    english = admin_in_english(app)
    en = rows(english, "?action=add_centre_staff")
    assert "admin made stranger a consultant of the centre 测试服务中心." in en
    assert "admin gave member the consultant role." in rows(english, "?action=user_make_consultant")

    removed = admin.post(
        f"/admin/centres/{world.ids['centre']}/staff/{world.ids['user_stranger']}/remove",
        data={"role": "consultant"},
    )
    assert removed.status_code == 302
    assert "admin took the consultant role at the centre 测试服务中心 from stranger." in rows(
        english, "?action=remove_centre_staff"
    )


def test_the_target_of_a_role_change_is_a_former_member_once_gone(app: Flask, world: World) -> None:
    admin = world.client("admin")
    admin.post(f"/admin/users/{world.ids['user_stranger']}", data={"action": "make_consultant"})
    deleted = world.client("stranger").post(
        "/account/delete", data={"password": "correct horse battery"}
    )
    assert deleted.status_code == 302
    english = admin_in_english(app)
    row = rows(english, "?action=user_make_consultant")
    assert "admin gave a former member the consultant role." in row
    assert "stranger" not in row


def test_an_export_names_its_format_release_and_filters(app: Flask, world: World) -> None:
    with app.app_context():
        population = releases.centre_population(world.ids["centre"])
        period = year(date.today().year)
        releases.compute(population, period, releases.next_revision(population, period.code))
    reviewer = world.client("reviewer")
    for url in (
        f"/centres/{world.ids['centre']}/dashboard.csv?size=small",
        f"/centres/{world.ids['centre']}/dashboard.xlsx",
    ):
        assert reviewer.get(url).status_code == 200, url
    stored = [json.loads(e.detail or "{}") for e in events(app, "export_dashboard")]
    assert [(d["format"], d["filters"]) for d in stored] == [
        ("csv", {"size": "small"}),
        ("xlsx", {}),
    ]

    english = admin_in_english(app)
    en = rows(english, "?action=export_dashboard")
    assert "Format: CSV" in en and "Format: XLSX" in en
    assert "Filters: " in en and "Filters: none" in en
    assert f"Release: {date.today().year}, revision 1" in en
    zh = rows(world.client("admin"), "?action=export_dashboard")
    assert "CSV" in zh and "XLSX" in zh and "筛选条件：" in zh and "小型" in zh
    # The log says the filters and the period in the very words of the export's header.
    for client, locale in ((english, "en"), (world.client("admin"), "zh")):
        reviewer.get(f"/lang/{locale}")
        csv = reviewer.get(f"/centres/{world.ids['centre']}/dashboard.csv?size=small&section=C")
        header = csv.get_data(as_text=True).lstrip("\ufeff").split("\r\n\r\n")[0].splitlines()
        (filters,) = [line for line in header if line.startswith(("Filters: ", "筛选条件："))]
        assert ("Size class" if locale == "en" else "规模类型") in filters
        logged = rows(client, "?action=export_dashboard")
        assert filters in logged, (filters, logged)
        period = str(date.today().year) if locale == "en" else f"{date.today().year} 年"
        assert period in header[1] and period in logged

    owner = world.client("owner")
    assert owner.get(f"/organisations/{world.ids['org_a']}/data.xlsx").status_code == 200
    assert owner.get(f"/reports/jobs/{world.ids['job']}/download").status_code == 200
    assert "Format: XLSX" in rows(english, "?action=export_organisation_data")
    batch = rows(english, "?action=download_batch")
    assert "Format: PDF" in batch or "Format: ZIP" in batch


def test_making_an_administrator_needs_a_confirmation(app: Flask, world: World) -> None:
    admin = world.client("admin")
    stranger_id = world.ids["user_stranger"]

    def is_admin() -> bool:
        with app.app_context():
            user = db.session.get(User, stranger_id)
            assert user is not None
            return user.is_admin

    asked = admin.post(f"/admin/users/{stranger_id}", data={"action": "make_admin"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert not is_admin() and events(app, "user_make_admin") == []
    assert 'name="confirm" value="yes"' in page and "stranger@example.com" in page
    english = admin_in_english(app)
    said = english.post(
        f"/admin/users/{stranger_id}", data={"action": "make_admin", "confirm": "no"}
    ).get_data(as_text=True)
    assert "Nothing has changed yet" in said and "needs a confirmation" in said
    assert not is_admin()

    confirmed = admin.post(
        f"/admin/users/{stranger_id}", data={"action": "make_admin", "confirm": "yes"}
    )
    assert confirmed.status_code == 302 and is_admin()
    (made,) = events(app, "user_make_admin")
    assert made.actor_id == world.ids["user_admin"] and made.object_id == str(stranger_id)
    assert "admin made stranger an administrator." in rows(english, "?action=user_make_admin")

    admin.post(f"/admin/users/{stranger_id}", data={"action": "revoke_admin"})
    assert is_admin() and events(app, "user_revoke_admin") == []
    admin.post(f"/admin/users/{stranger_id}", data={"action": "revoke_admin", "confirm": "yes"})
    assert not is_admin()
    assert "admin took the administrator role from stranger." in rows(
        english, "?action=user_revoke_admin"
    )


def test_the_log_is_narrowed_by_part_of_an_organisations_name(app: Flask, world: World) -> None:
    a, b = world.ids["org_a"], world.ids["org_b"]
    assert world.client("reviewer").get(f"/assessments/{world.ids['a1']}/results").status_code
    world.client("other_owner").post(
        f"/organisations/{b}/centres/{world.ids['centre']}/consent", data={"action": "grant"}
    )
    admin = world.client("admin")
    everything = rows(admin)
    assert SECRET_A in everything and SECRET_B in everything
    part_of_a = SECRET_A[1:5]  # "方保密精", not B's
    by_name = rows(admin, f"?organisation={part_of_a}")
    assert SECRET_A in by_name and SECRET_B not in by_name
    assert SECRET_B in rows(admin, "?organisation=乙方")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert 'id="f-organisation" name="organisation" type="search"' in page
    assert 'inputmode="numeric"' not in page
    # The number an older link carried is no longer an organisation's id.
    assert SECRET_A not in rows(admin, f"?organisation={a}")
    # Wildcards are taken literally, in either case of Latin letters.
    assert rows(admin, "?organisation=%25").count("<tr>") == 0
    with app.app_context():
        from maturity.models import Organisation

        organisation = db.session.get(Organisation, a)
        assert organisation is not None
        organisation.name = "Acme Precision 精工"
        db.session.commit()
    assert "Acme Precision" in rows(admin, "?organisation=acme prec")


def test_the_users_list_shows_every_role(app: Flask, world: World) -> None:
    world.client("admin").post(
        f"/admin/centres/{world.ids['centre']}/staff",
        data={"email": "consultant@example.com", "role": "consultant"},
    )
    english = admin_in_english(app)
    page = english.get("/admin/users").get_data(as_text=True)
    row = page.split("consultant@example.com")[1].split("</tr>")[0]
    assert "consultant at 测试服务中心" in row and f"consultant to {SECRET_A}" in row
    reviewer = page.split("reviewer@example.com")[1].split("</tr>")[0]
    assert "reviewer at 测试服务中心" in reviewer
    owner = page.split(">owner@example.com")[1].split("</tr>")[0]
    assert f"owner of {SECRET_A}" in owner
    assert f"member of {SECRET_A}" in page.split("member@example.com")[1].split("</tr>")[0]
    assert "administrator" in page.split("admin@example.com")[1].split("</tr>")[0]


def test_an_organisations_link_lists_its_entries_and_no_namesakes(app: Flask, world: World) -> None:
    """Organisations whose names share a prefix: the link in a row narrows the log to
    exactly that organisation; the form still searches by part of a name."""
    a, b = world.ids["org_a"], world.ids["org_b"]
    with app.app_context():
        from maturity.models import Organisation

        for organisation_id, name in ((a, "Acme"), (b, "Acme Trading")):
            organisation = db.session.get(Organisation, organisation_id)
            assert organisation is not None
            organisation.name = name
        db.session.commit()
    assert world.client("reviewer").get(f"/assessments/{world.ids['a1']}/results").status_code
    world.client("other_owner").post(
        f"/organisations/{b}/centres/{world.ids['centre']}/consent", data={"action": "grant"}
    )
    english = admin_in_english(app)
    page = english.get("/admin/audit").get_data(as_text=True)
    assert f'href="/admin/audit?organisation_id={a}">Acme</a>' in page
    assert f'href="/admin/audit?organisation_id={b}">Acme Trading</a>' in page

    only_a = english.get(f"/admin/audit?organisation_id={a}").get_data(as_text=True)
    listed = only_a.split("<tbody>")[1].split("</tbody>")[0]
    assert ">Acme</a>" in listed and "Acme Trading" not in listed
    # Which organisation is filtered, and the way back to all of them.
    assert "Only the entries of Acme." in only_a
    assert "Show every organisation's entries</a>" in only_a
    assert '<a href="/admin/audit">Show every' in only_a
    # The form keeps the organisation while other filters are chosen.
    assert f'<input type="hidden" name="organisation_id" value="{a}">' in only_a
    narrowed = rows(english, f"?organisation_id={a}&action=view_assessment")
    assert ">Acme</a>" in narrowed and "Acme Trading" not in narrowed
    assert rows(english, f"?organisation_id={b}&action=view_assessment").count("<tr>") == 0
    with_action = english.get(f"/admin/audit?organisation_id={a}&action=view_assessment")
    assert '<a href="/admin/audit?action=view_assessment">Show every' in with_action.get_data(
        as_text=True
    )

    # The name search finds both by their common part, and one by a part of its own.
    both = rows(english, "?organisation=acme")
    assert ">Acme</a>" in both and ">Acme Trading</a>" in both
    trading = rows(english, "?organisation=trad")
    assert ">Acme Trading</a>" in trading and ">Acme</a>" not in trading
    # A value that is no id narrows nothing and claims no organisation.
    odd = english.get("/admin/audit?organisation_id=x1").get_data(as_text=True)
    assert "Only the entries of" not in odd and ">Acme Trading</a>" in odd


def test_a_providers_entry_names_the_provider(app: Flask, world: World) -> None:
    reviewer = world.client("reviewer")
    url = f"/centres/{world.ids['centre']}/providers"
    form = {"services": ["cloud_it"], "contact": "0571-1234", "programmes": ""}
    assert reviewer.post(url, data={**form, "name": "云栖信息技术"}).status_code == 302
    with app.app_context():
        from maturity.models import ServiceProvider

        provider_id = db.session.scalar(select(ServiceProvider.id))
    edited = reviewer.post(f"{url}/{provider_id}", data={**form, "name": "云栖数字科技"})
    assert edited.status_code == 302
    english = admin_in_english(app)
    saved = rows(english, "?action=save_provider")
    assert "Centre: 测试服务中心 · 云栖信息技术" in saved
    assert "Centre: 测试服务中心 · 云栖数字科技" in saved
    deleted = reviewer.post(f"{url}/{provider_id}", data={"action": "delete"})
    assert deleted.status_code == 302
    assert "云栖数字科技" in rows(english, "?action=delete_provider")
    # A centre's creation names the centre once, as its target.
    english.post("/admin/centres", data={"name": "丁中心"})
    created = rows(english, "?action=create_centre")
    assert created.count("丁中心") == 1 and "Centre: 丁中心" in created
