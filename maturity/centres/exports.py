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
   withheld, why rows do not add up to the total), and a blank row.

The XLSX sheet holds the same rows as the CSV, changes coloured by the figure's
direction; the PDF states the same facts above its tables. Everything in them is
read from the release, as the page is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from flask import Response, render_template, url_for
from flask_babel import gettext as _

from maturity.models import Centre
from maturity.reports.tables import Table, dashboard_charts
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
    """The export as a download named after the centre and the day."""
    today = date.today()
    header = export_header(centre, view, locale, today)
    name = f"dashboard-{centre.id}-{today.isoformat()}"
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
        headers={"Content-Disposition": f"attachment; filename={name}.{export_format}"},
    )


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
    """A table as its export rows: title, columns, rows, notes (no blank row)."""
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
        sheet.append(table.columns)
        for index, row in enumerate(table.rows):
            sheet.append(row)
            for column in table.signed:
                tone = table.tone(index, column)
                if tone is not None:
                    colour = GOOD_COLOUR if tone == "good" else BAD_COLOUR
                    sheet.cell(row=sheet.max_row, column=column + 1).font = Font(color=colour)
        for note in table.notes:
            sheet.append([note])
            sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True, color=NOTE_COLOUR)
        sheet.append([])
    sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
