"""What every page shares: the user loader, template globals, error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from maturity.extensions import db, login_manager
from maturity.models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.scalar(select(User).where(User.id == int(user_id)))


def current_locale() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["current_locale"] = current_locale

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template("errors/http.html", code=code), code

    @app.context_processor
    def roles() -> dict[str, object]:
        from flask_login import current_user

        from maturity import access

        return {
            "nav_is_admin": access.is_admin(current_user),
            "nav_is_consultant": access.is_consultant(current_user),
            "nav_is_reviewer": bool(getattr(current_user, "is_authenticated", False))
            and bool(current_user.centre_memberships),
        }
