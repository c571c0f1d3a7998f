"""``flask export|import``: all data as JSON Lines, between databases."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from maturity.cli.common import fail


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
