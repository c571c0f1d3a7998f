"""Signing up, logging in and out, and a forgotten password.

Nothing here tells a visitor whether an address has an account: sign-up and
"forgot password" answer alike and send a mail either way, and a failed login
costs the same password-hash work whether or not the address is known.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from maturity import mail
from maturity.auth import bp, devices
from maturity.auth.forms import (
    ConfirmForm,
    LoginForm,
    NewPasswordForm,
    RegisterForm,
    ResetRequestForm,
)
from maturity.core.passwords import personal_words
from maturity.extensions import db, limiter
from maturity.mail import notices
from maturity.models import LinkPurpose, User
from maturity.models.user import spend_password_check
from maturity.services import accounts, sessions
from maturity.services.accounts import SignUp
from maturity.services.email_links import LinkInvalid, find
from maturity.web import current_locale, safe_next
from maturity.web.privacy import NOTICE_VERSION


def _confirm_within() -> timedelta:
    return timedelta(hours=current_app.config["CONFIRM_LINK_HOURS"])


def _reset_within() -> timedelta:
    return timedelta(minutes=current_app.config["RESET_LINK_MINUTES"])


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in with a new server-side session."""
    sessions.start(user, remember, request.user_agent.string, request.remote_addr)
    login_user(user, remember=remember)
    session["locale"] = user.locale


def _send_confirmation(user: User, token: str) -> None:
    mail.send(
        user.email,
        "confirm_email",
        user.locale,
        name=user.name,
        link=url_for("auth.confirm", token=token, _external=True),
        hours=current_app.config["CONFIRM_LINK_HOURS"],
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        next_url = request.args.get("next")
        outcome = accounts.sign_up(
            name=form.name.data or "",
            email=email,
            password=form.password.data or "",
            locale=current_locale(),
            privacy_version=NOTICE_VERSION,
            confirm_within=_confirm_within(),
            next_url=safe_next(next_url) if next_url else None,
        )
        if outcome.kind is SignUp.ALREADY_REGISTERED:
            user = outcome.user
            mail.send(
                user.email,
                "already_registered",
                user.locale,
                name=user.name,
                login=url_for("auth.login", _external=True),
                reset=url_for("auth.forgot", _external=True),
            )
        else:
            assert outcome.link_token is not None
            _send_confirmation(outcome.user, outcome.link_token)
        return _check_your_mail(email)
    return render_template("auth/register.html", form=form)


def _check_your_mail(email: str) -> str:
    return render_template("auth/check_mail.html", email=email)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def confirm(token: str) -> str | Response | tuple[str, int]:
    try:
        user = find(token, LinkPurpose.CONFIRM_EMAIL).user
    except LinkInvalid:
        return _link_invalid(LinkPurpose.CONFIRM_EMAIL)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            link = accounts.confirm_email(token, form.password.data or "")
        except accounts.WrongPassword:
            form.password.errors = [
                _("This is not the password chosen when signing up."),
            ]
        except LinkInvalid:
            return _link_invalid(LinkPurpose.CONFIRM_EMAIL)
        else:
            if current_user.is_authenticated:
                logout_user()
            start_session(link.user)
            flash(_("Your email address is confirmed. Welcome!"), "success")
            if link.next_url:
                return redirect(safe_next(link.next_url))
            flash(_("Create your organisation profile to begin."), "info")
            return redirect(url_for("organisations.new"))
    status = 400 if form.errors else 200
    return render_template("auth/confirm.html", form=form, email=user.email), status


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit, methods=["POST"], key_func=devices.address_key, deduct_when=devices.login_failed
)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=devices.account_and_address_key,
    deduct_when=devices.login_failed,
)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=devices.account_key,
    exempt_when=devices.is_known,
    deduct_when=devices.login_failed,
)
@limiter.limit(
    _login_limit,
    methods=["POST"],
    key_func=devices.device_key,
    exempt_when=devices.is_unknown,
    deduct_when=devices.login_failed,
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        password = form.password.data or ""
        user = accounts.find_by_email(form.email.data or "")
        if user is None:
            spend_password_check(password)  # as long as a wrong password takes
            valid = False
        else:
            valid = user.check_password(password) and user.active
        if user is None or not valid:
            form.password.errors = [*form.password.errors, _("Email or password is wrong.")]
        elif user.email_confirmed_at is None:
            # Only someone who knows the password learns that the account exists.
            _send_confirmation(user, accounts.confirmation_link(user, _confirm_within()))
            form.email.errors = [
                *form.email.errors,
                _(
                    "Please confirm your email address first: we have sent you a new link to %(email)s.",
                    email=user.email,
                ),
            ]
        else:
            start_session(user, remember=bool(form.remember.data))
            response = redirect(safe_next(request.args.get("next")))
            devices.remember_device(response, user.email)
            return response
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    locale = session.get("locale")
    sessions.end(current_user)
    db.session.commit()
    logout_user()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user, token = accounts.reset_link(email, _reset_within())
        if user is not None and token is not None:
            mail.send(
                user.email,
                "reset_password",
                user.locale,
                name=user.name,
                link=url_for("auth.reset", token=token, _external=True),
                minutes=current_app.config["RESET_LINK_MINUTES"],
            )
        else:
            mail.send(
                email,
                "reset_no_account",
                current_locale(),
                register=url_for("auth.register", _external=True),
            )
        return _check_your_mail(email)
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def reset(token: str) -> str | Response | tuple[str, int]:
    try:
        user = find(token, LinkPurpose.RESET_PASSWORD).user
    except LinkInvalid:
        return _link_invalid(LinkPurpose.RESET_PASSWORD)
    form = NewPasswordForm()
    form.personal = personal_words(user.name, user.email)  # read by its password rule
    if form.validate_on_submit():
        try:
            changed = accounts.reset_password(token, form.password.data or "")
        except LinkInvalid:
            return _link_invalid(LinkPurpose.RESET_PASSWORD)
        notices.password_changed(changed)
        if current_user.is_authenticated:
            logout_user()
        start_session(changed.user)
        flash(
            _("Your new password is set. Every other session of your account has been logged out."),
            "success",
        )
        if changed.tokens_revoked:
            flash(
                ngettext(
                    "%(num)d API token was revoked.",
                    "%(num)d API tokens were revoked.",
                    changed.tokens_revoked,
                ),
                "info",
            )
        return redirect(url_for("main.index"))
    return render_template("auth/reset.html", form=form, email=user.email)


def _link_invalid(purpose: LinkPurpose) -> tuple[str, int]:
    if purpose is LinkPurpose.CONFIRM_EMAIL:
        message = _(
            "This confirmation link is not valid: it may have expired or been used already. Log in to get a new one."
        )
    else:
        message = _(
            "This link to choose a new password is not valid: it may have expired or been used already."
        )
    return render_template(
        "errors/message.html",
        message=message,
        link=url_for("auth.login" if purpose is LinkPurpose.CONFIRM_EMAIL else "auth.forgot"),
        link_text=_("Log in") if purpose is LinkPurpose.CONFIRM_EMAIL else _("Ask for a new link"),
    ), 404
