"""JSON API v1: personal tokens, the same access policy as the pages, one error shape.

``auth`` authenticates (Flask-Login's request loader), ``errors`` answers in the one
error shape, ``serialisers`` writes the JSON of each object, ``routes`` serves it,
``items`` serves the profile and outcome figures, ``plan`` the curated plan,
``evidence`` evidence files and verification,
``openapi`` (with ``spec``) describes it, and ``docs`` shows that description to people
at ``/api/docs``."""

from __future__ import annotations

from flask import Flask

from maturity.api import auth, docs, errors, evidence, items, plan, routes  # noqa: F401  (register on the blueprint)
from maturity.api.blueprint import bp


def init_app(app: Flask) -> None:
    from maturity.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
    docs.init_app(app)
