"""``flask summaries rebuild``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

summaries_cli = AppGroup("summaries", help="The result summaries that centre dashboards read.")


@summaries_cli.command("rebuild")
@click.option(
    "--on-workers",
    is_flag=True,
    help="Queue the rebuild in slices for the Celery workers to share (a large database).",
)
@click.option(
    "--slice", "slice_size", type=click.IntRange(1), default=1000, show_default=True,
    help="Organisations per slice with --on-workers.",
)  # fmt: skip
def summaries_rebuild_command(on_workers: bool, slice_size: int) -> None:
    """Recreate every result summary from the stored results (after an upgrade)."""
    from maturity.centres.tasks import queue_rebuild
    from maturity.services.summaries import rebuild_all

    if on_workers:
        click.echo(f"queued {queue_rebuild(slice_size)} slices of up to {slice_size} organisations")
    else:
        click.echo(f"rebuilt {rebuild_all()} result summaries")
