"""``flask --app maturity …`` commands, one module per command group."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from maturity.cli import (
        bench,
        data,
        questionnaires,
        report,
        score,
        seed,
        summaries,
        tokens,
    )

    for command in (
        seed.seed_cli,
        questionnaires.questionnaires_cli,
        score.score_command,
        report.report_cli,
        bench.bench_cli,
        summaries.summaries_cli,
        data.export_data_command,
        data.import_data_command,
        tokens.tokens_cli,
    ):
        app.cli.add_command(command)
