from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from maturity.core import reference
from maturity.web.forms import BaseForm


class Range(NumberRange):
    """NumberRange that stays silent when the value could not be parsed at all,
    so the user sees one message ("not a valid number"), not two."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None:
            super().__call__(form, field)


MEASURE_FIELDS = {"employees": "employees", "revenue": "revenue", "assets": "total_assets"}


def _section_choices(locale: str) -> list[tuple[str, str]]:
    return [("", _l("Choose…"))] + [
        (s.code, f"{s.code} {s.name(locale)}") for s in reference.sections()
    ]


def _division_choices(locale: str) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {"": [("", str(_l("Choose…")))]}
    for section in reference.sections():
        grouped[f"{section.code} {section.name(locale)}"] = [
            (d.code, f"{d.code} {d.name(locale)}") for d in reference.divisions(section.code)
        ]
    return grouped


def _province_choices(locale: str) -> list[tuple[str, str]]:
    return [("", _l("Choose…"))] + [(p.code, p.name(locale)) for p in reference.provinces()]


def _city_choices(locale: str) -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {"": [("", str(_l("Choose…")))]}
    for province in reference.provinces():
        cities = reference.cities(province.code)
        if cities:
            grouped[province.name(locale)] = [(c.code, c.name(locale)) for c in cities]
    return grouped


class OrganisationForm(BaseForm):
    name = StringField(
        _l("Organisation name"),
        validators=[
            DataRequired(_l("Please enter the organisation's name.")),
            Length(max=200, message=_l("At most %(max)d characters.")),
        ],
    )
    credit_code = StringField(
        _l("Unified social credit code (optional)"),
        validators=[Optional()],
        filters=[lambda value: reference.normalise_credit_code(value) if value else value],
    )
    industry_section = SelectField(
        _l("Industry section (GB/T 4754-2017)"),
        validators=[DataRequired(_l("Please choose the industry section."))],
        validate_choice=False,
    )
    industry_division = SelectField(
        _l("Industry division"),
        validators=[DataRequired(_l("Please choose the industry division."))],
        validate_choice=False,
    )
    employees = IntegerField(
        _l("Employees"),
        validators=[
            Optional(),
            Range(min=0, max=10_000_000, message=_l("Enter a whole number of 0 or more.")),
        ],
    )
    revenue = DecimalField(
        _l("Annual operating revenue (10,000 CNY)"),
        places=2,
        validators=[
            Optional(),
            Range(min=0, max=10**11, message=_l("Enter an amount of 0 or more.")),
        ],
    )
    total_assets = DecimalField(
        _l("Total assets (10,000 CNY)"),
        places=2,
        validators=[
            Optional(),
            Range(min=0, max=10**11, message=_l("Enter an amount of 0 or more.")),
        ],
    )
    province_code = SelectField(
        _l("Province"),
        validators=[DataRequired(_l("Please choose the province."))],
        validate_choice=False,
    )
    city_code = SelectField(_l("City"), validators=[Optional()], validate_choice=False)
    goals = SelectMultipleField(
        _l("Business goals (choose up to three)"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,
    )

    def __init__(
        self,
        *args: Any,
        locale: str = "zh",
        goal_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals.choices = goal_choices or []
        self.industry_section.choices = _section_choices(locale)
        self.industry_division.choices = _division_choices(locale)
        self.province_code.choices = _province_choices(locale)
        self.city_code.choices = _city_choices(locale)

    def validate_credit_code(self, field: StringField) -> None:
        problem = reference.credit_code_problem(field.data or "")
        messages = {
            reference.CreditCodeError.LENGTH: _l("A credit code has exactly 18 characters."),
            reference.CreditCodeError.CHARACTERS: _l(
                "A credit code uses only digits and the capital letters A–Y except I, O, S, V and Z."
            ),
            reference.CreditCodeError.REGION: _l(
                "Characters 3 to 8 of a credit code are the digits of a region code."
            ),
            reference.CreditCodeError.CHECK_DIGIT: _l(
                "The last character (check digit) does not match: please check the code for typing errors."
            ),
        }
        if problem is not None:
            raise ValidationError(str(messages[problem]))

    def validate_industry_section(self, field: SelectField) -> None:
        industry = reference.industries().get(field.data or "")
        if industry is None or not industry.is_section:
            raise ValidationError(str(_l("Unknown industry section.")))

    def validate_industry_division(self, field: SelectField) -> None:
        industry = reference.division(field.data or "")
        if industry is None:
            raise ValidationError(str(_l("Unknown industry division.")))
        if industry.section != self.industry_section.data:
            raise ValidationError(
                str(_l("This division does not belong to the chosen industry section."))
            )

    def validate_goals(self, field: SelectMultipleField) -> None:
        known = {choice[0] for choice in field.choices or []}
        chosen = field.data or []
        if any(goal not in known for goal in chosen):
            raise ValidationError(str(_l("Unknown business goal.")))

    def validate_province_code(self, field: SelectField) -> None:
        if not reference.is_province(field.data):
            raise ValidationError(str(_l("Unknown province.")))

    def validate_city_code(self, field: SelectField) -> None:
        if not reference.is_city_of(field.data, self.province_code.data):
            raise ValidationError(str(_l("This city is not in the chosen province.")))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        division_code = self.industry_division.data or ""
        if reference.division(division_code) is None:
            return False
        # The size class is derived from the measures that the industry's rule uses.
        for measure in reference.measures_needed(division_code):
            field = getattr(self, MEASURE_FIELDS[measure])
            if field.data is None and not field.errors:
                field.errors = [
                    *field.errors,
                    str(_l("Your industry's size class depends on this figure: please enter it.")),
                ]
                valid = False
        return valid
