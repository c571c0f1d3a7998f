from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange

from maturity.web.fields import person_name_field
from maturity.web.forms import BaseForm
from maturity.web.passwords import new_password_fields


class SettingsForm(BaseForm):
    name = person_name_field()
    locale = SelectField(
        _l("Language of pages and e-mails"),
        choices=[("zh", "中文"), ("en", "English")],
    )


def _own_name_and_email(form: Form) -> list[str]:
    return list(getattr(form, "personal", []))


class ChangePasswordForm(BaseForm):
    """``personal`` (the user's name and address) is set by the view."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Please enter your current password."))],
    )
    password, password_again = new_password_fields(_own_name_and_email)
    keep_tokens = BooleanField(
        _l("Keep my API tokens working"),
        description=_l(
            "Unticked (the default), every API token of your account stops working: make new ones where you still need them."
        ),
    )


TOKEN_DAYS = [(30, "30"), (90, "90"), (180, "180"), (365, "365")]


class TokenForm(BaseForm):
    name = StringField(
        _l("What the token is for"),
        validators=[
            DataRequired(_l("Please say what the token is for.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
        ],
    )
    scope = RadioField(
        _l("May"),
        choices=[("read", _l("read only")), ("write", _l("read and write"))],
        default="read",
    )
    days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[
            DataRequired(_l("Please enter how many days the token is valid.")),
            NumberRange(1, 366, _l("Between %(min)d and %(max)d days.")),
        ],
    )


class ConfirmWithPasswordForm(BaseForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Please enter your password."))]
    )


class DeleteOrganisationForm(ConfirmWithPasswordForm):
    name = StringField(
        _l("The organisation's name"),
        validators=[DataRequired(_l("Please type the organisation's name."))],
    )
