"""What every page shares: the user loader, template globals, error pages."""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from maturity.core.figures import change_between
from maturity.core.items.level import NOT_APPLICABLE
from maturity.extensions import db, login_manager
from maturity.web import dates
from maturity.web.errors import http_error_code, json_error, wants_json, with_error_headers
from maturity.web.requests import CleanRequest, DatabaseId, database_id, safe_next

__all__ = [
    "DatabaseId",
    "current_locale",
    "database_id",
    "init_app",
    "safe_next",
    "session_lifetimes",
]

if TYPE_CHECKING:
    from maturity.models import User
    from maturity.services import sessions

# The models and the services on them are imported where they are used, not by
# this module: creating the app does not load them (maturity.Application).

request_logger = logging.getLogger("maturity.requests")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a live server-side session (``User.get_id``: "<user id>:<key>"),
    from the session cookie or the remember-me cookie. Never for the API: it takes
    no CSRF token, so a cookie must not be enough to act through it."""
    from maturity.services import sessions

    user_id, _, key = session_id.partition(":")
    if not user_id.isdecimal() or not key or request.path.startswith("/api/"):
        return None
    return sessions.load(int(user_id), key, session_lifetimes())


def session_lifetimes() -> sessions.Lifetimes:
    from maturity.services import sessions

    return sessions.Lifetimes(
        idle=timedelta(hours=current_app.config["SESSION_IDLE_HOURS"]),
        remembered=timedelta(days=current_app.config["REMEMBER_DAYS"]),
    )


def write_noted_reads(error: BaseException | None = None) -> None:
    """Teardown of every app context. Only code that imported the audit service can
    have noted a read; importing it here would load the models at the end of every
    command, ``--help`` included."""
    audit = sys.modules.get("maturity.services.audit")
    if audit is not None:
        audit.write_noted(error)


def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def period_words(code: str | None) -> str:
    """A release's period ("2026-Q3") in the reader's words ("2026 年第 3 季度")."""
    from maturity.core.periods import parse_period
    from maturity.reports.words import period_label

    period = parse_period(code or "")
    return code or "" if period is None else period_label(period)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered (routes use the converter)."""
    app.request_class = CleanRequest
    # Every <int:...> in a route is a database id: 1 to 2**31 - 1. Anything else is
    # simply not a route (404), never an overflow deep in the database driver.
    app.url_map.converters["int"] = DatabaseId
    app.teardown_appcontext(write_noted_reads)
    cache = Path(app.config["TEMPLATE_CACHE_DIR"])
    cache.mkdir(parents=True, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(cache))
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.filters["period_words"] = period_words
    dates.init_app(app)
    app.jinja_env.globals["NOT_APPLICABLE"] = NOT_APPLICABLE
    app.jinja_env.globals["change_between"] = change_between  # as every page prints a change
    from maturity.web import privacy

    privacy.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if wants_json():
            return json_error(
                400,
                "csrf",
                _(
                    "For your security the form could not be accepted. Please go back, reload the page and send it again."
                ),
            )
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception) -> tuple[str, int]:
        # The database cannot be reached: say so plainly, in the user's language.
        app.logger.error("database unavailable: %s", error)
        db.session.remove()
        # The page must not need the database: shown as to a visitor, or loading
        # the logged-in user would fail again and turn the 503 into a 500.
        g._login_user = login_manager.anonymous_user()
        return render_template("errors/unavailable.html"), 503

    @app.get("/health")
    def health() -> tuple[dict[str, str], int]:
        try:
            db.session.execute(text("SELECT 1"))
            db.session.commit()
        except (OperationalError, InterfaceError):
            db.session.remove()
            return {"status": "unavailable", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}, 200

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        # One structured (JSON) line per request for log collectors.
        started = g.get("request_started")
        request_logger.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
                    "user": getattr(current_user, "id", None) if current_user else None,
                    "address": request.remote_addr,
                }
            )
        )
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        if isinstance(error, SecurityError):
            # A host the platform does not answer to (TRUSTED_HOSTS): no page of ours,
            # and no link that would name the host the request gave.
            return Response("400 Bad Request: unknown host\n", 400, mimetype="text/plain")
        if wants_json():
            # The API, and background requests of the pages, in the one JSON shape.
            response, code = json_error(code, http_error_code(code), error.description or "")
        else:
            response = make_response(render_template("errors/http.html", code=code), code)
        return with_error_headers(response, error), code

    @app.context_processor
    def roles() -> dict[str, object]:
        from flask_login import current_user

        from maturity import access
        from maturity.models import CentreRole

        return {
            "nav_is_admin": access.is_admin(current_user),
            "nav_is_consultant": access.is_consultant(current_user),
            "nav_is_reviewer": bool(getattr(current_user, "is_authenticated", False))
            and any(m.role is CentreRole.REVIEWER for m in current_user.centre_memberships),
        }
