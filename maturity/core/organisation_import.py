"""Validating a table of organisations (from CSV or XLSX) before anything is imported.

Pure: rows in, records and problems out. A file with any problem imports nothing;
the problems name the row (as the user sees it in the file) and the column.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from maturity.core import reference
from maturity.core.profile import OrganisationProfile

# Accepted header names (English and Chinese) for each field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "organisation", "企业名称", "名称"),
    "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
    "industry_division": ("industry_division", "industry", "行业大类", "行业代码", "行业大类代码"),
    "employees": ("employees", "从业人员", "从业人员数"),
    "revenue": ("revenue", "营业收入", "营业收入（万元）", "营业收入(万元)"),
    "total_assets": ("total_assets", "assets", "资产总额", "资产总额（万元）", "资产总额(万元)"),
    "province_code": ("province_code", "province", "省份代码", "省份"),
    "city_code": ("city_code", "city", "城市代码", "城市"),
}
REQUIRED = ("name", "industry_division", "province_code")


@dataclass(frozen=True)
class ImportLimits:
    """What an uploaded file may hold. Every bound is checked while reading, before
    the work it would cost is done: a file over one is refused with the bound named."""

    rows: int = 10_000  # organisations, after the header
    lines: int = 11_000  # lines of any kind, blank ones included
    columns: int = 50
    cell_characters: int = 1_000
    unpacked_bytes: int = 50_000_000  # an XLSX file's parts, unzipped
    seconds: float = 10.0


LIMITS = ImportLimits()
MAX_ROWS = LIMITS.rows


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based line of the file, header = 1
    column: str | None
    code: str  # what went wrong, e.g. "required", "credit_code.check_digit"
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OrganisationRecord(OrganisationProfile):
    """A valid row of the file: the profile it gives, and where it stands."""

    row: int


@dataclass(frozen=True)
class ImportCheck:
    records: tuple[OrganisationRecord, ...]
    problems: tuple[RowProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class UnreadableFile(ValueError):
    """The file cannot be read at all (``code``: ``encoding``, ``csv``, ``xlsx``), or is
    over a bound of ``ImportLimits`` (``params`` name the bound)."""

    def __init__(self, code: str, **params: int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class _Budget:
    """Counts lines and time while a file is read; raises when a bound is passed."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.lines = 0
        self.deadline = time.monotonic() + limits.seconds

    def take(self, row: Sequence[str]) -> list[str]:
        self.lines += 1
        limits = self.limits
        if self.lines > limits.lines:
            raise UnreadableFile("too_many_lines", max=limits.lines, rows=limits.rows)
        if len(row) > limits.columns and any(cell for cell in row[limits.columns :]):
            raise UnreadableFile("too_many_columns", max=limits.columns)
        cells = list(row[: limits.columns])
        for cell in cells:
            if len(cell) > limits.cell_characters:
                raise UnreadableFile("cell_too_long", max=limits.cell_characters, row=self.lines)
        if self.lines % 500 == 0 and time.monotonic() > self.deadline:
            raise UnreadableFile("too_slow", seconds=int(limits.seconds))
        return cells


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, the superset of GBK that Excel writes in China."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding")


def read_csv(data: bytes, limits: ImportLimits = LIMITS) -> list[list[str]]:
    """Rows of a CSV file in UTF-8 or GBK, separated by commas, semicolons or tabs,
    with any line endings (CR-only too, as some spreadsheet programs write them)."""
    text = decode_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    budget = _Budget(limits)
    rows = []
    # newline="": the csv module itself splits lines at CR, LF or CRLF and keeps
    # line breaks inside quoted fields.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            rows.append(budget.take(row))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnreadableFile(
                "cell_too_long", max=limits.cell_characters, row=reader.line_num
            ) from None
        raise UnreadableFile("csv") from error
    return rows


def read_xlsx(data: bytes, limits: ImportLimits = LIMITS) -> list[list[str]]:
    """Rows of the first sheet of an XLSX workbook. The archive's unpacked size and
    the sheet's declared size are checked before any row is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise UnreadableFile("xlsx") from error
    if unpacked > limits.unpacked_bytes:
        raise UnreadableFile("unpacked_too_large", max_mb=limits.unpacked_bytes // 1_000_000)
    from openpyxl import load_workbook

    budget = _Budget(limits)
    rows = []
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows > limits.lines or declared_columns > limits.columns:
            raise UnreadableFile(
                "declared_size",
                rows=declared_rows,
                columns=declared_columns,
                max_rows=limits.lines,
                max_columns=limits.columns,
            )
        for values in _sheet_rows(sheet, limits):
            rows.append(budget.take(values))
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged sheet, a DTD (defusedxml refuses entities), …
        raise UnreadableFile("xlsx") from error
    finally:
        workbook.close()
    return rows


def _sheet_rows(sheet: Any, limits: ImportLimits) -> Iterator[list[str]]:
    # Bounded in both directions: a sheet without a declared size is still read no
    # further than one line and one column past the limits.
    for values in sheet.iter_rows(
        max_row=limits.lines + 1, max_col=limits.columns + 1, values_only=True
    ):
        yield ["" if value is None else _cell_text(value) for value in values]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_map(header: Sequence[str]) -> tuple[dict[str, int], list[RowProblem]]:
    positions: dict[str, int] = {}
    problems = []
    normalised = [cell.strip().lower() for cell in header]
    for field_name, names in COLUMNS.items():
        for index, cell in enumerate(normalised):
            if cell in {name.lower() for name in names}:
                positions[field_name] = index
                break
    for field_name in REQUIRED:
        if field_name not in positions:
            problems.append(RowProblem(1, field_name, "missing_column"))
    return positions, problems


def _decimal(raw: str) -> Decimal:
    value = Decimal(raw.replace(",", ""))
    if not value.is_finite():
        raise InvalidOperation
    return value


def check_rows(rows: Iterable[Sequence[str]]) -> ImportCheck:
    table = [list(row) for row in rows]
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    if not table:
        return ImportCheck((), (RowProblem(1, None, "empty"),))
    if len(table) - 1 > MAX_ROWS:
        return ImportCheck((), (RowProblem(1, None, "too_many_rows", {"max": str(MAX_ROWS)}),))
    positions, problems = _header_map(table[0])
    if problems:
        return ImportCheck((), tuple(problems))

    records: list[OrganisationRecord] = []
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for line, row in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: Sequence[str] = row) -> str:
            index = positions.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        row_problems: list[RowProblem] = []
        for name in REQUIRED:
            if not cell(name):
                row_problems.append(RowProblem(line, name, "required"))

        name = cell("name")
        if len(name) > 200:
            row_problems.append(RowProblem(line, "name", "too_long", {"max": "200"}))

        credit_code = reference.normalise_credit_code(cell("credit_code")) or None
        if credit_code is not None:
            problem = reference.credit_code_problem(credit_code)
            if problem is not None:
                row_problems.append(RowProblem(line, "credit_code", f"credit_code.{problem.value}"))
            elif credit_code in seen_codes:
                row_problems.append(
                    RowProblem(
                        line, "credit_code", "duplicate", {"row": str(seen_codes[credit_code])}
                    )
                )
            else:
                seen_codes[credit_code] = line
        elif name:
            if name in seen_names:
                row_problems.append(
                    RowProblem(line, "name", "duplicate", {"row": str(seen_names[name])})
                )
            else:
                seen_names[name] = line

        division = cell("industry_division")
        if division and reference.division(division) is None:
            row_problems.append(
                RowProblem(line, "industry_division", "unknown_division", {"value": division})
            )

        employees: int | None = None
        if cell("employees"):
            try:
                employees = int(_decimal(cell("employees")))
                if employees < 0 or _decimal(cell("employees")) != employees:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                row_problems.append(RowProblem(line, "employees", "not_whole_number"))
                employees = None
        amounts: dict[str, Decimal | None] = {}
        for amount in ("revenue", "total_assets"):
            amounts[amount] = None
            if cell(amount):
                try:
                    value = _decimal(cell(amount))
                    if value < 0:
                        raise InvalidOperation
                    amounts[amount] = value
                except InvalidOperation:
                    row_problems.append(RowProblem(line, amount, "not_amount"))

        province = cell("province_code")
        if province and not reference.is_province(province):
            row_problems.append(
                RowProblem(line, "province_code", "unknown_province", {"value": province})
            )
        city = cell("city_code") or None
        if city is not None and not reference.is_city_of(city, province):
            row_problems.append(
                RowProblem(line, "city_code", "city_not_in_province", {"value": city})
            )

        if division and reference.division(division) is not None:
            given = {
                "employees": employees,
                "revenue": amounts["revenue"],
                "assets": amounts["total_assets"],
            }
            for measure in reference.measures_needed(division):
                column = {"assets": "total_assets"}.get(measure, measure)
                if given[measure] is None and not any(p.column == column for p in row_problems):
                    row_problems.append(RowProblem(line, column, "needed_for_size"))

        if row_problems:
            problems.extend(row_problems)
            continue
        records.append(
            OrganisationRecord(
                row=line,
                name=name,
                credit_code=credit_code,
                industry_division=division,
                employees=employees,
                revenue=amounts["revenue"],
                total_assets=amounts["total_assets"],
                province_code=province,
                city_code=city,
            )
        )
    if not records and not problems:
        problems.append(RowProblem(1, None, "empty"))
    return ImportCheck(tuple(records), tuple(problems))
