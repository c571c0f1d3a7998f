from flask import Blueprint

bp = Blueprint("assessments", __name__)

from maturity.assessments import items, plan, routes  # noqa: E402,F401
