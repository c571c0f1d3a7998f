"""JSON API v1: personal tokens, the same access policy as the pages, one error shape."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from maturity.api import routes  # noqa: E402,F401
