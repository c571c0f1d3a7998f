"""The centre's words for what an import found: each field, each row problem, and
why a file could not be read (the codes come from core.organisation_import)."""

from __future__ import annotations

from flask_babel import gettext as _

from maturity.core.organisation_import import RowProblem, UnreadableFile
from maturity.services.organisation_imports import Failure


def column_label(column: str | None) -> str:
    labels = {
        "name": _("Organisation name"),
        "credit_code": _("Unified social credit code"),
        "industry_division": _("Industry division"),
        "employees": _("Employees"),
        "revenue": _("Annual operating revenue (10,000 CNY)"),
        "total_assets": _("Total assets (10,000 CNY)"),
        "province_code": _("Province"),
        "city_code": _("City"),
    }
    return labels.get(column or "", "")


def problem_message(problem: RowProblem) -> str:
    p = problem.params
    messages = {
        "missing_column": _("The header row has no column for this field."),
        "empty": _("The file contains no organisations."),
        "too_many_rows": _("At most %(max)s rows can be imported at once.", max=p.get("max", "")),
        "required": _("This field is required."),
        "too_long": _("At most %(max)s characters.", max=p.get("max", "")),
        "credit_code.length": _("A credit code has exactly 18 characters."),
        "credit_code.characters": _(
            "A credit code uses only digits and the capital letters A–Y except I, O, S, V and Z."
        ),
        "credit_code.region": _(
            "Characters 3 to 8 of a credit code are the digits of a region code."
        ),
        "credit_code.check_digit": _(
            "The last character (check digit) does not match: please check the code for typing errors."
        ),
        "duplicate": _("Same organisation as row %(row)s.", row=p.get("row", "")),
        "unknown_division": _("Unknown industry division %(value)s.", value=p.get("value", "")),
        "not_whole_number": _("Enter a whole number of 0 or more."),
        "not_amount": _("Enter an amount of 0 or more."),
        "unknown_province": _("Unknown province code %(value)s.", value=p.get("value", "")),
        "city_not_in_province": _(
            "City code %(value)s is not in this province.", value=p.get("value", "")
        ),
        "needed_for_size": _("Your industry's size class depends on this figure: please enter it."),
    }
    return messages.get(problem.code, problem.code)


def unreadable_message(unreadable: UnreadableFile) -> str:
    """Why a file could not be read, naming the bound it passed."""
    p = unreadable.params
    messages = {
        "encoding": lambda: _(
            "The file's text encoding was not recognised: save it as UTF-8 or GBK."
        ),
        "csv": lambda: _("The file could not be read as CSV: check its quotes and separators."),
        "xlsx": lambda: _("The file could not be read as an XLSX workbook."),
        "too_many_lines": lambda: _(
            "The file has more than %(max)d lines: at most %(rows)d organisations can be imported at once.",
            max=p["max"],
            rows=p["rows"],
        ),
        "too_many_columns": lambda: _(
            "The file has more than %(max)d columns: keep only the columns of the template.",
            max=p["max"],
        ),
        "cell_too_long": lambda: _(
            "Line %(row)d has a cell of more than %(max)d characters.", row=p["row"], max=p["max"]
        ),
        "declared_size": lambda: _(
            "The sheet declares %(rows)d rows and %(columns)d columns; at most %(max_rows)d rows and %(max_columns)d columns can be imported. Copy the organisations into a new sheet.",
            **p,
        ),
        "unpacked_too_large": lambda: _(
            "The workbook unpacks to more than %(max)d MB: save only the sheet of organisations.",
            max=p["max_mb"],
        ),
        "too_slow": lambda: _(
            "The file could not be read within %(seconds)d seconds: split it into smaller files.",
            seconds=p["seconds"],
        ),
    }
    return messages.get(unreadable.code, messages["xlsx"])()


def failure_message(failure: Failure, filename: str) -> str:
    """Why an import could not be completed, and what the centre can do."""
    if failure == Failure.UPLOAD_MISSING:
        return _(
            "The import of %(file)s could not be completed: the uploaded file was no longer "
            "in the platform's storage (it is kept only until its import runs). Nothing was "
            "imported; please upload the file again.",
            file=filename,
        )
    if failure == Failure.NOT_QUEUED:
        return _(
            "The import of %(file)s could not be started: the platform's background service "
            "is not available at the moment. Nothing was imported; please upload the file "
            "again in a few minutes.",
            file=filename,
        )
    return _(
        "The import of %(file)s could not be completed because of an error on the "
        "platform; nothing was imported. Please upload the file again; if this happens "
        "again, tell the platform's administrator.",
        file=filename,
    )
