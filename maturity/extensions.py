"""Flask extensions, created here and bound to the app in ``create_app``."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

import flask_login
from flask import Flask, current_app, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import Executable, MetaData, event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # What ``db.Model`` is at run time (our Base with Flask-SQLAlchemy's table naming),
    # in a form type checkers can follow.
    class Model(Base):
        __abstract__ = True

else:
    Model = db.Model
csrf = CSRFProtect()


class LoginManager(flask_login.LoginManager):
    """Flask-Login with "strong" session protection for logged-in sessions only.

    Flask-Login treats any non-empty session without its identifier as stolen, so an
    anonymous visitor's session (holding only the language, say) was rewritten and
    re-sent on every response, static files included. A slow response could then
    overwrite a newer cookie and lose the CSRF token of a form just loaded ("the form
    has expired" on login). Without a logged-in user there is nothing to protect."""

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return bool(super()._session_protection_failed())


login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()

# Scripts only from our own files (no inline script anywhere); inline styles are
# allowed because the server-rendered SVG charts carry their own <style>.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def rows_changed(statement: Executable) -> int:
    """Execute an UPDATE or DELETE in the current session; how many rows it changed
    (how a conditional update learns whether it won)."""
    result = db.session.execute(statement)
    return cast(CursorResult[Any], result).rowcount


def init_db(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout, enforced foreign keys, and explicit transaction begins.

    Python's sqlite3 driver (3.11) begins transactions lazily on the first DML
    statement, which breaks SAVEPOINTs and makes SQLAlchemy's transaction
    boundaries a fiction. We turn that off and emit ``BEGIN IMMEDIATE``
    ourselves: taking the write lock up front means a transaction waits for the
    busy timeout instead of failing at once with "database is locked" when a
    read lock cannot be upgraded under contention.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrations(app: Flask) -> ModuleType:
    """Flask-Migrate, bound to the app on first use.

    Importing it imports Alembic (a fifth of a second), which web servers and
    workers never need: only the `flask db` commands and the tests' set-up do."""
    import flask_migrate

    if "migrate" not in app.extensions:
        flask_migrate.Migrate(app, db, render_as_batch=True, compare_type=True)
    return flask_migrate


def init_csrf(app: Flask) -> None:
    csrf.init_app(app)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    # Lazy so that the message is translated in the user's language at request time.
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "warning"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return str(current_user.locale)
    # Chinese is the product's default; English only by an explicit choice.
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def init_babel(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)


def init_limiter(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if app.config["ENV_NAME"] == "production" and str(
        app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    ).startswith("memory://"):
        # Each gunicorn worker would count on its own: N workers allow N times the limit.
        app.logger.warning(
            "login rate limits are counted per worker process; set "
            "MATURITY_RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379) to share them"
        )
    limiter.init_app(app)


def init_security_headers(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
