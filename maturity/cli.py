"""``flask --app maturity …`` commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from maturity.core.evaluation import (
    InvalidInput,
    evaluate,
    evaluation_json,
    parse_input,
    questionnaire_json,
)
from maturity.core.questionnaire import Questionnaire, QuestionnaireError, load_file

BAD_INPUT = 2

seed_cli = AppGroup("seed", help="Load demo or reference data into the database.")
questionnaires_cli = AppGroup("questionnaires", help="Validate, publish and export questionnaires.")


def fail(problems: list[str], code: int = BAD_INPUT) -> NoReturn:
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(code)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def questionnaire_file(reference: str) -> Questionnaire:
    """KEY[@VERSION] from the questionnaire files; exit 2 if unknown, 1 if invalid."""
    from maturity.services.questionnaires import catalogue

    try:
        return catalogue().load(reference)
    except KeyError as error:
        fail([str(error.args[0])])
    except QuestionnaireError as error:
        fail([str(error)], code=1)


@seed_cli.command("demo")
@click.option("--force", is_flag=True, help="Allow seeding when MATURITY_ENV=production.")
def seed_demo_command(force: bool) -> None:
    """Load the demo organisation, consultant, centre and logins (idempotent)."""
    from maturity.services.seeding import seed_demo

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.UsageError("refusing to load demo logins in production (use --force)")
    report = seed_demo(Path(current_app.config["SEEDS_DIR"]) / "demo.yaml")
    for line in report.created:
        click.echo(f"created {line}")
    for line in report.skipped:
        click.echo(f"skipped {line} (run `flask questionnaires load` first)")
    if not report.created:
        click.echo("demo data already present; nothing created")
    click.echo("Demo logins:")
    for email, password, name in report.logins:
        click.echo(f"  {email}  /  {password}  ({name})")


@seed_cli.command("synthetic")
@click.option("--organisations", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--centre",
    "centre_name",
    default="合成数据演示中心",
    show_default=True,
    help="The service centre they register with (created if missing).",
)
@click.option(
    "--questionnaire", "reference", default=None, help="KEY@VERSION (default: the current version)."
)
def seed_synthetic_command(
    organisations: int, seed: int, centre_name: str, reference: str | None
) -> None:
    """Create realistic synthetic organisations with one or two submitted rounds."""
    from maturity.extensions import db
    from maturity.models import QuestionnaireVersion
    from maturity.services.questionnaires import current_version
    from maturity.services.synthetic import generate

    if reference:
        key, _, version_number = reference.partition("@")
        version = db.session.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.key == key, QuestionnaireVersion.version == version_number
            )
        )
    else:
        version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        fail(["no published questionnaire version: run `flask questionnaires load` first"])
    report = generate(organisations, seed, centre_name, version)
    click.echo(
        f"created {report.organisations} organisations, {report.assessments} assessments, "
        f"{report.answers} answers in {report.seconds:.1f} s (centre: {centre_name})"
    )


@questionnaires_cli.command("list")
def list_command() -> None:
    """List questionnaire files and their publication state."""
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
    questionnaire = questionnaire_file(reference)
    echo_json(questionnaire_json(questionnaire))


@click.command("score")
@with_appcontext
@click.argument("reference")
@click.argument("answers_file", metavar="ANSWERS.json", type=click.File("rb"))
def score_command(reference: str, answers_file: Any) -> None:
    """Score answers (a JSON file, or - for standard input) without a database.

    Prints scores, levels and the roadmap as JSON; exits 2 on bad input with
    one line per problem.
    """
    questionnaire = questionnaire_file(reference)
    data = read_answers_file(answers_file)
    try:
        given = parse_input(questionnaire, data)
    except InvalidInput as error:
        fail([f"{answers_file.name}: {problem}" for problem in error.problems])
    echo_json(evaluation_json(evaluate(questionnaire, given)))


summaries_cli = AppGroup("summaries", help="The result summaries that centre dashboards read.")


@summaries_cli.command("rebuild")
def summaries_rebuild_command() -> None:
    """Recreate every result summary from the stored results (after an upgrade)."""
    from maturity.services.summaries import rebuild_all

    click.echo(f"rebuilt {rebuild_all()} result summaries")


tokens_cli = AppGroup("tokens", help="Personal API tokens.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
def tokens_create_command(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it (it is shown only once)."""
    from sqlalchemy import func

    from maturity.api.tokens import create
    from maturity.extensions import db
    from maturity.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        fail([f"no user with email {email}"])
    click.echo(create(user, name))


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
        f"removed {pruned.cached_pdfs} cached PDFs, {pruned.batch_zips} batch ZIP files and "
        f"{pruned.partial_files} partial files ({pruned.bytes_freed / 1_000_000:.1f} MB)"
    )


def read_answers_file(answers_file: Any) -> Any:
    raw = answers_file.read()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        fail([f"{answers_file.name}: not UTF-8 text"])
    except json.JSONDecodeError as error:
        fail(
            [
                f"{answers_file.name}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ]
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
    from datetime import date

    from maturity.reports.data import AnswerLine, ReportData
    from maturity.reports.render import render_pdf
    from maturity.services.reports import load_report_data

    if assessment_id is not None:
        if reference or answers_file or organisation_name:
            fail(
                [
                    "--assessment cannot be combined with --questionnaire/--answers/--organisation-name"
                ]
            )
        try:
            data = load_report_data(assessment_id, lang)
        except LookupError:
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
        evaluation = evaluate(questionnaire, given)
        data = ReportData(
            language=lang,
            organisation_name=str(organisation_name).strip(),
            organisation_facts=(),
            evaluation=evaluation,
            answers={
                qid: AnswerLine(questionnaire.question(qid), value)
                for qid, value in given.answers.items()
            },
            generated_on=date.today(),
        )
    pdf = render_pdf(data)
    output.write_bytes(pdf)
    click.echo(f"wrote {output} ({len(pdf) // 1024} KiB)")


bench_cli = AppGroup("bench", help="Performance figures.")


@bench_cli.command("report")
@click.option(
    "--assessment", "assessment_id", type=int, help="Default: the latest submitted assessment."
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--count", type=int, default=50, show_default=True, help="Reports in the serial/parallel run."
)
@click.option("--workers", type=int, default=2, show_default=True)
def bench_report_command(assessment_id: int | None, lang: str, count: int, workers: int) -> None:
    """Print report rendering figures (fresh, bare WeasyPrint, cached, parallel, memory)."""
    from maturity.extensions import db
    from maturity.models import Assessment, AssessmentStatus
    from maturity.reports.bench import run

    if assessment_id is None:
        assessment_id = db.session.scalar(
            select(Assessment.id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .order_by(Assessment.id.desc())
            .limit(1)
        )
        if assessment_id is None:
            fail(
                [
                    "no submitted assessment: run `flask seed demo` (after `flask questionnaires load`) first"
                ]
            )
    for line in run(assessment_id, lang, count, workers).lines():
        click.echo(line)


@bench_cli.command("dashboard")
@click.option(
    "--organisations",
    "sizes",
    type=int,
    multiple=True,
    default=(10_000, 100_000),
    show_default=True,
)
@click.option("--runs", type=int, default=5, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def bench_dashboard_command(sizes: tuple[int, ...], runs: int, seed: int) -> None:
    """For each size, a fresh centre of synthetic organisations: dashboard vs bare SQL."""
    from maturity.centres.bench import run
    from maturity.extensions import db
    from maturity.services.questionnaires import current_version
    from maturity.services.synthetic import generate

    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        fail(["no published questionnaire version: run `flask questionnaires load` first"])
    dialect = db.engine.dialect.name
    for size in sizes:
        name = f"bench-{size}-{seed}"
        from maturity.models import Centre

        centre = db.session.scalar(select(Centre).where(Centre.name == name))
        if centre is None:
            report = generate(size, seed, name, version)
            click.echo(f"[{dialect}] seeded {size} organisations in {report.seconds:.1f} s")
            centre = db.session.scalar(select(Centre).where(Centre.name == name))
        assert centre is not None
        centre_id, version_id = centre.id, version.id
        db.session.commit()  # hold no lock while the server thread answers
        dashboard, uncached, headline, everything, organisations = run(centre_id, version_id, runs)
        click.echo(
            f"[{dialect}] {organisations} organisations, full HTTP response, median of {runs}: "
            f"dashboard {dashboard * 1000:.0f} ms, after a change (cache empty) {uncached * 1000:.0f} ms; "
            f"bare SQL for the headline numbers {headline * 1000:.0f} ms "
            f"(ratios {dashboard / headline:.2f} and {uncached / headline:.2f}); "
            f"one hand-written query for every number shown {everything * 1000:.0f} ms "
            f"(ratios {dashboard / everything:.2f} and {uncached / everything:.2f})"
        )


@click.command("export")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_data_command(file: Path) -> None:
    """Write all data to FILE (JSON Lines), for import into another database."""
    from maturity.services.backup import export_file

    counts = export_file(file)
    click.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables to {file}")


@click.command("import")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_data_command(file: Path) -> None:
    """Load FILE (made by `flask export`) into this empty database."""
    from maturity.services.backup import BackupError, import_file

    try:
        counts = import_file(file)
    except BackupError as error:
        fail([str(error)])
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_cli)
    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(score_command)
    app.cli.add_command(report_cli)
    app.cli.add_command(bench_cli)
    app.cli.add_command(summaries_cli)
    app.cli.add_command(export_data_command)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(import_data_command)
