from flask import Blueprint

bp = Blueprint("centres", __name__, url_prefix="/centres")

from maturity.centres import branding, imports, providers, routes  # noqa: E402,F401
