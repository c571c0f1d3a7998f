"""Organisation imports that cannot be abused: every bound checked before the work it
costs, and odd but honest files (CR line endings, line breaks in fields) accepted.

Replays the findings: a 12 KB XLSX claiming A1:XFD2001 took 17 s and 600 MB; 1 MB of
newlines in a CSV took 8 s; over-long CSV fields, CR-only files, a bare CR in a field
and an XLSX with a DTD gave server errors."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from flask import Flask
from openpyxl import Workbook

from maturity.core.organisation_import import UnreadableFile, read_csv, read_xlsx
from tests.web.test_centres import imported
from tests.web.world import World

HEADER = "name,credit_code,industry_division,employees,revenue,total_assets,province_code,city_code"
ROW = "杭州一号科技有限公司,,65,45,3200,,330000,330100"


def upload(world: World, content: bytes, filename: str):  # type: ignore[no-untyped-def]
    return world.client("reviewer").post(
        f"/centres/{world.ids['centre']}/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def workbook_bytes(rows: int) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    for i in range(rows):
        sheet.append([f"企业{i}", None, 65, 45, 3200, None, 330000, 330100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The workbook with its first sheet's XML changed (as a hostile author would)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            archive.writestr(item, content)
    return out.getvalue()


def wide_claim(data: bytes) -> bytes:
    return rewrite_sheet(
        data, lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD2001"', xml)
    )


def measured(read, data: bytes) -> tuple[str, float, float]:  # type: ignore[no-untyped-def]
    """(refusal code, seconds, peak MB of Python allocations) of reading a file."""
    started = time.perf_counter()
    tracemalloc.start()
    try:
        read(data)
        code = "read"
    except UnreadableFile as refused:
        code = refused.code
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return code, time.perf_counter() - started, peak


def test_hostile_files_are_refused_before_the_work(capsys: pytest.CaptureFixture[str]) -> None:
    hostile_xlsx = wide_claim(workbook_bytes(300))
    newlines = (HEADER + "\n").encode() + b"\n" * 1_000_000
    xlsx = measured(read_xlsx, hostile_xlsx)
    csv = measured(read_csv, newlines)
    with capsys.disabled():
        print(
            f"\nhostile XLSX ({len(hostile_xlsx) // 1024} KB, claims A1:XFD2001): refused as "
            f"{xlsx[0]} in {xlsx[1]:.3f} s, peak {xlsx[2]:.1f} MB"
            f"\nCSV of 1 MB of newlines: refused as {csv[0]} in {csv[1]:.3f} s, peak {csv[2]:.1f} MB"
        )
    assert xlsx[0] == "declared_size" and xlsx[1] < 1 and xlsx[2] < 50
    assert csv[0] == "too_many_lines" and csv[1] < 1 and csv[2] < 50


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (wide_claim(workbook_bytes(5)), "orgs.xlsx", "该工作表声明了 2001 行、16384 列"),
        ((HEADER + "\n").encode() + b"\n" * 20_000, "orgs.csv", "文件超过 11000 行"),
        (
            (HEADER + "\n" + ROW.replace("杭州一号科技有限公司", "长" * 200_000) + "\n").encode(),
            "orgs.csv",
            "有单元格超过 1000 个字符",
        ),
        (
            (HEADER + "\n" + ROW.replace("杭州一号科技有限公司", "长" * 2_000) + "\n").encode(),
            "orgs.csv",
            "第 2 行有单元格超过 1000 个字符",
        ),
        (
            (HEADER + ",x" * 60 + "\n" + ROW + ",y" * 60 + "\n").encode(),
            "orgs.csv",
            "文件超过 50 列",
        ),
        (
            rewrite_sheet(
                workbook_bytes(2),
                lambda xml: xml.replace(
                    b"<worksheet",
                    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
                    1,
                ).replace(b"<v>45</v>", b"<v>&b;</v>"),
            ),
            "orgs.xlsx",
            "无法按 XLSX 工作簿读取",
        ),
        (b'a,"b\nc', "orgs.csv", "表头中缺少此字段的列"),
    ],
    ids=["declared-size", "lines", "csv-field-over-128k", "long-cell", "columns", "dtd", "broken"],
)
def test_a_file_over_a_bound_gets_a_clear_message(
    app: Flask, world: World, content: bytes, filename: str, message: str
) -> None:
    response = upload(world, content, filename)
    html = response.get_data(as_text=True)
    assert message in html and "flash flash-success" not in html


def test_cr_only_line_endings_and_line_breaks_inside_fields_import(
    app: Flask, world: World
) -> None:
    cr_only = "\r".join([HEADER, ROW]) + "\r"
    assert imported(upload(world, cr_only.encode("utf-8"), "mac.csv"))
    quoted = HEADER + "\r\n" + '"宁波二号\r建筑有限公司",,47,,9000,7000,330000,330200' + "\r\n"
    assert imported(upload(world, quoted.encode("utf-8"), "quoted.csv"))


def test_a_file_larger_than_the_upload_limit_names_the_limit(app: Flask, world: World) -> None:
    response = upload(world, b"x" * (6 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    assert "文件超过 5 MB" in response.get_data(as_text=True)


@pytest.mark.slow
def test_the_largest_file_is_imported_in_one_page_request(
    app: Flask, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import func, select

    from maturity.core.organisation_import import MAX_ROWS
    from maturity.extensions import db
    from maturity.models import CentreRegistration

    rows = "\n".join(f"批量导入企业{i},,65,45,3200,,330000,330100" for i in range(MAX_ROWS))
    started = time.perf_counter()
    response = upload(world, f"{HEADER}\n{rows}\n".encode(), "big.csv")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with app.app_context():
        requests = db.session.scalar(
            select(func.count())
            .select_from(CentreRegistration)
            .where(CentreRegistration.centre_id == world.ids["centre"])
            .where(CentreRegistration.accepted_at.is_(None))
        )
    assert requests == MAX_ROWS
    with capsys.disabled():
        print(f"\nimport of {MAX_ROWS} rows (CSV, {len(rows) // 1024} KB): {seconds:.2f} s")
