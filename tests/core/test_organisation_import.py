from __future__ import annotations

from decimal import Decimal

from maturity.core.organisation_import import check_rows, decode_text, read_csv

HEADER = [
    "name",
    "credit_code",
    "industry_division",
    "employees",
    "revenue",
    "total_assets",
    "province_code",
    "city_code",
]
GOOD = [
    ["杭州一号科技有限公司", "91350100M000100Y43", "65", "45", "3200", "", "330000", "330100"],
    ["宁波二号建筑有限公司", "", "47", "", "9000", "7000", "330000", "330200"],
]


def problems(rows: list[list[str]]) -> list[tuple[int, str | None, str]]:
    return [(p.row, p.column, p.code) for p in check_rows(rows).problems]


def test_clean_rows_become_records() -> None:
    check = check_rows([HEADER, *GOOD, ["", "", "", "", "", "", "", ""]])
    assert check.ok
    first, second = check.records
    assert (first.row, first.name, first.credit_code, first.employees) == (
        2,
        "杭州一号科技有限公司",
        "91350100M000100Y43",
        45,
    )
    assert (second.revenue, second.total_assets, second.credit_code) == (
        Decimal(9000),
        Decimal(7000),
        None,
    )


def test_every_bad_row_is_reported_with_row_and_column() -> None:
    rows = [
        HEADER,
        GOOD[0],
        ["", "91350100M000100Y44", "99", "-3", "abc", "", "990000", ""],
        ["坏公司", "", "34", "1.5", "100", "", "330000", "110100"],
        ["建筑公司", "", "47", "10", "100", "", "330000", ""],
    ]
    assert problems(rows) == [
        (3, "name", "required"),
        (3, "credit_code", "credit_code.check_digit"),
        (3, "industry_division", "unknown_division"),
        (3, "employees", "not_whole_number"),
        (3, "revenue", "not_amount"),
        (3, "province_code", "unknown_province"),
        (4, "employees", "not_whole_number"),
        (4, "city_code", "city_not_in_province"),
        (5, "total_assets", "needed_for_size"),
    ]
    assert check_rows(rows).records and not check_rows(rows).ok


def test_duplicates_within_a_file() -> None:
    rows = [
        HEADER,
        GOOD[0],
        GOOD[1],
        [*GOOD[0][:1], *GOOD[0][1:]],
        ["宁波二号建筑有限公司", *GOOD[1][1:]],
    ]
    assert problems(rows) == [(4, "credit_code", "duplicate"), (5, "name", "duplicate")]
    assert check_rows(rows).problems[0].params == {"row": "2"}


def test_chinese_headers_and_semicolon_csv_in_gbk() -> None:
    text = (
        "企业名称;统一社会信用代码;行业大类代码;从业人员;营业收入（万元）;资产总额（万元）;省份代码;城市代码\r\n"
        + ";".join(GOOD[0])
        + "\r\n"
    )
    data = text.encode("gbk")
    assert decode_text(data) == text
    check = check_rows(read_csv(data))
    assert check.ok and check.records[0].name == "杭州一号科技有限公司"


def test_missing_columns_and_empty_files() -> None:
    assert problems([["name", "employees"], ["x", "1"]]) == [
        (1, "industry_division", "missing_column"),
        (1, "province_code", "missing_column"),
    ]
    assert problems([]) == [(1, None, "empty")]
    assert problems([HEADER]) == [(1, None, "empty")]
