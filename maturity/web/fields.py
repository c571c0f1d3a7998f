"""Form fields that several features ask for in the same way."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length


def person_name_field() -> StringField:
    return StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
        ],
    )


def new_email_field() -> EmailField:
    """An address for a new account or invitation: checked as a deliverable form."""
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email.")),
            Email(_l("This is not a valid email address."), check_deliverability=False),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )
