"""Centre dashboards: aggregates over the latest results of the centre's organisations.

On SQLite one query reads the summary rows that match the filters and NumPy
computes every figure (``in_python``); on PostgreSQL the database aggregates them
(``in_database``: two queries on one snapshot). ``core.dashboard.present`` decides
what may be shown; pages, charts, exports and the API are all made from its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from maturity.core.dashboard import Dashboard, Filters, parse_filters, present
from maturity.core.questionnaire import Questionnaire
from maturity.extensions import db
from maturity.services import generation
from maturity.services.dashboard.in_database import stats_in_database
from maturity.services.questionnaires import current_version, questionnaire_of

__all__ = ["CentreDashboard", "build", "cached_build", "centre_dashboard", "clear_cache"]

_CACHE: OrderedDict[tuple[Any, ...], Dashboard] = OrderedDict()
_CACHE_SIZE = 256
_CACHE_LOCK = threading.Lock()


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def cached_build(
    centre_id: int, questionnaire: Questionnaire, filters: Filters, min_cohort: int
) -> tuple[Dashboard, bool]:
    """The dashboard, from this process's cache while no submission, registration
    or import has changed the aggregates since it was computed (the aggregate
    generation says). Returns (dashboard, was_cached)."""
    key = (centre_id, questionnaire.content_hash, filters, min_cohort, generation.current())
    with _CACHE_LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found, True
    dashboard = build(centre_id, questionnaire, filters, min_cohort)
    with _CACHE_LOCK:
        _CACHE[key] = dashboard
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return dashboard, False


@dataclass(frozen=True)
class CentreDashboard:
    questionnaire: Questionnaire
    filters: Filters
    dashboard: Dashboard
    ignored_filters: list[str]  # names of query parameters with unknown values


class NoQuestionnaire(Exception):
    """No questionnaire version is published yet, so there is nothing to aggregate."""


def centre_dashboard(centre_id: int, args: Mapping[str, str]) -> CentreDashboard:
    """The dashboard of a centre on the current questionnaire, filtered by query
    parameters (NoQuestionnaire when none is published)."""
    version = current_version(current_app.config["QUESTIONNAIRE_KEY"])
    if version is None:
        raise NoQuestionnaire()
    questionnaire = questionnaire_of(version)
    filters, problems = parse_filters(args, version.id)
    dashboard, _cached = cached_build(
        centre_id, questionnaire, filters, current_app.config["BENCHMARK_MIN_COHORT"]
    )
    return CentreDashboard(questionnaire, filters, dashboard, problems)


def build(
    centre_id: int, questionnaire: Questionnaire, filters: Filters, min_cohort: int
) -> Dashboard:
    if db.engine.dialect.name == "postgresql":
        raw = stats_in_database(centre_id, questionnaire, filters)
    else:
        # NumPy only where it computes: not imported at start-up, nor on PostgreSQL.
        from maturity.services.dashboard.in_python import stats_in_numpy

        raw = stats_in_numpy(db.session.connection(), centre_id, questionnaire, filters)
        db.session.commit()  # release the read transaction (on SQLite, the write lock)
    return present(raw, questionnaire, min_cohort)
