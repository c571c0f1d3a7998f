"""The base of every form: single-line fields hold one line of text.

A name with a line break typed or pasted into it travels on into mail subjects, file
names of exports and the report's cover; it is refused with the form's other
problems, in the user's language, and nothing of the form is saved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField, TextAreaField

from maturity.core.text import is_single_line

NOT_ONE_LINE = _l("Please write this on one line, without line breaks or control characters.")


def is_single_line_field(field: Field) -> bool:
    """Text typed on one line: a text box, not a text area (and not a password, which is
    never shown, mailed or stored as typed)."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


class BaseForm(FlaskForm):
    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if (
                is_single_line_field(field)
                and isinstance(field.data, str)
                and not is_single_line(field.data)
            ):
                field.errors = [*field.errors, str(NOT_ONE_LINE)]
                valid = False
        return valid
