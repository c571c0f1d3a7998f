"""Authentication of API requests: a personal token, never a browser session.

The API takes no CSRF token, so a session cookie must not be enough to act
through it: ``maturity.web``'s user loader ignores sessions on API paths, and
Flask-Login's request loader (registered here) reads the token instead.
"""

from __future__ import annotations

from flask import Request, Response, request
from flask_login import current_user

from maturity.api import tokens
from maturity.api.blueprint import bp
from maturity.extensions import login_manager
from maturity.models import User
from maturity.web.errors import json_error

MAX_BODY = 64 * 1024
OPEN_ENDPOINTS = {"api.openapi"}


def user_from_token(incoming: Request) -> User | None:
    """Flask-Login's request loader: the token's user, on API paths only."""
    if not incoming.path.startswith("/api/"):
        return None
    return tokens.user_for(incoming)


login_manager.request_loader(user_from_token)


@bp.before_request
def require_token() -> tuple[Response, int] | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return json_error(
            401, "unauthorised", "A valid API token is required: Authorization: Bearer <token>."
        )
    if request.content_length is not None and request.content_length > MAX_BODY:
        return json_error(413, "too_large", "The request body is too large.")
    return None
