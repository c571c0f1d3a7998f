"""The dashboard's figures computed by PostgreSQL: two aggregate queries at the
same time on two connections sharing one snapshot."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any

from sqlalchemy import Connection, RowMapping, text

from maturity.core.dashboard import BREAKDOWNS, OVERALL, Filters, RawStats, Spread
from maturity.core.disclosure import Cell
from maturity.core.questionnaire import LEVEL_VALUES, Questionnaire
from maturity.extensions import db
from maturity.services.dashboard.rows import day_after, day_start, series

# The second query of each dashboard runs here, beside the first.
_QUERY_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dashboard-query")


def stats_in_database(centre_id: int, questionnaire: Questionnaire, filters: Filters) -> RawStats:
    """PostgreSQL: two aggregate queries over the summary rows, run at the same time
    on two connections that share one snapshot (so their figures agree exactly).

    The first adds up, in one pass without grouping, the figures of the latest rows:
    means and quartiles (its ordered aggregates sort, on one core), practice sums,
    changes between rounds, each count with its cell's key sum (core.disclosure). The
    second, on the other core, groups the rows by grouping sets: by size, section and
    province for the breakdowns, by the combination of the level columns for the level
    distributions, and by the pattern of "not applicable" answers for how many answered
    each practice; (without a period) each set by whether a round is the latest, which
    counts every round. Every column is labelled, and the figures are read back by
    those labels."""
    params: dict[str, Any] = {"centre": centre_id, "version": filters.questionnaire_version_id}
    # The centre's organisations: the summary's centre_ids (kept by the database from
    # the accepted registrations) rather than a join with a million registrations.
    conditions = [
        "s.centre_ids @> ARRAY[CAST(:centre AS integer)]",
        "s.questionnaire_version_id = :version",
    ]
    for column, name, value in (
        ("industry_section", "section", filters.industry_section),
        ("size_class", "size", filters.size_class),
        ("province_code", "province", filters.province_code),
        ("city_code", "city", filters.city_code),
    ):
        if value:
            conditions.append(f"s.{column} = :{name}")
            params[name] = value
    if filters.period_from:
        conditions.append("s.submitted_at >= :period_from")
        params["period_from"] = day_start(filters.period_from)
    if filters.period_to:
        conditions.append("s.submitted_at < :period_to")
        params["period_to"] = day_after(filters.period_to)
    rows_in_filter = f"FROM result_summary s WHERE {' AND '.join(conditions)}"
    period = bool(filters.period_from or filters.period_to)
    if period:
        # The latest round within the period of each organisation.
        latest_rows = (
            f"FROM (SELECT DISTINCT ON (s.organisation_id) s.* {rows_in_filter} "
            "ORDER BY s.organisation_id, s.round DESC) AS s"
        )
    else:
        latest_rows = f"{rows_in_filter} AND s.is_latest"
    columns = series(questionnaire)

    # A series that every organisation has (a dimension with a question that cannot be
    # "not applicable", and then the overall index) needs no count or key sum of its
    # own: its cell is the group's.
    everyone = {
        key
        for key, _score, _level in columns
        if key == OVERALL or questionnaire.always_assessed(key)
    }
    if not everyone - {OVERALL}:
        everyone.discard(OVERALL)

    sums = {"organisations": "count(*)", "organisations_keys": "sum(s.record_key)"}
    for key, score, _level in columns:
        sums[f"{score}_sum"] = f"sum(s.{score})"
        sums[f"{score}_quartiles"] = (
            f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY s.{score})"
        )
        if key not in everyone:
            sums[f"{score}_count"] = f"count(s.{score})"
            sums[f"{score}_count_keys"] = f"sum(s.record_key) FILTER (WHERE s.{score} IS NOT NULL)"
    for position in range(1, len(questionnaire.questions) + 1):
        sums[f"answer_{position}_sum"] = f"sum(s.answer_{position})"
    for position in range(1, len(questionnaire.dimensions) + 1):
        delta = f"s.delta_{position}"
        sums[f"delta_{position}"] = f"count({delta})"
        sums[f"delta_{position}_sum"] = f"sum({delta})"
        sums[f"delta_{position}_keys"] = f"sum(s.record_key) FILTER (WHERE {delta} IS NOT NULL)"
    for position in range(1, len(questionnaire.outcomes) + 1):
        change = f"s.outcome_change_{position}"
        sums[f"outcome_change_{position}"] = f"count({change})"
        sums[f"outcome_change_{position}_sum"] = f"sum({change})"
        sums[f"outcome_change_{position}_keys"] = (
            f"sum(s.record_key) FILTER (WHERE {change} IS NOT NULL)"
        )
    figures_query = (
        f"SELECT {', '.join(f'{sql} AS {label}' for label, sql in sums.items())} {latest_rows}"
    )

    # Grouping sets; GROUPING(columns) is 0 where a row groups by those columns.
    breakdown = ", ".join(f"s.{by}" for by in BREAKDOWNS)
    level_columns = [level for _key, _score, level in columns]
    levels_together = ", ".join(f"s.{level}" for level in level_columns)
    # The questions that may be "not applicable": the rows grouped by their pattern of
    # such answers (s.not_applicable, few patterns) count those who answered each,
    # rather than a count and a key sum per question in the first query.
    not_applicable = [
        position
        for position, question in enumerate(questionnaire.questions, start=1)
        if questionnaire.may_be_not_applicable(question.id)
    ]
    # Without a period, rows of every round, grouped by whether they are the latest;
    # within a period, only the latest rows (a constant cannot be grouped by).
    latest_mark = "" if period else "s.is_latest, "
    # One set for all the level columns at once (their combinations are few), rather
    # than one each: every set is one more hash table entry per row.
    group_sets = [f"({latest_mark}{breakdown})", f"({latest_mark}{levels_together})"]
    selected = [
        f"{'true' if period else 's.is_latest'} AS latest",
        f"GROUPING({breakdown}) AS by_breakdown",
        f"GROUPING({levels_together}) AS by_levels",
    ]
    if not_applicable:
        group_sets.append(f"({latest_mark}s.not_applicable)")
        selected.append("s.not_applicable")
    selected += [f"s.{by}" for by in BREAKDOWNS]
    selected += [f"s.{level}" for level in level_columns]
    selected += [
        "count(*) AS organisations", "sum(s.record_key) AS organisations_keys",
        "count(s.overall_index) AS scored", "sum(s.overall_index) AS overall_sum",
    ]  # fmt: skip
    source = latest_rows if period else rows_in_filter
    if period:  # every round of the period, once (an uncorrelated subquery runs once)
        selected.append(
            f"(SELECT ARRAY[count(*), coalesce(sum(s.record_key), 0)] {rows_in_filter}) AS rounds"
        )
    grouped = (
        f"SELECT {', '.join(selected)} {source} GROUP BY GROUPING SETS ({', '.join(group_sets)})"
    )
    (figures,), group_rows = _on_one_snapshot([text(figures_query), text(grouped)], params)

    def whole(value: Any) -> int:
        return 0 if value is None else int(value)

    def cell(label: str, total: str | None = None) -> Cell:
        """The cell whose count is labelled ``label`` (its key sum ``label_keys``)."""
        return Cell(
            whole(figures[label]),
            whole(figures[f"{label}_keys"]),
            0.0 if total is None else float(figures[total] or 0),
        )

    measured: dict[str, Spread] = {}
    for key, score, _level in columns:
        quartiles = figures[f"{score}_quartiles"] or (None, None, None)
        scored = cell("organisations" if key in everyone else f"{score}_count")
        scored = Cell(scored.count, scored.keys, float(figures[f"{score}_sum"] or 0))
        q1, median, q3 = (math.nan if v is None else float(v) for v in quartiles)
        measured[key] = Spread(scored, q1, median, q3)

    # [count, key sum] per level of each series, per question answered, all rounds.
    at_level = {key: {level: [0, 0] for level in LEVEL_VALUES} for key, _score, _level in columns}
    answered = {position: [0, 0] for position in not_applicable}
    by_value: dict[str, dict[str, list[float]]] = {by: {} for by in BREAKDOWNS}
    rounds = [0, 0]
    for row in group_rows:
        count, keys = whole(row["organisations"]), whole(row["organisations_keys"])
        if period and row["rounds"] is not None:
            rounds = [whole(row["rounds"][0]), whole(row["rounds"][1])]
        if row["by_breakdown"] == 0:
            if not row["latest"]:
                continue
            for by in BREAKDOWNS:
                entry = by_value[by].setdefault(row[by], [0, 0, 0.0, 0])
                entry[0] += count
                entry[1] += keys
                entry[2] += float(row["overall_sum"] or 0)
                entry[3] += whole(row["scored"])
        elif row["by_levels"] == 0:  # these sets together hold every row once
            if not period:
                rounds[0] += count
                rounds[1] += keys
            if not row["latest"]:
                continue
            for key, _score, level_column in columns:
                if row[level_column] is not None:
                    cell_of_level = at_level[key][int(row[level_column])]
                    cell_of_level[0] += count
                    cell_of_level[1] += keys
        elif row["latest"]:  # a pattern of "not applicable" answers
            for position in not_applicable:
                if not row["not_applicable"] >> (position - 1) & 1:
                    answered[position][0] += count
                    answered[position][1] += keys
    assessments = Cell(rounds[0], rounds[1])
    levels = {
        key: {level: Cell(count, keys) for level, (count, keys) in found.items()}
        for key, found in at_level.items()
    }
    breakdowns = {
        by: {
            value: Cell(int(n), int(keys), total, int(scored))
            for value, (n, keys, total, scored) in found.items()
        }
        for by, found in by_value.items()
    }
    practices = [
        Cell(
            answered[position][0],
            answered[position][1],
            float(figures[f"answer_{position}_sum"] or 0),
        )
        if position in answered
        else cell("organisations", f"answer_{position}_sum")
        for position in range(1, len(questionnaire.questions) + 1)
    ]
    progress = {
        dimension.id: cell(f"delta_{position}", f"delta_{position}_sum")
        for position, dimension in enumerate(questionnaire.dimensions, start=1)
    }
    outcome_changes = [
        cell(f"outcome_change_{position}", f"outcome_change_{position}_sum")
        for position in range(1, len(questionnaire.outcomes) + 1)
    ]
    return RawStats(
        cell("organisations"),
        assessments,
        measured,
        levels,
        practices,
        progress,
        breakdowns,
        outcome_changes,
    )


# For both queries' transactions. The quartiles sort a million values each: in memory
# rather than in temporary files (PostgreSQL's default is 4 MB per sort). And no JIT:
# compiling a hundred aggregates costs more than it saves (at a million organisations,
# 3.0–3.2 s without against 3.5–3.6 s with; past PostgreSQL's optimisation threshold,
# reached a little beyond, compiling alone takes a second).
QUERY_SETTINGS = {"work_mem": "64MB", "jit": "off"}
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?")


def _rows(connection: Connection, query: Any, params: dict[str, Any]) -> Sequence[RowMapping]:
    return connection.execute(query, params).mappings().all()


def _on_one_snapshot(queries: list[Any], params: dict[str, Any]) -> list[Sequence[RowMapping]]:
    """Run read-only queries at the same time, one connection each, all seeing the same
    snapshot (PostgreSQL's exported snapshots, as pg_dump's parallel mode)."""
    with ExitStack() as stack:
        connections = [
            stack.enter_context(
                db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
            )
            for _ in queries
        ]
        leader, followers = connections[0], connections[1:]
        snapshot = leader.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        for connection in connections:
            for name, value in QUERY_SETTINGS.items():
                connection.execute(text(f"SET LOCAL {name} = '{value}'"))
        if not SNAPSHOT_ID.fullmatch(snapshot):
            raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
        pending = []
        for follower, query in zip(followers, queries[1:], strict=True):
            follower.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            # One process per query: parallel workers would only compete with the
            # other queries for the same cores, and a dashboard's load stays predictable.
            follower.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
            pending.append(_QUERY_POOL.submit(_rows, follower, query, params))
        try:
            first = _rows(leader, queries[0], params)
        finally:
            rest = [future.result() for future in pending]
        for connection in connections:
            connection.rollback()
    return [first, *rest]
