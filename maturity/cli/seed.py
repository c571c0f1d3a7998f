"""``flask seed demo|synthetic``: demo logins and synthetic organisations."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from maturity.cli.common import fail

seed_cli = AppGroup("seed", help="Load demo or reference data into the database.")


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
    from maturity.services.questionnaires import current_version, published_version
    from maturity.services.synthetic import generate

    if reference:
        version = published_version(reference)
    else:
        version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        fail(["no published questionnaire version: run `flask questionnaires load` first"])
    report = generate(organisations, seed, centre_name, version)
    click.echo(
        f"created {report.organisations} organisations, {report.assessments} assessments, "
        f"{report.answers} answers in {report.seconds:.1f} s (centre: {centre_name})"
    )
