"""A centre's dashboard, the pure part: which filters a query may have, the raw
figures an engine computes for the filtered group, and what of them may be shown.

The engines (``services.dashboard``: NumPy on SQLite, aggregates in PostgreSQL)
compute ``RawStats``; ``present`` applies the disclosure rules of
``core.suppression`` and returns the ``Dashboard`` that pages, exports and the API
all show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from maturity.core import reference
from maturity.core.questionnaire import LEVEL_VALUES, Questionnaire
from maturity.core.suppression import group_shown, suppressed_cells

WEAKEST_SHOWN = 5
BREAKDOWNS = ("size_class", "industry_section", "province_code")
# Periods lie in this range; a date outside it is not understood (and never reaches
# date arithmetic that overflows at the end of year 9999).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


@dataclass(frozen=True)
class Filters:
    questionnaire_version_id: int
    industry_section: str | None = None
    size_class: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    period_from: date | None = None
    period_to: date | None = None


def parse_filters(
    args: Mapping[str, str], questionnaire_version_id: int
) -> tuple[Filters, list[str]]:
    """Filters from query parameters; the names of unknown values are returned as
    problems, and those filters are not applied."""
    problems: list[str] = []
    args = {name: value for name, value in args.items() if isinstance(value, str)}

    def code(name: str, valid: bool) -> str | None:
        value = (args.get(name) or "").strip() or None
        if value is not None and not valid:
            problems.append(name)
            return None
        return value

    def day(name: str) -> date | None:
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            problems.append(name)
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            problems.append(name)
            return None
        return day

    section = args.get("section") or None
    size = args.get("size") or None
    province = args.get("province") or None
    city = args.get("city") or None
    industries = reference.industries()
    filters = Filters(
        questionnaire_version_id=questionnaire_version_id,
        industry_section=code(
            "section",
            section is None or (section in industries and industries[section].is_section),
        ),
        size_class=code("size", size is None or size in {s.value for s in reference.SizeClass}),
        province_code=code("province", province is None or reference.is_province(province)),
        # A city and a province that do not match are no error: nobody is in both.
        city_code=code("city", city is None or reference.is_city(city)),
        period_from=day("from"),
        period_to=day("to"),
    )
    return filters, problems


@dataclass(frozen=True)
class Measure:
    key: str  # "overall" or a dimension id
    count: int
    mean: float
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Distribution:
    key: str
    counts: dict[int, int | None]  # level → organisations; None = suppressed
    total: int


@dataclass(frozen=True)
class Practice:
    question_id: str
    dimension_id: str
    count: int
    mean: float


@dataclass(frozen=True)
class Progress:
    dimension_id: str
    count: int | None
    mean_delta: float | None


@dataclass(frozen=True)
class Breakdown:
    by: str  # one of BREAKDOWNS
    rows: list[tuple[str, int | None, float | None]]  # (value, organisations, mean overall)
    total: int


@dataclass
class RawStats:
    """Unsuppressed figures of the filtered group, however they were computed."""

    organisations: int
    assessments: int
    measures: dict[str, Measure]  # "overall" or a dimension id
    levels: dict[str, dict[int, int]]  # "overall" or a dimension id → level → organisations
    practices: list[tuple[int, float]]  # per question in order: answered, sum of values
    progress: dict[str, tuple[int, float | None]]  # dimension: organisations, mean delta
    breakdowns: dict[str, dict[str, tuple[int, float | None]]]  # by: value: count, mean overall


@dataclass
class Dashboard:
    min_cohort: int
    organisations: int
    assessments: int
    shown: bool
    measures: list[Measure] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    weakest: list[Practice] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)


def empty_levels() -> dict[int, int]:
    return {level: 0 for level in LEVEL_VALUES}


def weakest_practices(
    questionnaire: Questionnaire, practices: list[tuple[int, float]], min_cohort: int
) -> list[Practice]:
    """The practices with the lowest mean level among those answered (not "not
    applicable") by at least k organisations; ties by question id."""
    shown = [
        Practice(q.id, q.dimension_id, answered, total / answered)
        for q, (answered, total) in zip(questionnaire.questions, practices, strict=True)
        if group_shown(answered, min_cohort)
    ]
    return sorted(shown, key=lambda p: (p.mean, p.question_id))[:WEAKEST_SHOWN]


def present(raw: RawStats, questionnaire: Questionnaire, min_cohort: int) -> Dashboard:
    """Apply the k-anonymity rules (core.suppression) to the raw figures."""
    dashboard = Dashboard(
        min_cohort, raw.organisations, raw.assessments, group_shown(raw.organisations, min_cohort)
    )
    if not dashboard.shown:
        return dashboard
    dashboard.measures = [m for m in raw.measures.values() if group_shown(m.count, min_cohort)]
    for key, counts in raw.levels.items():
        total = sum(counts.values())
        if group_shown(total, min_cohort):
            hidden = suppressed_cells(counts, min_cohort)
            dashboard.distributions.append(
                Distribution(
                    key, {lv: (None if lv in hidden else n) for lv, n in counts.items()}, total
                )
            )
    dashboard.weakest = weakest_practices(questionnaire, raw.practices, min_cohort)
    for dimension in questionnaire.dimensions:
        count, mean = raw.progress[dimension.id]
        shown = group_shown(count, min_cohort)
        dashboard.progress.append(
            Progress(dimension.id, count if shown else None, mean if shown else None)
        )
    for by in BREAKDOWNS:
        groups = raw.breakdowns[by]
        hidden_values = suppressed_cells({v: n for v, (n, _mean) in groups.items()}, min_cohort)
        rows: list[tuple[str, int | None, float | None]] = [
            (value, None, None)
            if value in hidden_values
            else (value, groups[value][0], groups[value][1])
            for value in sorted(groups)
        ]
        dashboard.breakdowns.append(Breakdown(by, rows, raw.organisations))
    return dashboard
