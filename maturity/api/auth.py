"""Authentication of API requests: a personal token, never a browser session.

The API takes no CSRF token, so a session cookie must not be enough to act
through it: ``maturity.web``'s user loader ignores sessions on API paths, and
Flask-Login's request loader (registered here) reads the token instead. A token
with the read scope may only read.
"""

from __future__ import annotations

from flask import Request, Response, g, request
from flask_login import current_user

from maturity.api.blueprint import bp
from maturity.api.docs import ENDPOINTS as DOCS_ENDPOINTS
from maturity.extensions import login_manager
from maturity.models import TokenScope, User
from maturity.services import api_tokens
from maturity.services.api_tokens import TokenProblem
from maturity.web.errors import json_error

MAX_BODY = 64 * 1024
OPEN_ENDPOINTS = {"api.openapi", *DOCS_ENDPOINTS}
READING_METHODS = {"GET", "HEAD", "OPTIONS"}

PROBLEM_MESSAGES = {
    TokenProblem.MISSING: "A valid API token is required: Authorization: Bearer <token>.",
    TokenProblem.UNKNOWN: "This API token is not valid.",
    TokenProblem.REVOKED: "This API token has been revoked; create a new one on your account page.",
    TokenProblem.EXPIRED: "This API token has expired; create a new one on your account page.",
}


def user_from_token(incoming: Request) -> User | None:
    """Flask-Login's request loader: the token's user, on API paths only."""
    if not incoming.path.startswith("/api/"):
        return None
    checked = api_tokens.check(incoming.headers.get("Authorization", ""))
    g.api_token = checked
    return checked.user


login_manager.request_loader(user_from_token)


@bp.before_request
def require_token() -> tuple[Response, int] | None:
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        checked = g.get("api_token")
        problem = checked.problem if checked is not None else TokenProblem.MISSING
        return json_error(401, "unauthorised", PROBLEM_MESSAGES[problem or TokenProblem.MISSING])
    checked = g.get("api_token")
    if (
        request.method not in READING_METHODS
        and checked is not None
        and checked.scope is not TokenScope.WRITE
    ):
        return json_error(
            403, "forbidden", "This API token may only read; create one that may also write."
        )
    # An evidence upload is a file: its own limit, checked by its route.
    if (
        request.endpoint != "api.upload_evidence"
        and request.content_length is not None
        and request.content_length > MAX_BODY
    ):
        return json_error(413, "too_large", "The request body is too large.")
    return None
