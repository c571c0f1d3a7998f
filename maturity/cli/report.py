"""``flask report pdf|prune``: PDF reports from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from maturity.cli.common import fail, questionnaire_file, read_answers_file

report_cli = AppGroup("report", help="PDF reports.")


@report_cli.command("prune")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    help="Remove what is older than this (default: MATURITY_REPORT_RETENTION_DAYS, 30).",
)
def report_prune_command(days: int | None) -> None:
    """Remove cached PDFs unused for DAYS and batch ZIP files built DAYS ago (run it daily)."""
    from datetime import timedelta

    from maturity.reports.prune import prune, retention

    pruned = prune(timedelta(days=days) if days is not None else retention())
    click.echo(
        f"removed {pruned.cached_pdfs} cached PDFs, {pruned.batch_zips} batch ZIP files, "
        f"{pruned.import_files} abandoned import files and {pruned.partial_files} partial files ({pruned.bytes_freed / 1_000_000:.1f} MB)"
    )


@report_cli.command("pdf")
@click.option("--assessment", "assessment_id", type=int, help="A submitted assessment's id.")
@click.option(
    "--questionnaire", "reference", help="Offline: KEY[@VERSION] of a questionnaire file."
)
@click.option(
    "--answers",
    "answers_file",
    type=click.File("rb"),
    help="Offline: scoring input JSON (as for `flask score`).",
)
@click.option("--organisation-name", help="Offline: the name on the cover.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True
)
def report_pdf_command(
    assessment_id: int | None,
    reference: str | None,
    answers_file: Any,
    organisation_name: str | None,
    lang: str,
    output: Path,
) -> None:
    """Write the PDF report of a submitted assessment, or of an answers file offline."""
    from maturity.reports.collector import freeze_long_lived_objects

    freeze_long_lived_objects()  # the app, as the command starts (see collector)
    from datetime import date

    from maturity.core.evaluation import InvalidInput, parse_input
    from maturity.core.report import offline_report_data
    from maturity.reports.render import render_pdf
    from maturity.services.reports import load_report_data
    from maturity.services.results import NotSubmitted

    if assessment_id is not None:
        if reference or answers_file or organisation_name:
            fail(
                [
                    "--assessment cannot be combined with --questionnaire/--answers/--organisation-name"
                ]
            )
        try:
            data = load_report_data(assessment_id, lang)
        except NotSubmitted:
            fail([f"assessment {assessment_id} does not exist or is not submitted"])
    else:
        missing = [
            option
            for option, value in (
                ("--questionnaire", reference),
                ("--answers", answers_file),
                ("--organisation-name", organisation_name),
            )
            if not value
        ]
        if missing:
            fail([f"give --assessment ID, or {', '.join(missing)} for an offline report"])
        questionnaire = questionnaire_file(str(reference))
        payload = read_answers_file(answers_file)
        try:
            given = parse_input(questionnaire, payload)
        except InvalidInput as error:
            fail([f"{answers_file.name}: {problem}" for problem in error.problems])
        data = offline_report_data(questionnaire, given, str(organisation_name), lang, date.today())
    pdf = render_pdf(data)
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf) // 1024} KiB)")
