from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, Form, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from maturity.core.passwords import MIN_LENGTH, personal_words
from maturity.web.fields import new_email_field, person_name_field
from maturity.web.forms import BaseForm
from maturity.web.passwords import StrongPassword, new_password_fields
from maturity.web.requests import EMAIL_SHAPE


class LoginForm(BaseForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Keep me logged in"))


def _typed_name_and_email(form: Form) -> list[str]:
    return personal_words(str(form["name"].data or ""), str(form["email"].data or ""))


class RegisterForm(BaseForm):
    name = person_name_field()
    email = new_email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            StrongPassword(_typed_name_and_email),
        ],
        description=_l(
            "At least %(min)d characters; a short sentence of several words is easy to remember and hard to guess.",
            min=MIN_LENGTH,
        ),
    )
    password_again = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
    )
    accept_privacy = BooleanField(
        _l("I have read the privacy notice and agree to it."),
        validators=[DataRequired(_l("Please read and accept the privacy notice to sign up."))],
    )


class ResetRequestForm(BaseForm):
    # Any address an account may have (the demo's *.local ones too), not only those
    # a new sign-up may use.
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email.")),
            Regexp(EMAIL_SHAPE, message=_l("This is not a valid email address.")),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )


def _no_personal_words(form: Form) -> list[str]:
    return list(getattr(form, "personal", []))


class NewPasswordForm(BaseForm):
    """A new password through a reset link; ``personal`` is set by the view."""

    password, password_again = new_password_fields(_no_personal_words)


class ConfirmForm(BaseForm):
    password = PasswordField(
        _l("The password you chose when signing up"),
        validators=[DataRequired(_l("Please enter your password."))],
    )
