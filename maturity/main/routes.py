from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from maturity.extensions import db
from maturity.main import bp
from maturity.models import Membership, Organisation


def safe_next(target: str | None) -> str:
    """Only same-site relative paths may be redirected to."""
    if not target:
        return url_for("main.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("main.index")
    return target


@bp.get("/")
def index() -> str:
    organisations: list[Organisation] = []
    if current_user.is_authenticated:
        organisations = list(
            db.session.scalars(
                select(Organisation)
                .join(Membership)
                .where(Membership.user_id == current_user.id)
                .order_by(Organisation.name)
            )
        )
    return render_template("main/index.html", organisations=organisations)


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.args.get("next")))
