from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import delete, event

import maturity.services.questionnaires as questionnaire_service
from maturity import create_app
from maturity.extensions import db, migrations
from maturity.models.user import Passwords
from tests.databases import fresh_database
from tests.mailbox import Mailbox, smtp_server

if TYPE_CHECKING:
    from tests.web.world import World

ROOT = Path(__file__).resolve().parent.parent


def give_each_test_process_its_own_redis_databases() -> None:
    """Under pytest-xdist (``./dev test`` runs two test processes) the login-limit and
    broker tests empty their Redis database: each process takes its own pair (15/14,
    13/12, …), so that one process never flushes what the other is counting on."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, …
    if not worker:
        return
    offset = 2 * int(worker.removeprefix("gw"))
    defaults = {"MATURITY_TEST_REDIS_URL": None, "MATURITY_TEST_BROKER_URL": 14}
    for name, default in defaults.items():
        url = os.environ.get(name) or (default and f"redis://127.0.0.1:6379/{default}")
        if not url:
            continue
        base, _, number = url.rpartition("/")
        if int(number) - offset < 0:
            raise RuntimeError(
                f"{worker} has no Redis database left for {name}: run fewer processes"
            )
        os.environ[name] = f"{base}/{int(number) - offset}"


give_each_test_process_its_own_redis_databases()

# Hypothesis: no per-example deadline (timings flake on a loaded CI machine).
settings.register_profile("maturity", deadline=None)
settings.load_profile("maturity")

# Argon2 at production cost for every throw-away account and login of the suite would be
# most of its time; the hashing itself is argon2-cffi's, and the test of login timing
# puts the production parameters back (`production_passwords`).
PRODUCTION_HASHER = Passwords.hasher
Passwords.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


# Most tests publish the same questionnaire files; parsing and validating one is a pure
# function of its text that returns frozen dataclasses, so the suite does it once per
# file. A file that fails raises, and an exception is never cached.
questionnaire_service.parse_with_document = functools.lru_cache(maxsize=32)(  # type: ignore[assignment]
    questionnaire_service.parse_with_document
)


@pytest.fixture
def production_passwords() -> Iterator[None]:
    Passwords.hasher = PRODUCTION_HASHER
    yield
    Passwords.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogs when they are missing or stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "maturity" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        # Two test processes may compile at once: each writes its own file, then swaps.
        partial = mo_path.with_suffix(f".mo.{os.getpid()}")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo_path)


def make_app(database_url: str, instance_path: Path, **overrides: Any) -> Flask:
    mail_host, mail_port, _mailbox = smtp_server()
    config = {
        "TESTING": True,
        # Every mail goes over SMTP to the server in this process (tests/mailbox.py).
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": mail_host,
        "MAIL_PORT": mail_port,
        "SECRET_KEY": "test-secret",
        # The test client's default host, so that mailed links open in it.
        "BASE_URL": "http://localhost",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Many logins from one address in a test run; the limit has a test of its own.
        "RATELIMIT_ENABLED": False,
        **overrides,
    }
    return create_app(config, instance_path=str(instance_path))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database for the session, built by the migrations (not create_all)."""
    tmp = tmp_path_factory.mktemp("db")
    with fresh_database(tmp) as url:
        app = make_app(url, tmp)
        with app.app_context():
            migrations(app).upgrade(directory=str(ROOT / "migrations"))
            db.engine.dispose()
        yield url


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app without an active context: requests then get their own app
    context (and session, and locale) as in production. Tests that touch the
    database directly open ``with app.app_context():`` blocks."""
    app = make_app(database_url, tmp_path)
    yield app
    smtp_server()[2].clear()
    empty_tables(app)


def empty_tables(app: Flask) -> None:
    """Isolation: every test starts from empty tables (and no open connection)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(delete(table))
        db.engine.dispose()


@dataclass(frozen=True)
class Owner:
    """The owner of one organisation, logged in with the test's client."""

    user: int
    organisation: int
    client: FlaskClient


@pytest.fixture
def owner(app: Flask, client: FlaskClient) -> Owner:
    from tests.helpers import log_in, make_organisation, make_user

    user_id = make_user(app)
    organisation_id = make_organisation(app, user_id)
    log_in(client)
    return Owner(user_id, organisation_id, client)


@pytest.fixture
def world(app: Flask) -> World:
    """A small world of organisations, people and relations (tests/web/world.py)."""
    from tests.web.world import build_world

    return build_world(app)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """What the application mailed during the test (over real SMTP)."""
    box = smtp_server()[2]
    box.clear()
    yield box
    box.clear()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app with CSRF protection on, as in production."""
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask) -> Iterator[QueryCounter]:
    """Count the SQL statements a block issues (transaction control excluded)."""
    counter = QueryCounter()

    def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", statement, re.I):
            counter.statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_execute)
    yield counter
    event.remove(engine, "before_cursor_execute", before_execute)


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)
