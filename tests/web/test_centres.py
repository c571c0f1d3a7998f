from __future__ import annotations

import io
import re

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.models import AuditEvent, CentreRegistration, Organisation
from tests.web.world import SECRET_A, World, name_centre_consultant

HEADER = "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
ROWS = [
    "杭州一号科技有限公司,91350100M000100Y43,65,45,3200,,330000,330100",
    "宁波二号建筑有限公司,,47,,9000,7000,330000,330200",
]


def upload(world: World, content: bytes, filename: str = "orgs.csv", role: str = "reviewer"):  # type: ignore[no-untyped-def]
    return world.client(role).post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def imported(response) -> bool:  # type: ignore[no-untyped-def]
    """The import's page says the rows were imported."""
    return response.status_code == 200 and "flash flash-success" in response.get_data(as_text=True)


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Organisation.id))) or 0,
            db.session.scalar(select(func.count(CentreRegistration.id))) or 0,
        )


def test_clean_file_is_imported(app: Flask, world: World) -> None:
    before = counts(app)
    response = upload(world, ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8"))
    assert imported(response)
    assert "发出 2 个登记请求" in response.get_data(as_text=True)
    assert counts(app) == (before[0] + 2, before[1] + 2)
    with app.app_context():
        created = db.session.scalar(
            select(Organisation).where(Organisation.name == "宁波二号建筑有限公司")
        )
        assert (
            created is not None and created.size_class == "medium" and created.city_code == "330200"
        )
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import_organisations"))
            is not None
        )


def test_file_with_bad_rows_imports_nothing_and_reports_every_row(app: Flask, world: World) -> None:
    before = counts(app)
    bad = "\n".join(
        [HEADER, ROWS[0], ",BAD,99,-1,,,330000,", "建筑公司,,47,10,100,,330000,", ROWS[1]]
    )
    response = upload(world, bad.encode("utf-8"))
    assert not imported(response)
    html = response.get_data(as_text=True)
    assert "未导入任何数据" in html
    assert html.count("<tr><td>3</td>") == 4  # name, credit code, division, employees of row 3
    assert "统一社会信用代码应为 18 位" in html and "行业大类代码 99 不存在" in html
    assert html.count("<tr><td>4</td>") == 1 and "规模划型需要此项数据" in html
    assert counts(app) == before


def test_duplicates_in_the_file_and_in_the_database(app: Flask, world: World) -> None:
    duplicate_rows = "\n".join([HEADER, ROWS[0], ROWS[0]])
    response = upload(world, duplicate_rows.encode("utf-8"))
    assert not imported(response) and "与第 2 行是同一家企业" in response.get_data(as_text=True)
    assert imported(upload(world, "\n".join([HEADER, ROWS[0]]).encode("utf-8")))
    before = counts(app)
    again = upload(world, "\n".join([HEADER, *ROWS]).encode("utf-8"))
    assert imported(again)
    assert "1 家企业已在本中心名单中" in again.get_data(
        as_text=True
    ) and "发出 1 个登记请求" in again.get_data(as_text=True)
    assert counts(app) == (before[0] + 1, before[1] + 1)


def test_gbk_encoded_file(app: Flask, world: World) -> None:
    content = (
        "企业名称,统一社会信用代码,行业大类,从业人员,营业收入,资产总额,省份代码,城市代码\r\n"
        + "\r\n".join(ROWS)
        + "\r\n"
    ).encode("gbk")
    response = upload(world, content)
    assert imported(response), response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(Organisation).where(Organisation.name == "杭州一号科技有限公司")
            )
            is not None
        )


def test_xlsx_file_and_unreadable_files(app: Flask, world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["杭州一号科技有限公司", "91350100M000100Y43", 65, 45, 3200.0, None, 330000, 330100]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert imported(upload(world, buffer.getvalue(), "orgs.xlsx"))
    assert "只能导入 CSV 或 XLSX" in upload(world, b"x", "orgs.pdf").get_data(as_text=True)
    assert "无法按 XLSX 工作簿读取" in upload(world, b"not a zip", "orgs.xlsx").get_data(
        as_text=True
    )
    assert "无法识别文件的文字编码" in upload(world, b"\xff\xfe\x00\xd8\x00", "orgs.csv").get_data(
        as_text=True
    )


def test_other_roles_cannot_import(app: Flask, world: World) -> None:
    before = counts(app)
    for role in ("owner", "consultant", "stranger"):
        assert upload(world, "\n".join([HEADER, *ROWS]).encode(), role=role).status_code == 404
    assert counts(app) == before


def test_centre_assigns_a_consultant_only_under_consent(app: Flask, world: World) -> None:
    name_centre_consultant(world, "stranger")
    reviewer = world.client("reviewer")
    response = reviewer.post(
        f"/centres/{world.ids['centre']}/consultants",
        data={
            "organisation_id": str(world.ids["org_a"]),
            "consultant_id": str(world.ids["user_stranger"]),
        },
    )
    assert response.status_code == 302
    stranger = world.client("stranger")
    assert SECRET_A in stranger.get("/consultant").get_data(as_text=True)
    assert stranger.get(f"/assessments/{world.ids['a1']}/results").status_code == 200


def test_consultant_access_is_audited_and_findings_reach_the_organisation(
    app: Flask, world: World
) -> None:
    consultant = world.client("consultant")
    a1 = world.ids["a1"]
    assert consultant.get(f"/assessments/{a1}/results").status_code == 200
    saved = consultant.post(
        f"/assessments/{a1}/findings",
        data={
            "finding-__overall__": "整体基础扎实",
            "finding-product_design": "三维设计已普及\n仿真待加强",
        },
    )
    assert saved.status_code == 302
    owner_view = world.client("owner").get(f"/assessments/{a1}/results").get_data(as_text=True)
    assert (
        "整体基础扎实" in owner_view
        and "仿真待加强" in owner_view
        and "撰写人：consultant" in owner_view
    )
    with app.app_context():
        actions = {(e.action, e.organisation_id) for e in db.session.scalars(select(AuditEvent))}
    assert ("view_assessment", world.ids["org_a"]) in actions
    assert ("write_findings", world.ids["org_a"]) in actions
    # The owner's own reads are not "another organisation's data" and are not logged.
    with app.app_context():
        owner_reads = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.actor_id == world.ids["user_owner"], AuditEvent.action.like("view_%")
            )
        )
    assert owner_reads == 0
    log = world.client("admin").get("/admin/audit").get_data(as_text=True)
    assert "consultant@example.com" in log and "查看了评估" in log


def test_too_long_finding_saves_nothing(app: Flask, world: World) -> None:
    consultant = world.client("consultant")
    response = consultant.post(
        f"/assessments/{world.ids['a1']}/findings",
        data={"finding-__overall__": "好", "finding-product_design": "长" * 5001},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#findings")
    page = consultant.get(f"/assessments/{world.ids['a1']}/results").get_data(as_text=True)
    # The message stands in the findings section, where the redirect lands, not at the top.
    findings = page.split('id="findings"')[1]
    assert "每条发现最多 5000 个字符" in findings
    assert "每条发现最多 5000 个字符" not in page.split('id="findings"')[0]
    with app.app_context():
        from maturity.models import Finding

        assert db.session.scalars(select(Finding)).all() == []


def test_admin_manages_centres_users_and_questionnaires(app: Flask, world: World) -> None:
    admin = world.client("admin")
    created = admin.post("/admin/centres", data={"name": "宁波服务中心", "province_code": "330000"})
    assert created.status_code == 302
    assert "宁波服务中心</a></th><td>浙江省" in admin.get("/admin/centres").get_data(as_text=True)
    unknown_province = admin.post("/admin/centres", data={"name": "X", "province_code": "999999x"})
    assert "请从列表中选择省份" in unknown_province.get_data(as_text=True)
    kept = admin.post("/admin/centres", data={"name": "", "province_code": "330000"})
    assert re.search(r'<option (selected value="330000"|value="330000" selected)', kept.text)
    assert 'value="X"' in unknown_province.get_data(as_text=True)
    long_name = "长" * 200
    assert admin.post("/admin/centres", data={"name": long_name}).status_code == 302
    with app.app_context():
        from maturity.models import AuditEvent, Centre

        centre = db.session.scalar(select(Centre).where(Centre.name == long_name))
        assert centre is not None and centre.province_code is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_id == str(centre.id)))
        assert event is not None and event.action == "create_centre"
        assert db.session.scalar(select(Centre).where(Centre.name == "X")) is None
    duplicate = admin.post("/admin/centres", data={"name": "宁波服务中心"})
    assert "已有同名的服务中心" in duplicate.get_data(as_text=True)
    admin.post(
        f"/admin/centres/{world.ids['centre']}/staff",
        data={"email": "stranger@example.com", "role": "reviewer"},
    )
    assert world.client("stranger").get(f"/centres/{world.ids['centre']}").status_code == 200
    admin.post(f"/admin/users/{world.ids['user_stranger']}", data={"action": "deactivate"})
    assert world.client("stranger").get("/consultant").status_code == 302  # logged out: inactive
    refused = admin.post(f"/admin/users/{world.ids['user_admin']}", data={"action": "revoke_admin"})
    assert refused.status_code == 302
    assert admin.get("/admin/").status_code == 200
    published = admin.post("/admin/questionnaires/publish", follow_redirects=True)
    assert "未变：sme-digital@1.0.0" in published.get_data(as_text=True)
