"""The migrations build the schema from nothing and agree with the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from maturity.extensions import db
from tests.conftest import ROOT, make_app
from tests.databases import fresh_database


def test_flask_db_upgrade_builds_schema_from_nothing_and_matches_models(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        app = make_app(url, tmp_path)
        result = app.test_cli_runner().invoke(
            args=["db", "upgrade", "--directory", str(ROOT / "migrations")]
        )
        assert result.exit_code == 0, result.output
        with app.app_context():
            tables = set(inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) <= tables
            with db.engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"compare_type": True, "render_as_batch": True}
                )
                differences = compare_metadata(context, db.metadata)
            db.engine.dispose()
        assert differences == []


def test_downgrade_to_base_and_up_again(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        app = make_app(url, tmp_path)
        runner = app.test_cli_runner()
        directory = str(ROOT / "migrations")
        for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
            result = runner.invoke(args=[*args, "--directory", directory])
            assert result.exit_code == 0, result.output
        with app.app_context():
            assert "assessment" in inspect(db.engine).get_table_names()
            db.engine.dispose()
