"""The words that name a dashboard's release and filters: a period ("Q3 2026"), a
breakdown's cell ("Manufacturing · small"), the filters applied. The page, its
exports and the audit log's entry for an export all say them with these functions,
so that an administrator reads in the log exactly what the export's header said."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import gettext as _

from maturity.core import periods, reference
from maturity.core.periods import Period, parse_period
from maturity.core.text import Text
from maturity.models import Release

# Between the filters of one line: they hold a colon each, so not a comma.
FILTER_SEPARATOR = Text("；", "; ")

FILTER_NAMES: dict[str, Callable[[], str]] = {
    "section": lambda: _("Industry section"),
    "size": lambda: _("Size class"),
    "province": lambda: _("Province"),
    "city": lambda: _("City"),
}


def period_label(period: Period) -> str:
    """A year ("2026") or a quarter ("Q3 2026"), in words."""
    if period.is_year:
        return _("%(year)d", year=period.first.year)
    return _(
        "Q%(quarter)d %(year)d",
        quarter=(period.first.month - 1) // 3 + 1,
        year=period.first.year,
    )


def release_period(release: Release) -> str:
    """The period a stored release covers, in words."""
    return period_label(parse_period(release.period) or periods.year(release.period_first.year))


def breakdown_label(by: str, code: str, locale: str) -> str:
    """A breakdown's cell in words: a section, a size class, a region or section/size."""
    if by == "section_size":
        section, size = code.split("/")
        return f"{reference.industries()[section].name(locale)} · {reference.size_class_label(size, locale)}"
    if by == "section":
        return reference.industries()[code].name(locale)
    if by == "size":
        return reference.size_class_label(code, locale)
    if not code:
        return _("city not given")
    regions = reference.regions()
    return regions[code].name(locale) if code in regions else code


def _value(name: str, code: str, locale: str) -> str:
    try:
        return breakdown_label(name, code, locale)
    except (KeyError, ValueError):  # a code the reference data no longer has
        return code


def filter_words(chosen: Mapping[str, str], locale: str) -> str:
    """The filters applied, by name and code, in words ("Industry section:
    Manufacturing; Size class: small"), or "none"."""
    words = [
        _(
            "%(filter)s: %(value)s",
            filter=FILTER_NAMES[name]() if name in FILTER_NAMES else name,
            value=_value(name, code, locale),
        )
        for name, code in chosen.items()
    ]
    return FILTER_SEPARATOR.get(locale).join(words) or _("none")


def filters_line(chosen: Mapping[str, str], locale: str) -> str:
    """The line that states the filters: "Filters: …"."""
    return _("Filters: %(filters)s", filters=filter_words(chosen, locale))
