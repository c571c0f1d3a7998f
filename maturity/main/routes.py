from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from maturity.extensions import db
from maturity.main import bp
from maturity.models import Membership, Organisation
from maturity.web import current_locale, safe_next
from maturity.web.privacy import NOTICE_VERSION, notice_template


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


@bp.get("/privacy")
def privacy() -> str:
    return render_template(
        notice_template(current_locale()), version=NOTICE_VERSION, title=_("Privacy notice")
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.args.get("next")))
