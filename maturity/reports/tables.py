"""A centre dashboard as titled tables and charts of a release's published figures.

Pages, CSV, XLSX, the PDF summary and the API are all written from these tables, so
an export holds exactly what the page shows, and hides exactly what the release
withholds (a group of fewer than k organisations is "fewer than k", never a count).
Each table says, in its notes, why a figure is withheld and why its rows need not
add up to its total; a breakdown's total is the release's own figure for all the
organisations, never a sum of its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from flask_babel import gettext as _

from maturity.core.questionnaire import Questionnaire
from maturity.core.releases import Cell, CellView, Measure, VersionTables, weakest_practices
from maturity.reports.words import (
    breakdown_label,
    outcomes_note,
    progress_note,
    total_note,
    withheld_reason,
)
from maturity.services.dashboard import CentreDashboard

TableCell = str | int | float | None
Direction = Literal["higher", "lower"]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[TableCell]]
    signed: frozenset[int] = frozenset()  # columns of changes, shown with their sign
    notes: tuple[str, ...] = ()  # said under the table, and after its rows in exports
    # Per row, which way its changes are good (a cost falling is); "higher" if not given.
    better: tuple[Direction, ...] = ()
    # The columns whose figures make a row worth drawing, and how many rows at the end
    # are totals; a table with no such figure outside its totals is not drawn.
    figures: frozenset[int] = frozenset()
    totals: int = 0
    # Why the table is not drawn (said in its place, on the page and in every export).
    withheld: str | None = None
    # Decimal places of a figure: per column (default 1); of a change, per row if given.
    column_places: tuple[tuple[int, int], ...] = ()
    row_places: tuple[int, ...] = ()

    def places(self, row: int, column: int) -> int:
        if column in self.signed and row < len(self.row_places):
            return self.row_places[row]
        return dict(self.column_places).get(column, 1)

    def publishable(self) -> bool:
        """Whether a row other than the totals holds a figure of the figure columns."""
        rows = self.rows[: len(self.rows) - self.totals]
        numbers = (row[c] for row in rows for c in self.figures if c < len(row))
        return not self.figures or any(isinstance(n, int | float) for n in numbers)

    def tone(self, row: int, column: int) -> Literal["good", "bad"] | None:
        """Whether a change is good or bad, by its figure's direction; None where the
        column holds no change or the cell no change (none, zero or withheld)."""
        value = self.rows[row][column]
        if column not in self.signed or isinstance(value, str | bool) or not value:
            return None
        better = self.better[row] if row < len(self.better) else "higher"
        return "good" if (value > 0) == (better == "higher") else "bad"


@dataclass(frozen=True)
class Chart:
    """Horizontal bars on a zero-based axis up to ``maximum``; None: not shown."""

    key: str
    title: str
    bars: list[tuple[str, float | None]]
    maximum: float
    places: int = 1


def dashboard_charts(view: CentreDashboard, locale: str) -> list[Chart]:
    """The page's and the PDF's charts: mean scores, overall levels, weakest practices."""
    tables, questionnaire = view.shown, view.questionnaire
    if not isinstance(tables, VersionTables) or questionnaire is None:
        return []
    measures = [tables.headline, *tables.dimensions]
    charts = [
        Chart(
            "means",
            _("Mean scores"),
            [(_measure_label(m.key, questionnaire, locale), m.mean) for m in measures],
            100,
        )
    ]
    overall = next((d for d in tables.levels if d.key == "overall"), None)
    if overall is not None and any(n is not None for n in overall.counts):
        charts.append(
            Chart(
                "levels",
                _("Distribution of overall levels"),
                [
                    (f"{level.value} · {level.label.get(locale)}", overall.counts[level.value])
                    for level in questionnaire.levels
                ],
                max((n or 0) for n in overall.counts) or 1,
                0,
            )
        )
    assert view.stored is not None and view.version_key is not None
    weakest = weakest_practices(view.stored.release, view.version_key)
    if weakest:
        charts.append(
            Chart(
                "weakest",
                _("Weakest practices"),
                [
                    (questionnaire.question(p.question_id).title.get(locale), p.mean)
                    for p in weakest
                ],
                5,
                2,
            )
        )
    return charts


def _measure_label(key: str, questionnaire: Questionnaire, locale: str) -> str:
    return _("Overall") if key == "overall" else questionnaire.dimension(key).label.get(locale)


def hidden() -> str:
    return _("hidden")


def fewer_than(k: int) -> str:
    return _("fewer than %(k)d", k=k)


def _rounded(value: float | None, places: int = 1) -> TableCell:
    return None if value is None else round(value, places)


BREAKDOWN_TITLES = {
    "section": lambda: _("By industry section"),
    "size": lambda: _("By size class"),
    "province": lambda: _("By province"),
    "city": lambda: _("By city"),
    "section_size": lambda: _("By industry section and size class"),
}


def build_tables(view: CentreDashboard, locale: str) -> list[Table]:
    """The tables the dashboard shows for its release, version and filters, each
    with the notes that explain its marks, or the sentence that says why it is not
    drawn at all."""
    reason = withheld_reason(
        view.stored.row.period if view.stored is not None else None,
        bool(view.filters.as_args()),
        view.k,
    )
    return [
        explained(table, view.k)
        if table.withheld is not None or table.publishable()
        else replace(table, withheld=reason, notes=())
        for table in _build_tables(view, locale)
    ]


def explained(table: Table, k: int) -> Table:
    """The table with a note for each mark its rows hold: why a group is not shown,
    why a figure is withheld."""
    cells = {cell for row in table.rows for cell in row[1:] if isinstance(cell, str)}
    notes = list(table.notes)
    if fewer_than(k) in cells:
        notes.append(
            _(
                "“%(mark)s”: a group too small to show; its count and its figures are withheld to protect its organisations.",
                mark=fewer_than(k),
            )
        )
    if hidden() in cells:
        notes.append(
            _(
                "“%(mark)s”: too few organisations for this figure to be read through the noise that protects them; it is withheld.",
                mark=hidden(),
            )
        )
    return replace(table, notes=tuple(notes))


def _build_tables(view: CentreDashboard, locale: str) -> list[Table]:
    k = view.k
    shown, questionnaire = view.shown, view.questionnaire

    def count(value: int | None) -> TableCell:
        """A count of a group: "fewer than k" under k, never 1 to k - 1."""
        return fewer_than(k) if value is None else value

    def mean(group: int | None, value: float | None, places: int = 1) -> TableCell:
        """A group's mean; "hidden" where the group is shown but too small for the
        mean to read through the noise."""
        if value is None:
            return None if group is None else hidden()
        return round(value, places)

    def cell_row(label: str, cell: Cell | Measure) -> list[TableCell]:
        return [label, count(cell.count), mean(cell.count, cell.mean)]

    if isinstance(shown, CellView):
        assert view.stored is not None and view.version_key is not None
        whole = view.stored.release.tables(view.version_key)
        rows = [cell_row(breakdown_label(shown.table, shown.code, locale), shown.figures)]
        if whole is not None:
            rows.append(cell_row(_("Total"), whole.headline))
        return [
            Table(
                "cell",
                _("Organisations and mean overall index"),
                ["", _("Organisations"), _("Mean overall index")],
                rows,
                notes=(total_note(_("Total")),) if whole is not None else (),
                figures=frozenset({1, 2}),
                totals=len(rows) - 1,
            )
        ]
    if not isinstance(shown, VersionTables) or questionnaire is None:
        return []
    headline: list[TableCell] = [count(shown.headline.count), count(shown.assessments)]
    columns = [_("Organisations"), _("Assessments")]
    if shown.headline.mean is not None:  # the card's figure, where the release publishes it
        headline.append(round(shown.headline.mean, 1))
        columns.append(_("Mean overall index"))
    tables = [Table("headline", _("Organisations and assessments"), columns, [headline])]

    def measure_row(measure: Measure) -> list[TableCell]:
        if measure.quartiles is not None:
            spread: list[TableCell] = [_rounded(q) for q in measure.quartiles]
        else:
            # Shown group, quartiles withheld: too small to read them through the noise.
            spread = [None if measure.count is None else hidden()] * 3
        return [
            _measure_label(measure.key, questionnaire, locale),
            count(measure.count),
            mean(measure.count, measure.mean),
            *spread,
        ]

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
            [measure_row(m) for m in (shown.headline, *shown.dimensions)],
            figures=frozenset({2, 3, 4, 5}),
        )
    )
    level_names = [f"{lv.value} · {lv.label.get(locale)}" for lv in questionnaire.levels]
    tables.append(
        Table(
            "levels",
            _("Distribution of levels (organisations)"),
            [_("Measure"), *level_names, _("Total")],
            [
                [
                    _measure_label(d.key, questionnaire, locale),
                    *(hidden() if n is None else n for n in d.counts),
                    count(d.total),
                ]
                for d in shown.levels
            ],
            figures=frozenset(range(1, len(level_names) + 1)),
        )
    )
    assert view.stored is not None and view.version_key is not None
    weakest = weakest_practices(view.stored.release, view.version_key)
    tables.append(
        Table(
            "weakest",
            _("Weakest practices (lowest mean level)"),
            [_("Practice"), _("Dimension"), _("Organisations"), _("Mean level (0–5)")],
            [
                [
                    questionnaire.question(p.question_id).title.get(locale),
                    questionnaire.dimension(p.dimension_id).label.get(locale),
                    count(p.count),
                    _rounded(p.mean, 2),
                ]
                for p in weakest
            ],
            column_places=((3, 2),),
            withheld=None
            if weakest
            else _(
                "Too few organisations for practice levels to read through the noise: they are shown from a few hundred."
            ),
        )
    )
    tables.append(
        Table(
            "progress",
            _("Progress between rounds (organisations with two or more)"),
            [_("Measure"), _("Organisations"), _("Mean change of score since the previous round")],
            [
                [
                    _measure_label(p.key, questionnaire, locale),
                    count(p.count),
                    mean(p.count, p.mean_change),
                ]
                for p in shown.progress
            ],
            signed=frozenset({2}),
            notes=(progress_note(),),
            figures=frozenset({2}),
        )
    )
    asked = {item.id: item for item in questionnaire.outcomes}
    outcomes = [(o, asked[o.outcome_id]) for o in shown.outcomes if o.outcome_id in asked]
    if outcomes:
        tables.append(
            Table(
                "outcomes",
                _("Change of business results between rounds"),
                [
                    _("Figure"),
                    _("Unit"),
                    _("Which way is better"),
                    _("Organisations"),
                    _("Mean change since the previous round"),
                ],
                [
                    [
                        item.label.get(locale),
                        item.unit.get(locale),
                        _("higher is better") if item.better == "higher" else _("lower is better"),
                        count(o.count),
                        mean(o.count, o.mean_change, item.decimals),
                    ]
                    for o, item in outcomes
                ],
                signed=frozenset({4}),
                notes=(outcomes_note(),),
                better=tuple(item.better for _o, item in outcomes),
                figures=frozenset({4}),
                row_places=tuple(item.decimals for _o, item in outcomes),
            )
        )
    for breakdown in shown.breakdowns:
        tables.append(
            Table(
                breakdown.by,
                BREAKDOWN_TITLES[breakdown.by](),
                ["", _("Organisations"), _("Mean overall index")],
                [
                    *(
                        cell_row(breakdown_label(breakdown.by, code, locale), cell)
                        for code, cell in breakdown.cells
                    ),
                    cell_row(_("Total"), shown.headline),
                ],
                notes=(
                    _("Groups not listed have fewer than %(k)d organisations.", k=k),
                    total_note(_("Total")),
                ),
                figures=frozenset({1, 2}),
                totals=1,
            )
        )
    verified = shown.verified
    if verified.count is not None:
        tables.append(
            Table(
                "verified",
                _("Verified rounds"),
                [
                    _("Organisations"),
                    _("Share of the organisations"),
                    _("Mean verified overall index"),
                ],
                [
                    [
                        verified.count,
                        None if verified.share is None else f"{verified.share:.0%}",
                        mean(verified.count, verified.mean_index),
                    ]
                ],
            )
        )
    return tables
