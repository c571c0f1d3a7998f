"""The account page: settings, password, sessions, API tokens, privacy and data rights."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from maturity.accounts import data, routes  # noqa: E402,F401
