"""``flask summaries rebuild``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

summaries_cli = AppGroup("summaries", help="The result summaries that centre dashboards read.")


@summaries_cli.command("rebuild")
def summaries_rebuild_command() -> None:
    """Recreate every result summary from the stored results (after an upgrade)."""
    from maturity.services.summaries import rebuild_all

    click.echo(f"rebuilt {rebuild_all()} result summaries")
