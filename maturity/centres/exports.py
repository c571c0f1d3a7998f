"""A centre dashboard's exports (CSV, XLSX, PDF) and the lines that say what they hold.

Every export has the same layout, so that a person reads it from the top and a
program finds its tables by their titles:

1. A block of facts, one per row, each ``label: value`` in the first cell: the
   centre, the release (its period, revision, when it was computed, when the next
   is due), the questionnaire version, the filters in words ("none" without any),
   the day of the export, and the absolute address of the methodology page.
2. One blank row.
3. Each table: a row with its title, a row of column names, its rows (the last row
   of a breakdown is the release's own total), one row per note (why a figure is
   withheld, why rows do not add up to the total), and a blank row. A table with no
   publishable row, which the page does not draw, is its title and the sentence that
   says why, as on the page.

Its file is named after the centre, the release's period, the version where the
release holds several, the filters, the language and the day, so that exports of
different views never overwrite each other.

The XLSX sheet holds the same rows as the CSV, changes coloured by the figure's
direction; the PDF states the same facts above its tables. Everything in them is
read from the release, as the page is.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from flask import Response, render_template, url_for
from flask_babel import gettext as _

from maturity.models import Centre
from maturity.reports.tables import Table, TableCell, dashboard_charts
from maturity.reports.words import filters_line, release_period
from maturity.services import dashboard as dashboard_service
from maturity.web.dates import date_in_words

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD_COLOUR, BAD_COLOUR, NOTE_COLOUR = "067647", "B42318", "52606D"


def release_lines(view: dashboard_service.CentreDashboard, locale: str) -> list[str]:
    """Which release is shown (its period, revision and date), when the next is due,
    and on which questionnaire version."""
    if view.stored is None:
        return [
            _(
                "No release yet: the first is computed on %(day)s.",
                day=date_in_words(view.next_due, "long"),
            )
        ]
    row = view.stored.row
    lines = [
        _(
            "Release: %(period)s, revision %(revision)d, computed %(day)s; the next is due on %(next)s.",
            period=release_period(row),
            revision=row.revision,
            day=date_in_words(row.computed_at, "long"),
            next=date_in_words(view.next_due, "long"),
        )
    ]
    if view.questionnaire is not None:
        lines.append(
            _(
                "Questionnaire: %(title)s %(version)s",
                title=view.questionnaire.title.get(locale),
                version=view.questionnaire.version,
            )
        )
    return lines


def method_note(url: str) -> str:
    return _(
        "Figures come from a release computed once when its period closed, with random noise that protects each organisation; how, and how accurate they are: %(url)s",
        url=url,
    )


def methodology_url() -> str:
    """The methodology page's absolute address, on the configured public address."""
    return url_for("centres.methodology", _external=True)


def export_header(
    centre: Centre, view: dashboard_service.CentreDashboard, locale: str, today: date
) -> list[str]:
    """What an export holds, said at its top: the centre, the release, the filters,
    the day, and where the method is explained."""
    return [
        _("Centre: %(name)s", name=centre.name),
        *release_lines(view, locale),
        filters_line(view.filters.as_args(), locale),
        _("Exported on %(day)s", day=date_in_words(today, "long")),
        method_note(methodology_url()),
    ]


def export_response(
    centre: Centre,
    view: dashboard_service.CentreDashboard,
    tables: list[Table],
    export_format: str,
    locale: str,
) -> Response:
    """The export as a download named after what it holds (export_name)."""
    today = date.today()
    header = export_header(centre, view, locale, today)
    name = export_name(centre, view, locale, today)
    if export_format == "csv":
        body: str | bytes = to_csv(tables, header)
        mimetype = CSV
    elif export_format == "xlsx":
        body, mimetype = to_xlsx(tables, header), XLSX
    else:
        from maturity.reports.pdf import html_to_pdf

        body, mimetype = (
            html_to_pdf(print_html(centre, view, tables, header, locale)),
            "application/pdf",
        )
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{export_format}"'},
    )


def export_name(
    centre: Centre, view: dashboard_service.CentreDashboard, locale: str, today: date
) -> str:
    """dashboard-<centre>-<period>[-<version>][-<filter>-<value>…]-<language>-<day>,
    e.g. "dashboard-1-2026-Q3-size-small-zh-2026-12-06", in ASCII letters, digits,
    dots and hyphens only (safe in a plain filename= parameter)."""
    parts = ["dashboard", str(centre.id)]
    if view.stored is not None:
        parts.append(view.stored.row.period)
    if view.version_key is not None and len(view.versions) > 1:
        parts.append(view.version_key)
    for name, value in view.filters.as_args().items():
        parts += [name, value]
    parts += [locale, today.isoformat()]
    return "-".join(filter(None, (_ascii(part) for part in parts)))


def _ascii(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", part).strip("-.")


def print_html(
    centre: Centre,
    view: dashboard_service.CentreDashboard,
    tables: list[Table],
    header: list[str],
    locale: str,
) -> str:
    """The HTML the PDF is rendered from."""
    return render_template(
        "centres/dashboard_print.html",
        centre=centre,
        view=view,
        tables=tables,
        charts=dashboard_charts(view, locale),
        header=header,
        methodology_url=methodology_url(),
    )


def table_rows(table: Table) -> list[Sequence[str | int | float]]:
    """A table as its export rows: title, columns, rows, notes (no blank row); a
    table not drawn: its title and why."""
    if table.withheld is not None:
        return [[table.title], [table.withheld]]
    return [
        [table.title],
        list(table.columns),
        *[["" if c is None else c for c in row] for row in table.rows],
        *[[note] for note in table.notes],
    ]


def to_csv(tables: list[Table], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([line] for line in header)
    writer.writerow([])
    for table in tables:
        writer.writerows(table_rows(table))
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(tables: list[Table], header: list[str]) -> bytes:
    """The same rows as the CSV on one sheet; titles bold, notes grey, changes
    green where they are good and red where they are bad."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "dashboard"
    for line in header:
        sheet.append([line])
    sheet.append([])
    for table in tables:
        sheet.append([table.title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        if table.withheld is None:
            sheet.append(table.columns)
            for index, row in enumerate(table.rows):
                sheet.append(row)
                for column, value in enumerate(row):
                    cell = sheet.cell(row=sheet.max_row, column=column + 1)
                    if isinstance(value, float):
                        cell.number_format = number_format(
                            table.places(index, column), column in table.signed
                        )
                    tone = table.tone(index, column)
                    if tone is not None:
                        cell.font = Font(color=GOOD_COLOUR if tone == "good" else BAD_COLOUR)
        for note in table.notes if table.withheld is None else (table.withheld,):
            sheet.append([note])
            sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True, color=NOTE_COLOUR)
        sheet.append([])
    for letter, width in column_widths(tables).items():
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def number_format(places: int, signed: bool) -> str:
    """A figure with its decimal places ("0.0": 48.0 reads "48.0"); a change with its sign."""
    digits = "0." + "0" * places if places else "0"
    return f"+{digits};-{digits};{digits}" if signed else digits


def column_widths(tables: list[Table]) -> dict[str, float]:
    """Each column's width from the widest of its names and cells (a CJK character
    counts two), within bounds; column A at least as wide as before, for the labels.
    Titles, notes and the header are one cell each and run over into the empty cells."""
    from openpyxl.utils import get_column_letter

    widest: dict[int, int] = {}
    for table in tables:
        if table.withheld is not None:
            continue
        rows: list[list[TableCell]] = [list(table.columns), *table.rows]
        for row in rows:
            for column, value in enumerate(row):
                text = "" if value is None else str(value)
                widest[column] = max(widest.get(column, 0), _display_width(text))
    widths = {get_column_letter(c + 1): float(min(max(w + 2, 10), 48)) for c, w in widest.items()}
    widths["A"] = max(widths.get("A", 0.0), 36.0)
    return widths


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
