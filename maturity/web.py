"""What every page shares: the user loader, template globals, error pages."""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any

from flask import Flask, Request, Response, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select, text
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from maturity.extensions import db, login_manager
from maturity.models import User

request_logger = logging.getLogger("maturity.requests")
MAX_ID = 2**31 - 1


def database_id(raw: object) -> int | None:
    """A submitted id, if it is one (digits, 1 to MAX_ID); None otherwise."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class DatabaseId(IntegerConverter):
    """An integer route part that fits every database's INTEGER column."""

    def __init__(self, url_map: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, **kwargs)


# C0 control characters other than tab, newline and carriage return: never meant as
# text, invisible on the page, garbage in the PDF, and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: Any) -> Any:
    """Submitted data with control characters removed from every string in it."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    if isinstance(value, dict):
        return {key: without_control_characters(item) for key, item in value.items()}
    return value


class CleanParameters(ImmutableMultiDict):  # type: ignore[type-arg]
    """Query and form parameters, with the control characters taken out of values."""

    def __init__(self, mapping: Any = None) -> None:
        if isinstance(mapping, list):
            mapping = [(key, without_control_characters(value)) for key, value in mapping]
        super().__init__(mapping)


class CleanRequest(Request):
    """Every value a view reads from a form, a query string or a JSON body is clean."""

    parameter_storage_class = CleanParameters

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        return without_control_characters(super().get_json(force, silent, cache))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.scalar(select(User).where(User.id == int(user_id)))


def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    app.jinja_env.globals["current_locale"] = current_locale

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception) -> tuple[str, int]:
        # The database cannot be reached: say so plainly, in the user's language.
        app.logger.error("database unavailable: %s", error)
        db.session.remove()
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
        if request.path.startswith("/api/"):
            # Unmatched API paths answer in the API's error shape too.
            return {
                "error": {
                    "code": "not_found" if code == 404 else "error",
                    "message": error.description or "",
                    "problems": [],
                }
            }, code
        return render_template("errors/http.html", code=code), code

    @app.context_processor
    def roles() -> dict[str, object]:
        from flask_login import current_user

        from maturity import access

        return {
            "nav_is_admin": access.is_admin(current_user),
            "nav_is_consultant": access.is_consultant(current_user),
            "nav_is_reviewer": bool(getattr(current_user, "is_authenticated", False))
            and bool(current_user.centre_memberships),
        }
