"""``flask --app maturity …`` commands, one module per command group."""

from __future__ import annotations

import importlib.util
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo


class DatabaseCommands(click.Group):
    """`flask db …`: Flask-Migrate's commands, imported only when one is run (its
    import of Alembic would otherwise slow every command, `--help` included)."""

    def _commands(self, ctx: click.Context) -> click.Group:
        from maturity.extensions import migrations

        app = ctx.ensure_object(ScriptInfo).load_app()
        group: click.Group = migrations(app).cli.db
        return group

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        real = self._commands(ctx)  # its options (--directory, -x) and their handling
        self.params, self.callback = real.params, real.callback
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> Any:
        return self._commands(ctx).get_command(ctx, name)


def init_app(app: Flask) -> None:
    from maturity.cli import (
        data,
        questionnaires,
        releases,
        report,
        score,
        seed,
        summaries,
        tokens,
    )

    app.cli.add_command(DatabaseCommands("db", help="Perform database migrations."))
    for command in (
        seed.seed_cli,
        questionnaires.questionnaires_cli,
        score.score_command,
        report.report_cli,
        summaries.summaries_cli,
        releases.releases_cli,
        data.export_data_command,
        data.import_data_command,
        tokens.tokens_cli,
    ):
        app.cli.add_command(command)
    if importlib.util.find_spec("benchmarks") is not None:
        # A checkout of the repository: its benchmarks beside the package.
        from benchmarks.cli import bench_cli

        app.cli.add_command(bench_cli)
