"""``flask --app maturity …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

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
    if not report.created:
        click.echo("demo data already present; nothing created")
    click.echo("Demo logins:")
    for email, password, name in report.logins:
        click.echo(f"  {email}  /  {password}  ({name})")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_cli)
