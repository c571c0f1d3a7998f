"""The published tables of a release: what is stored, served and shown, and nothing
else. Every count here is at least k or absent ("fewer than k"); every mean stands
beside its count; every figure is already post-processed, so that serving one is a
lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

Quartiles = tuple[float, float, float]


@dataclass(frozen=True)
class Cell:
    """A group's count and mean overall index; both None when fewer than k."""

    count: int | None
    mean: float | None

    @property
    def shown(self) -> bool:
        return self.count is not None


FEWER_THAN_K = Cell(None, None)


@dataclass(frozen=True)
class Measure:
    """The overall index or one dimension over the whole population."""

    key: str  # "overall" or a dimension id
    count: int | None
    mean: float | None
    quartiles: Quartiles | None  # lower quartile, median, upper quartile


@dataclass(frozen=True)
class LevelDistribution:
    """Organisations per maturity level 0..5 (None: fewer than k). ``total`` is the
    count of the measure they are a distribution of; levels are measured on their
    own, so they add up to it only roughly, and a hidden level cannot be recovered
    by subtraction."""

    key: str
    counts: tuple[int | None, ...]
    total: int | None


@dataclass(frozen=True)
class Breakdown:
    """One table of cells (``by`` is section, size, province, city or
    section_size, whose cells are ``C/small``). ``domain`` lists every cell the
    table has; ``cells`` those of at least k organisations."""

    by: str
    domain: tuple[str, ...]
    cells: tuple[tuple[str, Cell], ...]

    @cached_property
    def _lookup(self) -> dict[str, Cell]:
        return dict(self.cells)

    def cell(self, value: str) -> Cell | None:
        """The cell's figures, ``FEWER_THAN_K``, or None when there is no such cell."""
        if value not in self.domain:
            return None
        return self._lookup.get(value, FEWER_THAN_K)


@dataclass(frozen=True)
class Practice:
    question_id: str
    dimension_id: str
    count: int | None
    mean: float | None  # mean level 0..5 of those who answered


@dataclass(frozen=True)
class Progress:
    key: str  # "overall" or a dimension id
    count: int | None  # organisations with a previous round to compare with
    mean_change: float | None


@dataclass(frozen=True)
class OutcomeChange:
    outcome_id: str
    count: int | None
    mean_change: float | None


@dataclass(frozen=True)
class Verified:
    count: int | None
    share: float | None  # of the organisations in the release, 0..1
    mean_index: float | None  # over the verified rounds' verified answers


@dataclass(frozen=True)
class Spend:
    """One measured figure's share of the budget and the noise it was given."""

    name: str
    rho: float
    sigma: float  # standard deviation of the noise, in the figure's own unit


@dataclass(frozen=True)
class VersionTables:
    """The fixed set of tables of one questionnaire version."""

    questionnaire: str
    version: str
    headline: Measure
    assessments: int | None  # rounds submitted in the period
    dimensions: tuple[Measure, ...]
    levels: tuple[LevelDistribution, ...]  # overall first, then by dimension
    breakdowns: tuple[Breakdown, ...]
    practices: tuple[Practice, ...]  # questionnaire order
    progress: tuple[Progress, ...]  # overall first
    outcomes: tuple[OutcomeChange, ...]
    verified: Verified
    rho: float  # the version's loss, as OpenDP composed it
    spend: tuple[Spend, ...]

    @property
    def key(self) -> str:
        return f"{self.questionnaire}@{self.version}"

    def breakdown(self, by: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.by == by)


@dataclass(frozen=True)
class Cohort:
    """A benchmark cohort of at least k organisations and the quartiles its
    members' positions are read against (whole points)."""

    scope: str  # section_size, section or all
    key: str  # "C/small", "C" or ""
    count: int
    overall: Quartiles | None
    dimensions: tuple[tuple[str, Quartiles | None], ...]


@dataclass(frozen=True)
class BenchmarkTables:
    """The cohorts of one questionnaire major version (``sme-digital@2``)."""

    major: str
    dimensions: tuple[str, ...]
    cohorts: tuple[Cohort, ...]  # only those of at least k organisations
    rho: float
    spend: tuple[Spend, ...]

    @cached_property
    def _lookup(self) -> dict[tuple[str, str], Cohort]:
        return {(c.scope, c.key): c for c in self.cohorts}

    def cohort(self, scope: str, key: str) -> Cohort | None:
        return self._lookup.get((scope, key))
