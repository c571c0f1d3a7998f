"""The dashboard as titled tables of already-suppressed values.

Pages, CSV, XLSX and the PDF summary are all written from these tables, so an
export holds exactly what the page shows (and hides exactly what it hides).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from maturity.core import reference
from maturity.core.dashboard import Dashboard
from maturity.core.periods import Period
from maturity.core.questionnaire import Questionnaire

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    signed: frozenset[int] = frozenset()  # columns of changes, shown with their sign


@dataclass(frozen=True)
class Chart:
    """Horizontal bars on a zero-based axis up to ``maximum``; None: not shown."""

    key: str
    title: str
    bars: list[tuple[str, float | None]]
    maximum: float
    places: int = 1


def dashboard_charts(
    dashboard: Dashboard, questionnaire: Questionnaire, locale: str
) -> list[Chart]:
    """The page's and the PDF's charts: mean scores, overall levels, weakest practices."""
    if not dashboard.shown:
        return []
    charts = [
        Chart(
            "means",
            _("Mean scores"),
            [
                (
                    _("Overall")
                    if m.key == "overall"
                    else questionnaire.dimension(m.key).label.get(locale),
                    m.mean,
                )
                for m in dashboard.measures
            ],
            100,
        )
    ]
    overall = next((d for d in dashboard.distributions if d.key == "overall"), None)
    if overall is not None:
        charts.append(
            Chart(
                "levels",
                _("Distribution of overall levels"),
                [
                    (f"{level.value} · {level.label.get(locale)}", overall.counts[level.value])
                    for level in questionnaire.levels
                ],
                max((n or 0) for n in overall.counts.values()) or 1,
                0,
            )
        )
    if dashboard.weakest:
        charts.append(
            Chart(
                "weakest",
                _("Weakest practices"),
                [
                    (questionnaire.question(p.question_id).title.get(locale), p.mean)
                    for p in dashboard.weakest
                ],
                5,
                2,
            )
        )
    return charts


def hidden() -> str:
    return _("hidden")


def fewer_than(k: int) -> str:
    return _("fewer than %(k)d", k=k)


def period_label(period: Period) -> str:
    """A year ("2026"), a quarter ("Q3 2026") or a span of quarters, in words."""

    def quarter_label(day: date) -> str:
        return _("Q%(quarter)d %(year)d", quarter=(day.month - 1) // 3 + 1, year=day.year)

    code = period.code
    if "-Q" not in code:
        return _("%(year)d", year=period.first.year)
    if ".." not in code:
        return quarter_label(period.first)
    return _(
        "%(first)s to %(last)s", first=quarter_label(period.first), last=quarter_label(period.last)
    )


def build_tables(dashboard: Dashboard, questionnaire: Questionnaire, locale: str) -> list[Table]:
    def label(key: str) -> str:
        return _("Overall") if key == "overall" else questionnaire.dimension(key).label.get(locale)

    def rounded(value: float | None, places: int = 1) -> Cell:
        return None if value is None else round(value, places)

    def headcount(count: int | None) -> Cell:
        """A count of a whole group: withheld under k, never shown as 1 to k - 1."""
        return fewer_than(dashboard.min_cohort) if count is None else count

    tables = [
        Table(
            "headline",
            _("Organisations and assessments"),
            [_("Organisations"), _("Assessments")],
            [[headcount(dashboard.organisations), headcount(dashboard.assessments)]],
        )
    ]
    if not dashboard.shown:
        return tables
    tables.append(
        Table(
            "scores",
            _("Scores (0–100)"),
            [
                _("Measure"),
                _("Organisations"),
                _("Mean"),
                _("Lower quartile"),
                _("Median"),
                _("Upper quartile"),
            ],
            [
                [
                    label(m.key),
                    m.count,
                    rounded(m.mean),
                    rounded(m.q1),
                    rounded(m.median),
                    rounded(m.q3),
                ]
                for m in dashboard.measures
            ],
        )
    )
    level_names = [f"{lv.value} · {lv.label.get(locale)}" for lv in questionnaire.levels]
    tables.append(
        Table(
            "levels",
            _("Distribution of levels (organisations)"),
            [_("Measure"), *level_names, _("Total")],
            [
                [label(d.key), *(hidden() if n is None else n for n in d.counts.values()), d.total]
                for d in dashboard.distributions
            ],
        )
    )
    tables.append(
        Table(
            "weakest",
            _("Weakest practices (lowest mean level)"),
            [_("Practice"), _("Dimension"), _("Organisations"), _("Mean level (0–5)")],
            [
                [
                    questionnaire.question(p.question_id).title.get(locale),
                    questionnaire.dimension(p.dimension_id).label.get(locale),
                    p.count,
                    rounded(p.mean, 2),
                ]
                for p in dashboard.weakest
            ],
        )
    )
    tables.append(
        Table(
            "progress",
            _("Progress between rounds (organisations with two or more)"),
            [_("Dimension"), _("Organisations"), _("Mean change of score")],
            [
                [
                    label(p.dimension_id),
                    hidden() if p.count is None else p.count,
                    rounded(p.mean_delta),
                ]
                for p in dashboard.progress
            ],
            signed=frozenset({2}),
        )
    )
    if questionnaire.outcomes:
        tables.append(
            Table(
                "outcomes",
                _("Change of business results between rounds"),
                [_("Figure"), _("Unit"), _("Organisations"), _("Mean change")],
                [
                    [
                        questionnaire.outcome(o.outcome_id).label.get(locale),
                        questionnaire.outcome(o.outcome_id).unit.get(locale),
                        hidden() if o.count is None else o.count,
                        rounded(o.mean_change, questionnaire.outcome(o.outcome_id).decimals),
                    ]
                    for o in dashboard.outcomes
                ],
                signed=frozenset({3}),
            )
        )
    names = {
        "size_class": (_("By size class"), lambda v: reference.size_class_label(v, locale)),
        "industry_section": (
            _("By industry section"),
            lambda v: reference.industries()[v].name(locale),
        ),
        "province_code": (_("By province"), lambda v: reference.regions()[v].name(locale)),
    }
    for breakdown in dashboard.breakdowns:
        title, name = names[breakdown.by]
        tables.append(
            Table(
                breakdown.by,
                title,
                ["", _("Organisations"), _("Mean overall index")],
                [
                    [name(value), hidden() if count is None else count, rounded(mean)]
                    for value, count, mean in breakdown.rows
                ]
                + [[_("Total"), headcount(breakdown.total), None]],
            )
        )
    return tables


def method_note(url: str) -> str:
    return _(
        "Figures are consistently adjusted and small groups withheld to protect each organisation; how and how accurately: %(url)s",
        url=url,
    )


def to_csv(tables: list[Table], note: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([note])
    writer.writerow([])
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([["" if c is None else c for c in row] for row in table.rows])
        writer.writerow([])
    return "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly


def to_xlsx(tables: list[Table], note: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet
    sheet.title = "dashboard"
    sheet.append([note])
    sheet.append([])
    for table in tables:
        sheet.append([table.title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
        sheet.append([])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
