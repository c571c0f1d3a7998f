"""Fresh, throw-away databases for tests: SQLite files or PostgreSQL databases.

``MATURITY_TEST_DATABASE`` chooses the backend: ``sqlite`` (default) or a
PostgreSQL server URL such as ``postgresql://postgres@127.0.0.1:5432/postgres``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from maturity.config import normalise_database_url


def backend() -> str:
    return os.environ.get("MATURITY_TEST_DATABASE", "sqlite")


def is_postgres() -> bool:
    return backend().startswith("postgres")


def postgres_server() -> str | None:
    """A PostgreSQL server for cross-database tests, also during the SQLite run."""
    if is_postgres():
        return backend()
    return os.environ.get("MATURITY_TEST_POSTGRES_URL")


@contextmanager
def fresh_database(tmp_dir: Path, server_url: str | None = None) -> Iterator[str]:
    """Yield the SQLAlchemy URL of an empty database, dropped afterwards
    (on the suite's backend, or on the PostgreSQL server given)."""
    if server_url is None and not is_postgres():
        yield f"sqlite:///{tmp_dir / f'test-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    server = make_url(normalise_database_url(server_url or backend()))
    name = f"maturity_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = server.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
