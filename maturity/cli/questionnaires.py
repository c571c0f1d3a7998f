"""``flask questionnaires list|validate|load|export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from maturity.cli.common import echo_json, fail, questionnaire_file

questionnaires_cli = AppGroup("questionnaires", help="Validate, publish and export questionnaires.")


@questionnaires_cli.command("list")
def list_command() -> None:
    """List questionnaire files and their publication state."""
    from maturity.core.questionnaire import QuestionnaireError, load_file
    from maturity.models import QuestionnaireVersion
    from maturity.services.questionnaires import catalogue

    files = catalogue()
    try:
        from maturity.extensions import db

        rows = {(r.key, r.version): r for r in db.session.scalars(select(QuestionnaireVersion))}
        database_note = None
    except (OperationalError, ProgrammingError):
        rows = {}
        database_note = "database not initialised (run `flask db upgrade`): showing files only"
    for key, version in sorted(set(files.files) | set(rows), key=lambda kv: (kv[0], kv[1])):
        row = rows.get((key, version))
        path = files.files.get((key, version))
        state = "file only"
        digest = ""
        if path is not None:
            try:
                digest = load_file(path).content_hash
            except QuestionnaireError:
                state = "INVALID file"
        if row is not None:
            if path is None:
                state = "published (file missing)"
            elif digest and digest != row.content_hash:
                state = "published, FILE CHANGED since publication"
            else:
                state = "published" + (", current" if row.is_current else "")
            digest = row.content_hash
        click.echo(f"{key}@{version}\t{digest[:12]}\t{state}")
    if database_note:
        click.echo(database_note, err=True)


@questionnaires_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_command(path: Path) -> None:
    """Validate one questionnaire file; list every problem with its location."""
    from maturity.core.questionnaire import QuestionnaireError, load_file

    try:
        questionnaire = load_file(path)
    except QuestionnaireError as error:
        click.echo(f"{path}: {len(error.problems)} problem(s)", err=True)
        for problem in error.problems:
            click.echo(f"{path}: {problem}", err=True)
        sys.exit(1)
    counts = ", ".join(f"{d.id} {len(d.questions)}" for d in questionnaire.dimensions)
    click.echo(f"{path}: OK {questionnaire.label} hash {questionnaire.content_hash} ({counts})")


@questionnaires_cli.command("load")
def load_command() -> None:
    """Publish every questionnaire file into the database (all or nothing)."""
    from maturity.services.questionnaires import catalogue, publish_all

    report = publish_all(catalogue())
    if report.problems:
        click.echo("nothing published:", err=True)
        fail(report.problems, code=1)
    for label in report.published:
        click.echo(f"published {label}")
    for label in report.unchanged:
        click.echo(f"unchanged {label}")


@questionnaires_cli.command("export")
@click.argument("reference")
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json")
def export_command(reference: str, output_format: str) -> None:
    """Export KEY[@VERSION] (the latest version when none is given)."""
    from maturity.core.evaluation import questionnaire_json

    questionnaire = questionnaire_file(reference)
    echo_json(questionnaire_json(questionnaire))
