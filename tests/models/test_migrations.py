"""The migrations build the schema from nothing and agree with the models."""

from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from maturity.core.questionnaire import parse
from maturity.extensions import db
from maturity.models import QuestionnaireVersion
from maturity.services.questionnaires import questionnaire_of
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


def test_questionnaires_published_before_their_document_get_it(tmp_path: Path) -> None:
    """Migration 9d75d9702f07 writes the JSON document of every version published
    before it, from the stored source: read back, it is the questionnaire published."""
    shipped = sorted((ROOT / "questionnaires" / "sme-digital").glob("*.yaml"))
    with fresh_database(tmp_path) as url:
        app = make_app(url, tmp_path)
        runner = app.test_cli_runner()
        directory = str(ROOT / "migrations")
        result = runner.invoke(args=["db", "upgrade", "2b37995f5d33", "--directory", directory])
        assert result.exit_code == 0, result.output
        published = {}
        with app.app_context():
            for path in shipped:
                source = path.read_text(encoding="utf-8")
                questionnaire = parse(source, str(path))
                published[questionnaire.label] = questionnaire
                db.session.execute(
                    text(
                        "INSERT INTO questionnaire_version "
                        "(key, version, content_hash, source, is_current, published_at) "
                        "VALUES (:key, :version, :hash, :source, false, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "key": questionnaire.key,
                        "version": questionnaire.version,
                        "hash": questionnaire.content_hash,
                        "source": source,
                    },
                )
            db.session.commit()
        result = runner.invoke(args=["db", "upgrade", "--directory", directory])
        assert result.exit_code == 0, result.output
        with app.app_context():
            rows = db.session.scalars(select(QuestionnaireVersion)).all()
            assert {row.label: questionnaire_of(row) for row in rows} == published
            assert all(row.document.startswith('{"') for row in rows)
            db.session.rollback()
            db.engine.dispose()


def test_audit_details_name_people_by_id_after_the_upgrade(tmp_path: Path) -> None:
    """Migration 610b1401c7fd: details that named people by address name the account
    (none when it is gone), and codes on file become claims to prove."""
    with fresh_database(tmp_path) as url:
        app = make_app(url, tmp_path)
        runner = app.test_cli_runner()
        directory = str(ROOT / "migrations")
        result = runner.invoke(args=["db", "upgrade", "9d75d9702f07", "--directory", directory])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.session.execute(
                text(
                    'INSERT INTO "user" (id, email, name, password_hash, locale, is_admin, '
                    "is_consultant, active, created_at) VALUES (7, 'Kept@example.com', 'k', "
                    "'x', 'zh', false, true, true, CURRENT_TIMESTAMP)"
                )
            )
            events = [
                ("assign_consultant", '{"consultant": "kept@example.com", "centre": 3}'),
                ("remove_consultant", '{"consultant": "gone@example.com"}'),
                ("add_reviewer", '{"reviewer": "kept@example.com"}'),
                ("write_findings", None),
            ]
            for action, detail in events:
                db.session.execute(
                    text(
                        "INSERT INTO audit_event (at, action, object_type, detail) "
                        "VALUES (CURRENT_TIMESTAMP, :action, 'organisation', :detail)"
                    ),
                    {"action": action, "detail": detail},
                )
            db.session.commit()
        result = runner.invoke(args=["db", "upgrade", "--directory", directory])
        assert result.exit_code == 0, result.output
        with app.app_context():
            details = db.session.execute(
                text("SELECT action, detail FROM audit_event ORDER BY id")
            ).all()
            db.session.rollback()
            db.engine.dispose()
    assert [(action, json.loads(d) if d else None) for action, d in details] == [
        ("assign_consultant", {"centre": 3, "consultant_id": 7}),
        ("remove_consultant", {"consultant_id": None}),
        ("add_reviewer", {"user_id": 7}),
        ("write_findings", None),
    ]
