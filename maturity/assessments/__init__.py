from flask import Blueprint

bp = Blueprint("assessments", __name__)

from maturity.assessments import evidence, items, plan, routes, verification  # noqa: E402,F401
