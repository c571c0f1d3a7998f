"""The privacy notice: its version, its text per language, and asking everyone
who has not accepted the current version to read it before going on."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from maturity.core.privacy_notice import NOTICE_VERSION

__all__ = ["NOTICE_VERSION", "init_app", "notice_template"]

# Pages that stay open before the notice is accepted.
OPEN_ENDPOINTS = {
    "static",
    "health",
    "main.privacy",
    "main.set_language",
    "accounts.accept_privacy",
    "auth.logout",
}


def notice_template(locale: str) -> str:
    """A legal text is written per language rather than assembled from messages."""
    return f"main/privacy_{'en' if locale == 'en' else 'zh'}.html"


def init_app(app: Flask) -> None:
    @app.before_request
    def ask_for_privacy_acceptance() -> Response | None:
        if (
            request.method != "GET"
            or request.path.startswith("/api/")
            or request.endpoint in OPEN_ENDPOINTS
            or not current_user.is_authenticated
            or current_user.privacy_version == NOTICE_VERSION
        ):
            return None
        return redirect(url_for("accounts.accept_privacy", next=request.full_path))
