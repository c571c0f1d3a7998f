"""Reading a stored release: what a page, an export or the API asks of it.

Every function here is a lookup in a release; none sees a record, and none combines
cells into a figure that the release does not hold. A dashboard filter chooses one
table: no filter the headline tables; one of section, size, province or city that
breakdown's cell (a province with one of its cities: the city's cell); section and
size together the section × size cell. Anything else is not published.

**The SME benchmark** is read from the platform's benchmark release: the cohort of
the SME's section and size when the release holds it (k organisations or more),
else its section, else everyone on its major version. What is shown is coarse on
purpose: the cohort's size as a band, and in which quarter of the cohort the SME
stands, against quartiles in whole points. A cohort too small for its quartiles to
read through the noise (``publish.READABLE``) publishes none, and the benchmark
widens past it as past a cohort of fewer than k. Whatever the SME submits, the release
does not move (it was computed at the period's close, and holds one record of the
SME among the rest), so a hundred rounds read the same three quartiles a hundred
times; and those quartiles come from noisy histograms whose noise, in a cohort of a
dozen, outweighs its members — they cannot be unpicked into the peers' indexes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from maturity.core import reference
from maturity.core.figures import peer_place
from maturity.core.releases.records import major_key
from maturity.core.releases.release import Release
from maturity.core.releases.tables import (
    Cell,
    LevelDistribution,
    OutcomeChange,
    Practice,
    Progress,
    Quartiles,
    VersionTables,
)

WEAKEST_SHOWN = 5


@dataclass(frozen=True)
class NotPublished:
    """A question the release holds no table for."""

    reason: str


@dataclass(frozen=True)
class Selection:
    """The table a set of filters reads: ``headline``, or a breakdown and its cell."""

    table: str
    cell: str | None = None


def select(
    *,
    section: str | None = None,
    size: str | None = None,
    province: str | None = None,
    city: str | None = None,
) -> Selection | NotPublished:
    """Which published table answers these filters (see the module's rule)."""
    given = {
        name
        for name, value in (
            ("section", section),
            ("size", size),
            ("province", province),
            ("city", city),
        )
        if value
    }
    if not given:
        return Selection("headline")
    if given == {"section", "size"}:
        return Selection("section_size", f"{section}/{size}")
    if given == {"province", "city"}:
        if reference.is_city_of(city, province):
            return Selection("city", city)
        return NotPublished("the city is not in that province")
    if len(given) == 1:
        (name,) = given
        value = {"section": section, "size": size, "province": province, "city": city}[name]
        return Selection(name, value)
    return NotPublished("releases publish no cross-tabulation of these filters")


@dataclass(frozen=True)
class CellView:
    """One breakdown cell: a count and mean index, or "fewer than k"."""

    table: str
    code: str
    figures: Cell


def dashboard(
    release: Release,
    version_key: str,
    *,
    section: str | None = None,
    size: str | None = None,
    province: str | None = None,
    city: str | None = None,
) -> VersionTables | CellView | NotPublished:
    """What a centre dashboard shows for these filters: the version's whole tables
    (no filter), one breakdown cell, or not published."""
    tables = release.tables(version_key)
    if tables is None:
        return NotPublished("the release has no tables of this questionnaire version")
    chosen = select(section=section, size=size, province=province, city=city)
    if isinstance(chosen, NotPublished):
        return chosen
    if chosen.table == "headline" or chosen.cell is None:
        return tables
    figures = tables.breakdown(chosen.table).cell(chosen.cell)
    if figures is None:
        return NotPublished("no such cell")
    return CellView(chosen.table, chosen.cell, figures)


def _tables(release: Release, version_key: str) -> VersionTables:
    tables = release.tables(version_key)
    if tables is None:
        raise KeyError(version_key)
    return tables


def weakest_practices(
    release: Release, version_key: str, shown: int = WEAKEST_SHOWN
) -> tuple[Practice, ...]:
    """The practices with the lowest published mean level (ties by question id)."""
    published = [p for p in _tables(release, version_key).practices if p.mean is not None]
    return tuple(sorted(published, key=lambda p: (p.mean, p.question_id))[:shown])


def progress(release: Release, version_key: str) -> tuple[Progress, ...]:
    return _tables(release, version_key).progress


def outcome_changes(release: Release, version_key: str) -> tuple[OutcomeChange, ...]:
    return _tables(release, version_key).outcomes


def level_distributions(release: Release, version_key: str) -> tuple[LevelDistribution, ...]:
    return _tables(release, version_key).levels


# --- the SME benchmark -------------------------------------------------------------

BAND_EDGES = (20, 50, 100)  # cohorts are shown as k–19, 20–49, 50–99, 100+


def size_band(count: int, k: int) -> str:
    """The band of a cohort of ``count`` (at least k) organisations."""
    edges = [k, *(edge for edge in BAND_EDGES if edge > k)]
    for low, high in pairwise(edges):
        if count < high:
            return f"{low}–{high - 1}"
    return f"{edges[-1]}+"


@dataclass(frozen=True)
class Standing:
    """In which quarter of its cohort a score stands (1: bottom … 4: top), and the
    quartiles it was read against."""

    quarter: int
    quartiles: Quartiles

    def place(self, score: float) -> str:
        """Where ``score`` stands in words, by the printed figures (``figures.peer_place``)."""
        return peer_place(score, self.quartiles)


def standing(score: float, quartiles: Quartiles) -> Standing:
    quarter = 1 + sum(1 for q in quartiles if score >= q)
    return Standing(quarter, quartiles)


def _standing(score: float, quartiles: Quartiles | None) -> Standing | None:
    return None if quartiles is None else standing(score, quartiles)


@dataclass(frozen=True)
class BenchmarkPosition:
    """Which cohort (``scope`` None: no cohort of k even on the whole platform), its
    size band, and the SME's standing overall and per dimension (None: not shown)."""

    scope: str | None
    cohort: str | None
    band: str | None
    overall: Standing | None
    dimensions: Mapping[str, Standing | None]


def benchmark_position(
    release: Release,
    *,
    questionnaire: str,
    version: str,
    section: str,
    size: str,
    overall_index: float | None,
    dimension_scores: Mapping[str, float] | None = None,
) -> BenchmarkPosition:
    """Where an SME's own scores stand in the latest benchmark release, read from the
    stored quartiles of its cohort: no computation over any peer."""
    scores = dict(dimension_scores or {})
    tables = release.cohorts(major_key(questionnaire, version))
    nothing = BenchmarkPosition(None, None, None, None, {d: None for d in scores})
    if tables is None:
        return nothing
    for scope, key in (("section_size", f"{section}/{size}"), ("section", section), ("all", "")):
        cohort = tables.cohort(scope, key)
        if cohort is None or cohort.overall is None:
            continue
        spreads = dict(cohort.dimensions)
        return BenchmarkPosition(
            scope=scope,
            cohort=key,
            band=size_band(cohort.count, release.k),
            overall=(
                None
                if overall_index is None or cohort.overall is None
                else standing(overall_index, cohort.overall)
            ),
            dimensions={d: _standing(score, spreads.get(d)) for d, score in scores.items()},
        )
    return nothing


@dataclass(frozen=True)
class PublishedBenchmark:
    """An SME's benchmark as the results page, the report and the API show it: its
    position in the latest benchmark release (``period`` None: there is none yet)."""

    period: str | None
    k: int
    position: BenchmarkPosition

    @property
    def shown(self) -> bool:
        return self.position.scope is not None

    def fingerprint(self) -> list[object]:
        """What the report shows of it (the report cache's key)."""
        position = self.position

        def standing_of(found: Standing | None) -> object:
            return None if found is None else [found.quarter, list(found.quartiles)]

        return [
            self.period,
            position.scope,
            position.band,
            standing_of(position.overall),
            sorted((d, standing_of(s)) for d, s in position.dimensions.items()),
        ]
