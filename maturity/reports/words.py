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


def total_note(total: str) -> str:
    return _(
        "“%(total)s” is the release's own figure for all the organisations. Every figure carries its own noise for privacy, so the rows need not add up to it, nor their means average to it.",
        total=total,
    )


# What a change between rounds is measured against (services.releases.records_for:
# the organisation's round before its latest of the period, whenever that was).
def progress_note() -> str:
    return _(
        "Each organisation's change is measured against its own previous round. Overall: only where that round was on the same questionnaire version. Dimensions: over the practices whose level statements did not change between the two rounds and that applied in both, whatever the version."
    )


def outcomes_note() -> str:
    return _(
        "Each organisation's change is its figure in its latest round of the period less its figure in its own previous round, whenever that was. Only organisations that gave the figure in both rounds count, so each row has its own number of organisations; a first round has no change (the previous year's figures asked at a first round are not used)."
    )


def withheld_reason(period_code: str | None, filtered: bool, k: int) -> str:
    """Why a table of the release of the period has no row to draw (too few
    organisations at its k and noise), and what would show more: a year's release
    rather than a quarter's, no filter rather than one."""
    period = parse_period(period_code) if period_code else None
    quarter = period is not None and not period.is_year
    if quarter and filtered:
        return _(
            "Not shown: too few organisations in this quarter with this filter for these figures (at least %(k)d per group, enough to read them through the noise that protects them); the year's release or no filter shows more.",
            k=k,
        )
    if quarter:
        return _(
            "Not shown: too few organisations in this quarter for these figures (at least %(k)d per group, enough to read them through the noise that protects them); the year's release shows more.",
            k=k,
        )
    if filtered:
        return _(
            "Not shown: too few organisations in this period with this filter for these figures (at least %(k)d per group, enough to read them through the noise that protects them); no filter shows more.",
            k=k,
        )
    return _(
        "Not shown: too few organisations in this period for these figures (at least %(k)d per group, enough to read them through the noise that protects them).",
        k=k,
    )
