"""The one shape of a JSON error (API and background saves):
``{"error": {"code", "message", "problems"}}``."""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from maturity.core.refusals import Refused

# The code of an HTTP error that has no more specific one.
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "incomplete",
    429: "too_many_requests",
    503: "unavailable",
}


def http_error_code(status: int) -> str:
    return HTTP_ERROR_CODES.get(status, "error")


def json_error(
    status: int, code: str, message: str, problems: list[str] | None = None
) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message, "problems": problems or []}), status


def wants_json() -> bool:
    """Whether this request is answered in JSON: the API, and any request that sends
    JSON or asks for it first (the pages' background saves), whatever its path."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def refusal_error(
    refused: Refused, message: str, status: int = 400, problems: list[str] | None = None
) -> tuple[Response, int]:
    """A refusal in the JSON error shape: its code, and its words (web.messages)."""
    return json_error(status, str(refused.code), message, problems)


def with_error_headers(response: Response, error: HTTPException) -> Response:
    """The headers an HTTP error carries besides its body, such as ``Allow`` on a 405
    (RFC 9110 requires it)."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response
