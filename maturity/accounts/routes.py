from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from maturity.accounts import bp
from maturity.accounts.forms import (
    ChangePasswordForm,
    ConfirmWithPasswordForm,
    SettingsForm,
    TokenForm,
)
from maturity.core.passwords import personal_words
from maturity.core.user_agents import describe
from maturity.mail import notices
from maturity.models import TokenScope
from maturity.models._types import utcnow
from maturity.services import accounts, api_tokens, sessions
from maturity.web import safe_next, session_lifetimes
from maturity.web.privacy import NOTICE_VERSION


def _page(
    settings: SettingsForm | None = None, token_form: TokenForm | None = None, status: int = 200
) -> tuple[str, int]:
    user = current_user._get_current_object()
    owned = accounts.owned_by(user)
    return render_template(
        "accounts/index.html",
        settings=settings or SettingsForm(obj=user),
        token_form=token_form or TokenForm(),
        sessions=sessions.active(user, session_lifetimes()),
        is_current=lambda found: sessions.is_current(found, user),
        describe_agent=describe,
        tokens=api_tokens.of_user(user),
        now=utcnow(),
        owned=owned,
        notice_version=NOTICE_VERSION,
    ), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def index() -> str | Response | tuple[str, int]:
    form = SettingsForm(obj=current_user)
    if request.method == "POST":
        if form.validate_on_submit():
            accounts.update_settings(current_user, form.name.data or "", form.locale.data or "zh")
            session["locale"] = current_user.locale
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("accounts.index"))
        return _page(settings=form, status=400)
    return _page()


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    form.personal = personal_words(
        current_user.name, current_user.email
    )  # read by its password rule
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data or ""):
            form.current.errors = [_("This is not your current password.")]
        else:
            changed = accounts.change_password(
                current_user, form.password.data or "", keep_tokens=bool(form.keep_tokens.data)
            )
            notices.password_changed(changed)
            flash(
                _(
                    "Your password is changed. %(count)d other sessions were logged out.",
                    count=changed.sessions_ended,
                ),
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
            return redirect(url_for("accounts.index"))
    status = 400 if form.errors else 200
    return render_template(
        "accounts/password.html", form=form, tokens=api_tokens.working_count(current_user)
    ), status


@bp.post("/account/sessions/end-all")
@login_required
def log_out_everywhere() -> Response:
    locale = session.get("locale")
    accounts.log_out_everywhere(current_user)
    logout_user()
    if locale:
        session["locale"] = locale
    flash(_("You have been logged out everywhere, on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/tokens")
@login_required
def create_token() -> str | tuple[str, int]:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(token_form=form, status=400)
    token = api_tokens.create(
        current_user,
        form.name.data or "",
        TokenScope(form.scope.data if form.scope.data in ("read", "write") else "read"),
        int(form.days.data or 90),
    )
    return render_template("accounts/token_created.html", token=token, name=form.name.data)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    if api_tokens.revoke(current_user, token_id):
        flash(_("The token is revoked: it no longer opens the API."), "success")
    return redirect(url_for("accounts.index", _anchor="tokens"))


@bp.route("/account/privacy", methods=["GET", "POST"])
@login_required
def accept_privacy() -> str | Response:
    if request.method == "POST":
        accounts.accept_privacy(current_user, NOTICE_VERSION)
        flash(_("Thank you. You can read the privacy notice again at any time."), "success")
        return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/accept_privacy.html", version=NOTICE_VERSION)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> str | Response | tuple[str, int]:
    form = ConfirmWithPasswordForm()
    blocking = accounts.sole_owner_of(current_user)
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data or ""):
            form.password.errors = [_("This is not your password.")]
        else:
            try:
                accounts.delete_account(current_user)
            except accounts.AccountInUse as refused:
                blocking = refused.organisations
            else:
                locale = session.get("locale")
                logout_user()
                if locale:
                    session["locale"] = locale
                flash(_("Your account is deleted."), "info")
                return redirect(url_for("main.index"))
    status = 400 if form.errors or (request.method == "POST" and blocking) else 200
    return render_template("accounts/delete.html", form=form, blocking=blocking), status
