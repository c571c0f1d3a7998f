"""Releases: the peer figures of a population for a closed period, computed once
from the stored result summaries (core.releases adds the noise) and kept as computed.

Populations: each centre's registered organisations (``centre:<id>``) and the whole
platform (``platform``, the SME benchmark's). Periods: calendar quarters and years,
once they are over. The workers compute what is due every day (and at the first
start after an upgrade, every closed period that has none yet); an administrator may
ask for a closed period again, which adds a new revision beside the old one. Pages,
exports and the API only ever read stored releases.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from maturity.core.periods import Period, parse_period, quarter_of, year
from maturity.core.questionnaire import Questionnaire
from maturity.core.releases import (
    DEFAULT_BENCHMARK_SETTINGS,
    DEFAULT_SETTINGS,
    OutcomeSpec,
    Record,
    Settings,
    Shape,
    compute_benchmark_release,
    compute_release,
)
from maturity.core.releases import Release as ComputedRelease
from maturity.extensions import db
from maturity.models import (
    Centre,
    CentreRegistration,
    QuestionnaireVersion,
    Release,
    ResultSummary,
)
from maturity.models._types import utcnow
from maturity.services.questionnaires import questionnaire_of

PLATFORM = "platform"
CENTRE_PREFIX = "centre:"
# A change of an outcome figure is clamped to this share of the figure's range
# before it is measured: the noise grows with the bound, and changes of a whole range
# in a year are not what a mean of changes is for.
OUTCOME_CHANGE_SHARE = 0.25


def centre_population(centre_id: int) -> str:
    return f"{CENTRE_PREFIX}{centre_id}"


def centre_of(population: str) -> int | None:
    return int(population[len(CENTRE_PREFIX) :]) if population.startswith(CENTRE_PREFIX) else None


# --- periods ------------------------------------------------------------------------


def closed_periods(since: date, today: date) -> list[Period]:
    """Every quarter and year from ``since``'s on that is over by ``today``, oldest
    first (a year after its fourth quarter)."""
    periods: list[Period] = []
    current = quarter_of(since)
    while current.last < today:
        periods.append(current)
        if current.last.month == 12:
            periods.append(year(current.last.year))
        current = quarter_of(current.last + timedelta(days=1))
    return periods


def next_release_due(today: date) -> date:
    """The day the next releases are computed: the day after this quarter ends."""
    return quarter_of(today).last + timedelta(days=1)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# --- what a release is computed from -----------------------------------------------


def shape_of(questionnaire: Questionnaire) -> Shape:
    return Shape(
        questionnaire=questionnaire.key,
        version=questionnaire.version,
        dimensions=tuple(d.id for d in questionnaire.dimensions),
        questions=tuple((q.id, q.dimension_id) for q in questionnaire.questions),
        outcomes=tuple(
            OutcomeSpec(o.id, float(o.maximum - o.minimum) * OUTCOME_CHANGE_SHARE or 1.0)
            for o in questionnaire.outcomes
        ),
    )


def centre_settings() -> Settings:
    """The budget of a centre release: the defaults, or as configured."""
    return _configured(DEFAULT_SETTINGS, current_app.config.get("RELEASE_RHO"))


def benchmark_settings() -> Settings:
    return _configured(DEFAULT_BENCHMARK_SETTINGS, current_app.config.get("BENCHMARK_RHO"))


def _configured(default: Settings, rho: float | None) -> Settings:
    settings = default if rho is None else default.scaled(rho)
    return replace(settings, k=int(current_app.config.get("RELEASE_K") or default.k))


def published() -> dict[int, Questionnaire]:
    """Every published questionnaire version, by row id."""
    return {
        row.id: questionnaire_of(row) for row in db.session.scalars(select(QuestionnaireVersion))
    }


def _summaries(population: str, period: Period) -> Select[tuple[ResultSummary, Any, Any, Any]]:
    """The population's summaries of rounds submitted in the period, each with the
    overall index and version of the organisation's round before it (whenever that
    was), and how many rounds the organisation submitted in the period."""
    summary = ResultSummary
    history = select(
        summary.assessment_id.label("assessment_id"),
        func.lag(summary.overall_index)
        .over(partition_by=summary.organisation_id, order_by=summary.round)
        .label("previous_index"),
        func.lag(summary.questionnaire_version_id)
        .over(partition_by=summary.organisation_id, order_by=summary.round)
        .label("previous_version"),
    ).subquery()
    statement = (
        select(
            summary,
            history.c.previous_index,
            history.c.previous_version,
            func.count().over(partition_by=summary.organisation_id).label("rounds"),
        )
        .join(history, history.c.assessment_id == summary.assessment_id)
        .where(
            summary.submitted_at >= start_of(period.first),
            summary.submitted_at < start_of(period.last + timedelta(days=1)),
        )
        .order_by(summary.organisation_id, summary.round)
    )
    centre_id = centre_of(population)
    if centre_id is not None:
        statement = statement.join(
            CentreRegistration,
            (CentreRegistration.organisation_id == summary.organisation_id)
            & (CentreRegistration.centre_id == centre_id)
            & CentreRegistration.accepted_at.is_not(None),
        )
    return statement


def records_for(population: str, period: Period) -> tuple[list[Record], list[Shape]]:
    """One record per organisation of the population: its latest round submitted in
    the period; and the shape of every published version."""
    questionnaires = published()
    latest: dict[int, Record] = {}
    for row, previous_index, previous_version, rounds in db.session.execute(
        _summaries(population, period)
    ):
        questionnaire = questionnaires[row.questionnaire_version_id]
        change = (
            row.overall_index - previous_index
            if previous_index is not None
            and row.overall_index is not None
            and previous_version == row.questionnaire_version_id
            else None
        )
        latest[row.organisation_id] = _record(row, questionnaire, change, int(rounds))
    db.session.commit()
    return list(latest.values()), [shape_of(q) for q in questionnaires.values()]


def _record(
    row: ResultSummary, questionnaire: Questionnaire, index_change: float | None, rounds: int
) -> Record:
    dimensions = [d.id for d in questionnaire.dimensions]

    def column(name: str, position: int) -> float | None:
        value = getattr(row, f"{name}_{position}")
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    scores = {d: column("score", i) for i, d in enumerate(dimensions, start=1)}
    levels = {d: column("level", i) for i, d in enumerate(dimensions, start=1)}
    deltas = {d: column("delta", i) for i, d in enumerate(dimensions, start=1)}
    outcome_changes = {
        o.id: column("outcome_change", i) for i, o in enumerate(questionnaire.outcomes, start=1)
    }
    # Packed one character per question: "0".."5", or "n" where not applicable.
    answers = {
        q.id: None if packed == "n" else int(packed)
        for q, packed in zip(questionnaire.questions, row.answers, strict=False)
    }
    return Record(
        organisation_id=row.organisation_id,
        questionnaire=questionnaire.key,
        version=questionnaire.version,
        section=row.industry_section,
        size=row.size_class,
        province=row.province_code,
        city=row.city_code,
        overall_index=row.overall_index,
        overall_level=row.overall_level,
        dimension_scores={d: float(v) for d, v in scores.items() if v is not None},
        dimension_levels={d: int(v) for d, v in levels.items() if v is not None},
        answers=answers,
        index_change=index_change,
        dimension_changes={d: float(v) for d, v in deltas.items() if v is not None},
        outcome_changes={o: float(v) for o, v in outcome_changes.items() if v is not None},
        rounds=rounds,
        verified=bool(row.verified),
        verified_index=row.verified_index,
    )


# --- computing and storing ---------------------------------------------------------


def next_revision(population: str, period: str) -> int:
    latest_revision = db.session.scalar(
        select(func.max(Release.revision)).where(
            Release.population == population, Release.period == period
        )
    )
    db.session.commit()
    return (latest_revision or 0) + 1


def compute(population: str, period: Period, revision: int = 1) -> Release | None:
    """Compute the population's release for a closed period as that revision and store
    it (committed); None when that revision exists already (a task run twice, or two
    workers at once: the unique constraint keeps one)."""
    exists = db.session.scalar(
        select(Release.id).where(
            Release.population == population,
            Release.period == period.code,
            Release.revision == revision,
        )
    )
    if exists is not None:
        db.session.commit()
        return None
    records, shapes = records_for(population, period)
    if population == PLATFORM:
        computed = compute_benchmark_release(
            population,
            period.code,
            records,
            shapes,
            settings=benchmark_settings(),
            revision=revision,
        )
    else:
        computed = compute_release(
            population, period.code, records, shapes, settings=centre_settings(), revision=revision
        )
    row = Release(
        population=population,
        centre_id=centre_of(population),
        period=period.code,
        period_first=period.first,
        period_last=period.last,
        revision=revision,
        computed_at=utcnow(),
        rho=computed.rho,
        epsilon=computed.epsilon,
        document=computed.to_json(),
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return row


def populations() -> list[str]:
    return [PLATFORM, *(centre_population(c) for c in db.session.scalars(select(Centre.id)))]


@dataclass(frozen=True)
class Due:
    population: str
    period: str


def due(today: date) -> list[Due]:
    """Every (population, closed period) without a release, from the quarter of the
    first round ever submitted: the daily run, and the first run after an upgrade."""
    first = db.session.scalar(select(func.min(ResultSummary.submitted_at)))
    if first is None:
        db.session.commit()
        return []
    periods = closed_periods(first.date(), today)
    done = {
        (row.population, row.period)
        for row in db.session.execute(select(Release.population, Release.period))
    }
    db.session.commit()
    return [
        Due(population, period.code)
        for population in populations()
        for period in periods
        if (population, period.code) not in done
    ]


def compute_due(today: date) -> int:
    """Compute every due release here and now (the command line, ``./dev serve``)."""
    found = due(today)
    for item in found:
        compute(item.population, period_of(item.period))
    return len(found)


def parse_closed(code: str, today: date) -> Period | None:
    """A period a release may be computed for: a quarter or a year that is over."""
    period = parse_period(code)
    return period if period is not None and period.last < today else None


def period_of(code: str) -> Period:
    period = parse_period(code)
    if period is None:
        raise ValueError(f"not a period: {code!r}")
    return period


# --- reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A stored release as pages read it: the row (period, revision, when) and its
    tables."""

    row: Release
    release: ComputedRelease


def latest(population: str, period: str | None = None) -> Stored | None:
    """The newest revision of the population's latest release (or of the period)."""
    statement = select(Release).where(Release.population == population)
    if period is not None:
        statement = statement.where(Release.period == period)
    row = db.session.scalars(
        statement.order_by(
            Release.period_last.desc(), Release.period_first.desc(), Release.revision.desc()
        ).limit(1)
    ).first()
    return None if row is None else Stored(row, ComputedRelease.from_json(row.document))


def newest_first(population: str) -> Iterator[Stored]:
    """The population's releases, newest period first (its newest revision of each),
    read one at a time: a caller looking for the newest that shows something stops
    at the first."""
    seen: set[str] = set()
    for row in releases_of(population):
        if row.period not in seen:
            seen.add(row.period)
            yield Stored(row, ComputedRelease.from_json(row.document))


def periods_of(population: str) -> list[str]:
    """The periods the population has releases of, newest first."""
    rows = db.session.execute(
        select(Release.period, Release.period_last, Release.period_first)
        .where(Release.population == population)
        .distinct()
        .order_by(Release.period_last.desc(), Release.period_first.desc())
    ).all()
    return list(dict.fromkeys(period for period, _last, _first in rows))


def releases_of(population: str) -> Iterator[Release]:
    yield from db.session.scalars(
        select(Release)
        .where(Release.population == population)
        .order_by(Release.period_last.desc(), Release.period_first.desc(), Release.revision.desc())
    )
