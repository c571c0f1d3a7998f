"""Device cookies: failed logins from elsewhere never lock an owner out of a browser
they logged in from before (OWASP, "Slow down online guessing attacks with device
cookies").

A successful login leaves a signed cookie naming the account (a digest of its
address) and a random device id. Failed logins are counted per address and per
account-and-address pair for everyone; per account only for browsers without a valid
cookie for that account ("unknown devices"); and per device for browsers with one.
Someone guessing a victim's password from many addresses thus exhausts the account's
limit for unknown devices only: the victim's own browser still logs in.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

COOKIE = "maturity_device"
SALT = "maturity-login-device"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def account_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def _typed_account() -> str:
    return account_digest(request.form.get("email") or "")


def known_device() -> str | None:
    """The device id of the browser's cookie, if it is valid and for the account the
    login form names; None for an unknown device."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("account") != _typed_account():
        return None
    device = payload.get("device")
    return device if isinstance(device, str) and device else None


def is_known() -> bool:
    return known_device() is not None


def is_unknown() -> bool:
    return known_device() is None


def remember_device(response: Response, email: str) -> None:
    """After a successful login: this browser is known for the account from now on."""
    value = _serializer().dumps({"account": account_digest(email), "device": secrets.token_hex(16)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 86400,
        path="/auth/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


# The limiter's keys (each limit counts failed logins only: `login_failed`).
def address_key() -> str:
    return "login-address:" + (request.remote_addr or "")


def account_and_address_key() -> str:
    return f"login-pair:{_typed_account()}:{request.remote_addr or ''}"


def account_key() -> str:
    return "login-account:" + _typed_account()


def device_key() -> str:
    return "login-device:" + (known_device() or "")


def login_failed(response: Response) -> bool:
    """A login form answered again (wrong password, unknown address, unconfirmed
    account), not a login that succeeded (a redirect) nor a refusal by the limit."""
    return response.status_code in (200, 400)
