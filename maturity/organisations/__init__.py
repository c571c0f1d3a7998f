from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

from maturity.organisations import credit_code, routes  # noqa: E402,F401
