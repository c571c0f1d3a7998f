from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from maturity.auth import bp
from maturity.auth.forms import LoginForm, RegisterForm
from maturity.extensions import db, limiter
from maturity.models import User
from maturity.web import current_locale, safe_next


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        if find_user_by_email(form.email.data or "") is not None:
            form.email.errors = [
                *form.email.errors,
                _("An account with this email already exists."),
            ]
        else:
            user = User(
                email=(form.email.data or "").strip().lower(),
                name=(form.name.data or "").strip(),
                locale=current_locale(),
            )
            user.set_password(form.password.data or "")
            db.session.add(user)
            db.session.commit()
            login_user(user)
            if request.args.get("next"):
                return redirect(safe_next(request.args.get("next")))
            flash(_("Welcome! Create your organisation profile to begin."), "success")
            return redirect(url_for("organisations.new"))
    return render_template("auth/register.html", form=form)


def _login_key() -> str:
    """Attempts are limited per address and, separately, per account."""
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], key_func=_login_key
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data or "")
        if user is None or not user.active or not user.check_password(form.password.data or ""):
            form.password.errors = [*form.password.errors, _("Email or password is wrong.")]
        else:
            login_user(user, remember=bool(form.remember.data))
            session["locale"] = user.locale
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    locale = session.get("locale")
    logout_user()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))
