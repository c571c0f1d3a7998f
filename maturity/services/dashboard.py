"""A centre's dashboard: the tables of one of its stored releases, chosen by period,
questionnaire version and at most the filters a release has a table for. Nothing
here reads an organisation's answers: every figure is a lookup in the release.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from maturity.core import reference
from maturity.core.questionnaire import Questionnaire
from maturity.core.releases import (
    CellView,
    NotPublished,
    VersionTables,
    dashboard,
)
from maturity.services import releases
from maturity.services.questionnaires import NoQuestionnaire, published_version, questionnaire_of

FILTERS = ("section", "size", "province", "city")
SIZES = ("large", "medium", "small", "micro")


@dataclass(frozen=True)
class Filters:
    section: str | None = None
    size: str | None = None
    province: str | None = None
    city: str | None = None

    def as_args(self) -> dict[str, str]:
        return {name: value for name in FILTERS if (value := getattr(self, name))}


def parse_filters(args: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """The filters of the query string; the names of values not understood are
    returned, and those filters are not applied."""
    problems: list[str] = []
    chosen: dict[str, str | None] = {}
    regions = reference.regions()
    sections = {s.code for s in reference.sections()}
    valid: dict[str, Callable[[str], bool]] = {
        "section": lambda v: v in sections,
        "size": lambda v: v in SIZES,
        "province": reference.is_province,
        "city": lambda v: v in regions and not reference.is_province(v),
    }
    for name in FILTERS:
        raw = (args.get(name) or "").strip()
        if not raw:
            chosen[name] = None
        elif valid[name](raw):
            chosen[name] = raw
        else:
            chosen[name] = None
            problems.append(name)
    return Filters(**chosen), problems


@dataclass(frozen=True)
class CentreDashboard:
    """What the dashboard page, its exports and the API show."""

    stored: releases.Stored | None  # None: no release of this centre yet
    periods: list[str]  # the periods with a release, newest first
    version_key: str | None
    versions: list[str]  # the questionnaire versions of the release
    questionnaire: Questionnaire | None
    filters: Filters
    shown: VersionTables | CellView | NotPublished | None
    next_due: date
    problems: list[str] = field(default_factory=list)

    @property
    def k(self) -> int:
        return self.stored.release.k if self.stored else releases.centre_settings().k


def centre_dashboard(centre_id: int, args: Mapping[str, str], today: date) -> CentreDashboard:
    """The centre's dashboard for the period asked (default: its latest release), on
    the version asked (default: the one with the most organisations), filtered."""
    population = releases.centre_population(centre_id)
    periods = releases.periods_of(population)
    problems: list[str] = []
    period = (args.get("period") or "").strip() or None
    if period is not None and period not in periods:
        problems.append("period")
        period = None
    filters, filter_problems = parse_filters(args)
    problems += filter_problems
    asked = (args.get("version") or "").strip() or None
    stored = (
        releases.latest(population, period)
        if period is not None
        else _newest_with_figures(population, asked)
    )
    next_due = releases.next_release_due(today)
    if stored is None:
        return CentreDashboard(None, periods, None, [], None, filters, None, next_due, problems)
    versions = [tables.key for tables in stored.release.versions]
    if asked is not None and asked not in versions:
        problems.append("version")
        asked = None
    version_key = asked or _largest(stored.release.versions)
    questionnaire = _questionnaire(version_key)
    shown = dashboard(stored.release, version_key, **vars(filters)) if version_key else None
    return CentreDashboard(
        stored, periods, version_key, versions, questionnaire, filters, shown, next_due, problems
    )


@dataclass(frozen=True)
class FilterChoices:
    """What each filter's drop-down offers: the values the release publishes a group
    for (at least k organisations), in reference order, and the value chosen."""

    section: tuple[str, ...] = ()
    size: tuple[str, ...] = ()
    province: tuple[str, ...] = ()
    city: tuple[str, ...] = ()


def filter_choices(view: CentreDashboard) -> FilterChoices:
    """The filter values that occur in the shown release's tables (read from its
    published breakdowns, never from the organisations), plus the values chosen. With
    a province chosen, only its cities."""
    occurring: dict[str, set[str]] = {name: set() for name in FILTERS}
    tables = (
        view.stored.release.tables(view.version_key)
        if view.stored is not None and view.version_key is not None
        else None
    )
    for breakdown in tables.breakdowns if tables is not None else ():
        for code, cell in breakdown.cells:
            if not cell.shown or not code:
                continue
            if breakdown.by == "section_size":
                section, size = code.split("/")
                occurring["section"].add(section)
                occurring["size"].add(size)
            elif breakdown.by in occurring:
                occurring[breakdown.by].add(code)
    for name, value in view.filters.as_args().items():
        occurring[name].add(value)
    province = view.filters.province
    cities = sorted(
        c for c in occurring["city"] if province is None or reference.is_city_of(c, province)
    )
    if view.filters.city:
        cities = sorted({*cities, view.filters.city})
    return FilterChoices(
        section=tuple(s.code for s in reference.sections() if s.code in occurring["section"]),
        size=tuple(size for size in SIZES if size in occurring["size"]),
        province=tuple(p.code for p in reference.provinces() if p.code in occurring["province"]),
        city=tuple(cities),
    )


def _newest_with_figures(population: str, version_key: str | None) -> releases.Stored | None:
    """The newest release that shows figures (on the version asked, or any), else the
    newest: a quarter in which few organisations submitted shows "fewer than k"
    everywhere, and a reviewer opening the dashboard wants the latest figures there
    are, with the period said."""
    newest = None
    for stored in releases.newest_first(population):
        newest = newest or stored
        shown = [
            tables
            for tables in stored.release.versions
            if version_key in (None, tables.key) and tables.headline.count is not None
        ]
        if shown:
            return stored
    return newest


def _largest(versions: tuple[VersionTables, ...]) -> str | None:
    """The version most organisations answered (ties: the newest listed)."""
    if not versions:
        return None
    return max(versions, key=lambda v: (v.headline.count or 0, v.version)).key


def _questionnaire(version_key: str | None) -> Questionnaire | None:
    if version_key is None:
        return None
    row = published_version(version_key)
    if row is None:
        raise NoQuestionnaire()
    return questionnaire_of(row)
