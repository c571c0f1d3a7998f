"""The API reference for people: Swagger UI over ``/api/v1/openapi.json`` at ``/api/docs``.

Swagger UI's files come from the ``flask-swagger-ui`` package (its ``dist/`` folder only:
its blueprint's page has an inline script), served from here, never from a CDN. The
page's start-up code is ``static/api-docs.js``, so the Content-Security-Policy's
``script-src 'self'`` holds. The endpoints are in the API's namespace (``api.``) and
open without a token, like the OpenAPI document itself."""

from __future__ import annotations

from importlib.resources import files

from flask import Flask, Response, abort, render_template, send_from_directory

# What the page loads; nothing else of the package is served.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js"})
ENDPOINTS = frozenset({"api.docs", "api.docs_asset"})


def page() -> str:
    return render_template("api/docs.html")


def asset(filename: str) -> Response:
    if filename not in ASSETS:
        abort(404)
    return send_from_directory(str(files("flask_swagger_ui") / "dist"), filename)


def init_app(app: Flask) -> None:
    app.add_url_rule("/api/docs", endpoint="api.docs", view_func=page)
    app.add_url_rule("/api/docs/<path:filename>", endpoint="api.docs_asset", view_func=asset)
