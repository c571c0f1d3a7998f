"""Report downloads: one PDF, and consultants' batches of PDFs in one ZIP file."""

from flask import Blueprint

bp = Blueprint("downloads", __name__)

from maturity.downloads import routes  # noqa: E402,F401
