from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from maturity.auth import routes  # noqa: E402,F401
