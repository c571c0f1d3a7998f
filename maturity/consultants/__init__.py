from flask import Blueprint

bp = Blueprint("consultants", __name__)

from maturity.consultants import routes  # noqa: E402,F401
