"""The password rule of every form that sets one (``maturity.core.passwords``)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from maturity.core.passwords import MAX_LENGTH, MIN_LENGTH, PasswordProblem, password_problem

_ADVICE = _l("A short sentence of several words is easy to remember and hard to guess.")
MESSAGES = {
    PasswordProblem.TOO_SHORT: _l("At least %(min)d characters.", min=MIN_LENGTH),
    PasswordProblem.TOO_LONG: _l("At most %(max)d characters.", max=MAX_LENGTH),
    PasswordProblem.COMMON: _l(
        "This password is one of the common passwords or words that attackers try first."
    ),
    PasswordProblem.PATTERN: _l(
        "This password is a pattern attackers try first: repeated characters, a sequence, a keyboard row or a date."
    ),
    PasswordProblem.PERSONAL: _l("This password is built on your name or email address."),
    PasswordProblem.GUESSABLE: _l("This password is too easy to guess."),
}


class StrongPassword:
    """Refuse passwords that are short or guessable, naming why, with advice."""

    def __init__(self, personal: Callable[[Form], list[str]]) -> None:
        self.personal = personal

    def __call__(self, form: Form, field: Field) -> None:
        problem = password_problem(str(field.data or ""), self.personal(form))
        if problem is None:
            return
        message = str(MESSAGES[problem])
        if problem not in (PasswordProblem.TOO_SHORT, PasswordProblem.TOO_LONG):
            message = f"{message} {_ADVICE}"
        raise ValidationError(message)


def new_password_fields(
    personal: Callable[[Form], list[str]],
) -> tuple[PasswordField, PasswordField]:
    """The "new password" and "again" fields every such form has."""
    return (
        PasswordField(
            _l("New password"),
            validators=[DataRequired(_l("Please choose a password.")), StrongPassword(personal)],
            description=_l(
                "At least %(min)d characters; a short sentence of several words is easy to remember and hard to guess.",
                min=MIN_LENGTH,
            ),
        ),
        PasswordField(
            _l("New password again"),
            validators=[EqualTo("password", _l("The two passwords differ."))],
        ),
    )
