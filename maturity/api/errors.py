"""The API's errors, all in the one JSON shape of ``maturity.web.errors``."""

from __future__ import annotations

from flask import Response
from werkzeug.exceptions import HTTPException

from maturity.api.blueprint import bp
from maturity.web.errors import http_error_code, json_error, with_error_headers


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, problems: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.problems = status, code, message, problems or []


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> tuple[Response, int]:
    return json_error(error.status, error.code, error.message, error.problems)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    code = http_error_code(status)
    response, status = json_error(status, code, error.description or code)
    return with_error_headers(response, error), status
