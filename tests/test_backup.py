"""flask export / flask import: all data moves between databases, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from maturity.extensions import db, migrations
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.conftest import ROOT, make_app
from tests.databases import fresh_database, postgres_server
from tests.helpers import publish_questionnaires


def everything(app: Flask) -> dict[str, list[dict[str, Any]]]:
    with app.app_context():
        data = {}
        for table in db.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            rows = db.session.execute(select(table).order_by(*key)).mappings().all()
            data[table.name] = [
                {k: (round(v, 9) if isinstance(v, float) else v) for k, v in row.items()}
                for row in rows
            ]
        db.session.remove()
        return data


def filled(app: Flask) -> None:
    publish_questionnaires(app)
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        generate(30, 11, "导出测试中心", current_version("sme-digital"))


def empty_app(url: str, tmp_path: Path) -> Flask:
    app = make_app(url, tmp_path)
    with app.app_context():
        migrations(app).upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return app


@pytest.mark.slow
def test_export_then_import_into_an_empty_database_is_identical(app: Flask, tmp_path: Path) -> None:
    filled(app)
    dump = tmp_path / "dump.jsonl"
    result = app.test_cli_runner().invoke(args=["export", str(dump)])
    assert result.exit_code == 0, result.output
    original = everything(app)
    assert len(original["answer"]) > 600 and original["organisation"]
    # Into an empty SQLite file and an empty PostgreSQL database, from whichever the
    # suite runs on: the two CI runs cover SQLite → PostgreSQL and back.
    for target, url in target_databases(tmp_path):
        other = empty_app(url, tmp_path)
        imported = other.test_cli_runner().invoke(args=["import", str(dump)])
        assert imported.exit_code == 0, imported.output
        assert everything(other) == original, target
        # New rows continue above the imported ids.
        assert other.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
        refused = other.test_cli_runner().invoke(args=["import", str(dump)])
        assert refused.exit_code == 2 and "not empty" in refused.output
        with other.app_context():
            db.engine.dispose()


def target_databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    yield "sqlite", f"sqlite:///{tmp_path / 'import.sqlite3'}"
    server = postgres_server()
    if server:
        with fresh_database(tmp_path, server) as url:
            yield "postgresql", url


def test_import_refuses_a_file_that_is_not_an_export(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        other = empty_app(url, tmp_path)
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"hello": 1}\n', encoding="utf-8")
        result = other.test_cli_runner().invoke(args=["import", str(bad)])
        assert result.exit_code == 2 and "not a maturity export file" in result.output
        with other.app_context():
            db.engine.dispose()
