from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from maturity.core import reference
from maturity.web.forms import BaseForm


class ReleaseForm(BaseForm):
    """A new revision of one population's release for a closed period: computed by the
    workers beside the old one, with its own privacy loss, for the reason given."""

    population = SelectField(
        _l("Population"),
        invalid_choice_message=_l("Please choose a population from the list."),  # type: ignore[call-arg]
    )
    period = StringField(
        _l("Closed period (2026 or 2026-Q3)"),
        validators=[
            DataRequired(_l("Please enter a closed period: a year (2026) or a quarter (2026-Q3)."))
        ],
        filters=[lambda value: value.strip().upper() if isinstance(value, str) else value],
    )
    reason = StringField(
        _l("Why a new revision (kept in the audit log)"),
        validators=[
            DataRequired(
                _l("Please say why the release is computed again (at most 300 characters).")
            ),
            Length(
                max=300,
                message=_l(
                    "Please say why the release is computed again (at most 300 characters)."
                ),
            ),
        ],
    )

    def __init__(self, *args: Any, populations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.population.choices = populations


class CentreForm(BaseForm):
    """A new service centre: its name (one line, unique) and, if it serves one, its
    province."""

    name = StringField(
        _l("New centre's name"),
        validators=[
            DataRequired(_l("Please enter the centre's name (at most 200 characters).")),
            Length(max=200, message=_l("Please enter the centre's name (at most 200 characters).")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    province_code = SelectField(
        _l("Province"),
        default="",
        # WTForms 3.3 takes it; its type stubs do not know it yet.
        invalid_choice_message=_l("Please choose a province from the list."),  # type: ignore[call-arg]
    )

    def __init__(self, *args: Any, locale: str = "zh", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.province_code.choices = [
            ("", str(_l("Not tied to a province"))),
            *((p.code, p.name(locale)) for p in reference.provinces()),
        ]
