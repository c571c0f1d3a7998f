"""``flask releases``: the releases of peer figures, computed and listed."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from maturity.cli.common import fail

releases_cli = AppGroup("releases", help="Releases of peer figures (centre dashboards, benchmark).")


@releases_cli.command("compute")
@click.option("--due", "due_only", is_flag=True, help="Every closed period without a release.")
@click.option("--population", help="platform, or centre:<id>.")
@click.option("--period", help="A closed period: 2026 or 2026-Q3 (a new revision if one exists).")
def compute_command(due_only: bool, population: str | None, period: str | None) -> None:
    """Compute releases here and now (the workers do it daily; after an upgrade, run it
    with --due, or let the first daily run do it)."""
    from maturity.services import releases

    today = date.today()
    if due_only:
        click.echo(f"computed {releases.compute_due(today)} releases")
        return
    if population is None or period is None:
        fail(["give --due, or both --population and --period"])
    assert population is not None and period is not None
    chosen = releases.parse_closed(period, today)
    if chosen is None:
        fail([f"{period!r} is not a closed period (2026 or 2026-Q3, over by today)"])
    assert chosen is not None
    if population not in releases.populations():
        fail([f"{population!r} is no population: platform or centre:<id> of a centre"])
    row = releases.compute(population, chosen, releases.next_revision(population, chosen.code))
    assert row is not None
    click.echo(f"{population} {chosen.code} revision {row.revision}: ρ {row.rho:.2f}")


@releases_cli.command("list")
@click.option("--population", default="platform", show_default=True)
def list_command(population: str) -> None:
    """The population's releases, newest first."""
    from maturity.services import releases

    for row in releases.releases_of(population):
        click.echo(
            f"{row.period}\trevision {row.revision}\tcomputed {row.computed_at:%Y-%m-%d %H:%M}"
            f"\tρ {row.rho:.2f} (ε {row.epsilon:.1f})"
        )
