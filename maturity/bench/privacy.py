"""Privacy figures: `flask --app maturity bench privacy`.

Replays the attacks of the privacy review on synthetic organisations in one centre and
prints how far they get, and how accurate the published figures stay:

- two periods one day apart: the period filter ending on the day a target submitted,
  and the day before; the target's index estimated as n₁·m₁ − n₂·m₂ from the two
  published counts and means (both periods are widened to whole quarters);
- two groups that differ by exactly one organisation (as two filters on section, size
  or city reach them): the target's overall index and one of its practice levels
  estimated the same way from the published figures of both groups;
- accuracy: for every group of 50 or more organisations that a filter on section,
  size, province or city (one or two of them) selects, the published mean overall
  index and every published count against the truth.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from maturity.core.dashboard import OVERALL, parse_filters, weakest_practices
from maturity.core.disclosure import SCORE_BOUND, Cell, publish_count, publish_mean
from maturity.core.questionnaire import Questionnaire
from maturity.extensions import db
from maturity.models import Centre, CentreRegistration, ResultSummary
from maturity.services import dashboard as dashboard_service
from maturity.services.questionnaires import current_version, questionnaire_of
from maturity.services.synthetic import generate


@dataclass(frozen=True)
class Row:
    organisation_id: int
    record_key: int
    overall: float
    answers: str
    submitted: Any
    section: str
    size: str
    province: str
    city: str | None


@dataclass
class Figures:
    organisations: int
    targets: int
    period_error: float
    period_attacks: int
    group_error: float
    practice_error: float
    group_attacks: int
    groups_checked: int
    worst_mean_error: float
    worst_count_error: int
    dashboard_ms: float

    def lines(self) -> list[str]:
        return [
            f"{self.organisations} organisations in one centre, {self.targets} targets",
            f"periods one day apart ({self.period_attacks} targets): overall index recovered "
            f"with a mean absolute error of {self.period_error:.1f} points",
            f"groups differing by one organisation ({self.group_attacks} targets): overall "
            f"index off by {self.group_error:.1f} points on average, one practice's level "
            f"off by {self.practice_error:.2f} levels",
            f"{self.groups_checked} filter groups of 50 or more: published mean overall index "
            f"at most {self.worst_mean_error:.2f} points from the truth, counts at most "
            f"{self.worst_count_error} away",
            f"one uncached dashboard of the whole centre: {self.dashboard_ms:.0f} ms",
        ]


def _centre(size: int, seed: int) -> tuple[int, Questionnaire, int]:
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        raise LookupError("no published questionnaire: run `flask questionnaires load` first")
    name = f"privacy-bench-{size}-{seed}"
    centre_id = db.session.scalar(select(Centre.id).where(Centre.name == name))
    if centre_id is None:
        generate(size, seed, name, version)
        centre_id = db.session.scalar(select(Centre.id).where(Centre.name == name))
    assert centre_id is not None
    return centre_id, questionnaire_of(version), version.id


def _latest_rows(centre_id: int, version_id: int) -> list[Row]:
    summary = ResultSummary
    found = db.session.execute(
        select(summary)
        .join(
            CentreRegistration,
            (CentreRegistration.organisation_id == summary.organisation_id)
            & (CentreRegistration.centre_id == centre_id),
        )
        .where(summary.is_latest.is_(True), summary.questionnaire_version_id == version_id)
        .order_by(summary.organisation_id)
    ).scalars()
    return [
        Row(r.organisation_id, r.record_key, float(r.overall_index or 0), r.answers,
            r.submitted_at, r.industry_section, r.size_class, r.province_code, r.city_code)
        for r in found
    ]  # fmt: skip


def _published_mean(rows: Iterable[Row], k: int) -> tuple[int | None, float | None]:
    members = list(rows)
    cell = Cell(len(members), sum(r.record_key for r in members), sum(r.overall for r in members))
    return publish_count(cell, k), publish_mean(cell, OVERALL, SCORE_BOUND, 0, 100, k)


def _practice_cell(rows: Iterable[Row], position: int) -> Cell:
    members = [r for r in rows if r.answers[position] != "n"]
    return Cell(
        len(members),
        sum(r.record_key for r in members),
        float(sum(int(r.answers[position]) for r in members)),
    )


def run(size: int = 2000, seed: int = 7, targets: int = 100) -> Figures:
    k = current_app.config["BENCHMARK_MIN_COHORT"]
    centre_id, questionnaire, version_id = _centre(size, seed)
    rows = _latest_rows(centre_id, version_id)
    db.session.commit()
    chosen = random.Random(seed).sample(rows, min(targets, len(rows)))

    # 1. Periods one day apart, through the real filters and the real dashboard.
    period_errors = []
    for target in chosen:
        day = target.submitted.date()
        totals = []
        for last in (day, day - timedelta(days=1)):
            filters, _problems = parse_filters(
                {"from": "2000-01-01", "to": last.isoformat()}, version_id
            )
            data = dashboard_service.build(centre_id, questionnaire, filters, k)
            overall = next((m for m in data.measures if m.key == OVERALL), None)
            if overall is not None:
                totals.append(overall.count * overall.mean)
        if len(totals) == 2:
            period_errors.append(abs(totals[0] - totals[1] - target.overall))
    db.session.commit()

    # 2. Two groups differing by the target: its industry section with and without it.
    by_section: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_section[row.section].append(row)
    group_errors, practice_errors = [], []
    for target in chosen:
        others = [r for r in by_section[target.section] if r is not target]
        with_target = [*others, target]
        (n1, m1), (n2, m2) = _published_mean(with_target, k), _published_mean(others, k)
        if n1 is None or m1 is None or n2 is None or m2 is None:
            continue
        group_errors.append(abs(n1 * m1 - n2 * m2 - target.overall))
        position = next(i for i, a in enumerate(target.answers) if a != "n")
        question = questionnaire.questions[position]
        shown = []
        for members in (with_target, others):
            cells = [Cell(0)] * len(questionnaire.questions)
            cells[position] = _practice_cell(members, position)
            practice = weakest_practices(questionnaire, cells, k)
            shown.append(next((p for p in practice if p.question_id == question.id), None))
        a, b = shown
        if a is not None and b is not None:
            estimate = a.count * a.mean - b.count * b.mean
            practice_errors.append(abs(estimate - int(target.answers[position])))

    # 3. Accuracy of every filter group of 50 or more.
    dimensions = ("section", "size", "province", "city")
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        values = {d: getattr(row, d) for d in dimensions}
        for first in dimensions:
            groups[((first, values[first]),)].append(row)
            for second in dimensions[dimensions.index(first) + 1 :]:
                groups[((first, values[first]), (second, values[second]))].append(row)
    worst_mean = 0.0
    worst_count = 0
    checked = 0
    for members in groups.values():
        if len(members) < 50:
            continue
        count, mean = _published_mean(members, k)
        assert count is not None and mean is not None
        checked += 1
        worst_mean = max(worst_mean, abs(mean - statistics.fmean(r.overall for r in members)))
        worst_count = max(worst_count, abs(count - len(members)))

    # 4. One uncached dashboard of the whole centre (the engine of this database).
    filters, _problems = parse_filters({}, version_id)
    started = time.perf_counter()
    dashboard_service.build(centre_id, questionnaire, filters, k)
    elapsed = (time.perf_counter() - started) * 1000

    return Figures(
        organisations=len(rows),
        targets=len(chosen),
        period_error=statistics.fmean(period_errors) if period_errors else float("nan"),
        period_attacks=len(period_errors),
        group_error=statistics.fmean(group_errors) if group_errors else float("nan"),
        practice_error=statistics.fmean(practice_errors) if practice_errors else float("nan"),
        group_attacks=len(group_errors),
        groups_checked=checked,
        worst_mean_error=worst_mean,
        worst_count_error=worst_count,
        dashboard_ms=elapsed,
    )
