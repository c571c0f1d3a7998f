from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Please enter your email."))])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Keep me logged in"))


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Please enter your name.")),
            Length(max=100, message=_l("At most %(max)d characters.")),
        ],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Please enter your email.")),
            Email(_l("This is not a valid email address."), check_deliverability=False),
            Length(max=254, message=_l("At most %(max)d characters.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Please choose a password.")),
            Length(min=10, max=200, message=_l("Between %(min)d and %(max)d characters.")),
        ],
    )
    password_again = PasswordField(
        _l("Password again"),
        validators=[EqualTo("password", _l("The two passwords differ."))],
    )
