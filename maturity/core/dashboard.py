"""A centre's dashboard, the pure part: which filters a query may have, the raw
figures an engine computes for the filtered group, and what of them is published.

The engines (``services.dashboard``: NumPy on SQLite, aggregates in PostgreSQL)
compute ``RawStats``, every figure as a ``Cell`` that knows the sum of its
organisations' record keys; ``present`` adjusts each figure by its cell key
(``core.disclosure``), withholds what concerns fewer than k organisations and
applies complementary suppression (``core.suppression``). Pages, charts, exports and
the API all show its result, and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from maturity.core import reference
from maturity.core.disclosure import (
    LEVEL_BOUND,
    SCORE_BOUND,
    Cell,
    publish_count,
    publish_mean,
    publish_quantile,
)
from maturity.core.periods import FIRST_DAY, LAST_DAY, Period, parse_period, widened
from maturity.core.questionnaire import Questionnaire
from maturity.core.suppression import suppressed_cells

WEAKEST_SHOWN = 5
BREAKDOWNS = ("size_class", "industry_section", "province_code")
OVERALL = "overall"


@dataclass(frozen=True)
class Filters:
    questionnaire_version_id: int
    industry_section: str | None = None
    size_class: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    period_from: date | None = None  # always the first day of a quarter
    period_to: date | None = None  # always the last day of a quarter

    @property
    def period(self) -> Period | None:
        if self.period_from is None or self.period_to is None:
            return None
        return Period(self.period_from, self.period_to)


def parse_filters(
    args: Mapping[str, str], questionnaire_version_id: int
) -> tuple[Filters, list[str]]:
    """Filters from query parameters; the names of values not understood are returned
    as problems, and those filters are not applied.

    The period is ``period`` (``2026`` or ``2026-Q3``), or ``from``/``to`` dates, which
    are widened to whole quarters."""
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
            found = date.fromisoformat(raw)
        except ValueError:
            problems.append(name)
            return None
        if not FIRST_DAY <= found <= LAST_DAY:
            problems.append(name)
            return None
        return found

    section = args.get("section") or None
    size = args.get("size") or None
    province = args.get("province") or None
    city = args.get("city") or None
    industries = reference.industries()
    # Both dates are checked even when a period is given, so that a bad date is
    # always reported rather than silently ignored.
    first, last = day("from"), day("to")
    period: Period | None = None
    if (args.get("period") or "").strip():
        period = parse_period(args["period"])
        if period is None:
            problems.append("period")
    else:
        period = widened(first, last)
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
        period_from=period.first if period else None,
        period_to=period.last if period else None,
    )
    return filters, problems


@dataclass(frozen=True)
class Spread:
    """A measure's cell (its total is the sum of the scores) and its quartiles."""

    cell: Cell
    q1: float
    median: float
    q3: float


@dataclass
class RawStats:
    """Unpublished figures of the filtered group, however they were computed."""

    organisations: Cell
    assessments: Cell  # every submitted round, not only the latest
    measures: dict[str, Spread]  # OVERALL or a dimension id
    levels: dict[str, dict[int, Cell]]  # OVERALL or a dimension id → level → organisations
    practices: list[Cell]  # per question in order: answered (not N/A), sum of levels
    progress: dict[str, Cell]  # per dimension: organisations with a change, sum of changes
    breakdowns: dict[str, dict[str, Cell]]  # by → value → organisations, sum of overall index
    # Per outcome figure in order: organisations with a change since their previous
    # round, sum of the changes.
    outcome_changes: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class Measure:
    key: str  # OVERALL or a dimension id
    count: int
    mean: float
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class Distribution:
    key: str
    counts: dict[int, int | None]  # level → organisations; None = not published
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
class OutcomeChange:
    outcome_id: str
    count: int | None
    mean_change: float | None


@dataclass(frozen=True)
class Breakdown:
    by: str  # one of BREAKDOWNS
    rows: list[tuple[str, int | None, float | None]]  # (value, organisations, mean overall)
    total: int | None


@dataclass
class Dashboard:
    """What is published: every count and mean adjusted by its cell key; None where
    fewer than k organisations stand behind a figure."""

    min_cohort: int
    organisations: int | None
    assessments: int | None
    shown: bool
    measures: list[Measure] = field(default_factory=list)
    distributions: list[Distribution] = field(default_factory=list)
    weakest: list[Practice] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    outcomes: list[OutcomeChange] = field(default_factory=list)

    @property
    def overall(self) -> Measure | None:
        """The overall index's published measure (None when withheld)."""
        return next((m for m in self.measures if m.key == OVERALL), None)


def _published_measure(key: str, spread: Spread, k: int) -> Measure | None:
    count = publish_count(spread.cell, k)
    mean = publish_mean(spread.cell, key, SCORE_BOUND, 0, 100, k)
    quartiles = [
        publish_quantile(value, spread.cell, f"{name}:{key}", SCORE_BOUND, 0, 100, k)
        for name, value in (("q1", spread.q1), ("median", spread.median), ("q3", spread.q3))
    ]
    if count is None or mean is None or None in quartiles:
        return None
    q1, median, q3 = sorted(q for q in quartiles if q is not None)
    return Measure(key, count, mean, q1, median, q3)


def _published_distribution(key: str, cells: dict[int, Cell], k: int) -> Distribution | None:
    total = publish_count(
        Cell(sum(c.count for c in cells.values()), sum(c.keys for c in cells.values())), k
    )
    if total is None:
        return None
    hidden = suppressed_cells({level: cell.count for level, cell in cells.items()}, k)
    counts: dict[int, int | None] = {}
    for level, cell in cells.items():
        if level in hidden:
            counts[level] = None
        elif cell.count == 0:
            counts[level] = 0  # nobody: nothing to protect
        else:
            counts[level] = publish_count(cell, k)
    return Distribution(key, counts, total)


def weakest_practices(
    questionnaire: Questionnaire, practices: list[Cell], k: int
) -> list[Practice]:
    """The practices with the lowest published mean level among those answered (not
    "not applicable") by at least k organisations; ties by question id."""
    shown = []
    for question, cell in zip(questionnaire.questions, practices, strict=True):
        count = publish_count(cell, k)
        mean = publish_mean(cell, f"practice:{question.id}", LEVEL_BOUND, 0, 5, k)
        if count is not None and mean is not None:
            shown.append(Practice(question.id, question.dimension_id, count, mean))
    return sorted(shown, key=lambda p: (p.mean, p.question_id))[:WEAKEST_SHOWN]


SIZE_ORDER = {size.value: position for position, size in enumerate(reference.SizeClass)}


def _breakdown_order(by: str, value: str) -> tuple[int, str]:
    """Size classes from large to micro (大, 中, 小, 微); other breakdowns by code."""
    if by == "size_class":
        return SIZE_ORDER.get(value, len(SIZE_ORDER)), value
    return 0, value


def _published_breakdown(by: str, groups: dict[str, Cell], total: int | None, k: int) -> Breakdown:
    hidden = suppressed_cells({value: cell.count for value, cell in groups.items()}, k)
    rows: list[tuple[str, int | None, float | None]] = []
    for value in sorted(groups, key=lambda value: _breakdown_order(by, value)):
        cell = groups[value]
        count = None if value in hidden else publish_count(cell, k)
        mean = (
            None if count is None else publish_mean(cell, f"{by}:{value}", SCORE_BOUND, 0, 100, k)
        )
        rows.append((value, count, mean))
    return Breakdown(by, rows, total)


def present(raw: RawStats, questionnaire: Questionnaire, min_cohort: int) -> Dashboard:
    """Publish the raw figures: adjusted by their cell keys, withheld under k."""
    k = min_cohort
    organisations = publish_count(raw.organisations, k)
    dashboard = Dashboard(
        k, organisations, publish_count(raw.assessments, k), organisations is not None
    )
    if not dashboard.shown:
        return dashboard
    for key, spread in raw.measures.items():
        measure = _published_measure(key, spread, k)
        if measure is not None:
            dashboard.measures.append(measure)
    for key, cells in raw.levels.items():
        distribution = _published_distribution(key, cells, k)
        if distribution is not None:
            dashboard.distributions.append(distribution)
    dashboard.weakest = weakest_practices(questionnaire, raw.practices, k)
    for dimension in questionnaire.dimensions:
        cell = raw.progress[dimension.id]
        count = publish_count(cell, k)
        mean = publish_mean(cell, f"progress:{dimension.id}", SCORE_BOUND, -100, 100, k)
        shown = count is not None and mean is not None
        dashboard.progress.append(
            Progress(dimension.id, count if shown else None, mean if shown else None)
        )
    for by in BREAKDOWNS:
        dashboard.breakdowns.append(_published_breakdown(by, raw.breakdowns[by], organisations, k))
    for item, cell in zip(questionnaire.outcomes, raw.outcome_changes, strict=True):
        # One organisation's change moves at most across the figure's range.
        count = publish_count(cell, k)
        mean = publish_mean(cell, f"outcome:{item.id}", item.span / 2, -item.span, item.span, k)
        shown = count is not None and mean is not None
        dashboard.outcomes.append(
            OutcomeChange(item.id, count if shown else None, mean if shown else None)
        )
    return dashboard
