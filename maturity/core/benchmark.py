"""Peer benchmark: which cohort an organisation is compared with, and where it stands.

Cohort (PRODUCT.md "Benchmark and aggregation"): the latest completed assessment of
every *other* organisation on the same questionnaire version in the same industry
section and size class; with fewer than k of them, the same industry section; then
all. With fewer than k even then, nothing is shown. A dimension that fewer than k
cohort members could be scored on is not shown either.

Percentile rank: the share of the cohort scoring below, counting ties half,
×100 — so the middle of a cohort is at 50 whatever its size.

Beside it, where the organisation stands among its peers is drawn against the
cohort's quartiles (lower quartile, median, upper quartile; linear interpolation),
each rounded to 5 points like the percentile: a figure of the cohort, never of one
peer, and one that does not move when the organisation changes its own answers.

What is shown is coarse on purpose (PRODUCT.md "Benchmark and aggregation"): the
percentile rounded to 5 and the cohort's size as a band, so that submitting chosen
answers and watching the percentile move cannot map the peers. (The services count
only peers' rounds submitted before today, so that the cohort does not move either.)
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise


class CohortScope(enum.StrEnum):
    SECTION_AND_SIZE = "section_and_size"
    SECTION = "section"
    ALL = "all"


@dataclass(frozen=True)
class PeerResult:
    organisation_id: int
    industry_section: str
    size_class: str
    dimension_scores: Mapping[str, float]  # assessed dimensions only
    overall_index: float | None


PERCENTILE_STEP = 5
BAND_EDGES = (20, 50, 100)  # cohort sizes are shown as k–19, 20–49, 50–99, 100+


@dataclass(frozen=True)
class SizeBand:
    low: int
    high: int | None  # None: no upper bound

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}–{self.high}"


def size_band(size: int, min_cohort: int) -> SizeBand:
    """The band of a cohort of ``size`` (at least ``min_cohort``) peers."""
    edges = [min_cohort, *(edge for edge in BAND_EDGES if edge > min_cohort)]
    for low, high in pairwise(edges):
        if size < high:
            return SizeBand(low, high - 1)
    return SizeBand(edges[-1], None)


def rounded_percentile(percentile: float) -> int:
    """To the nearest multiple of 5 (halves up)."""
    return int(PERCENTILE_STEP * int(percentile / PERCENTILE_STEP + 0.5))


@dataclass(frozen=True)
class Quartiles:
    lower: int  # each rounded to 5
    median: int
    upper: int


def quartiles(values: Sequence[float]) -> Quartiles:
    """The cohort's quartiles, each rounded to 5 (at least two values)."""
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return Quartiles(
        rounded_percentile(lower), rounded_percentile(median), rounded_percentile(upper)
    )


@dataclass(frozen=True)
class Standing:
    percentile: int  # rounded to 5
    peers: SizeBand  # how many cohort members were scored on this
    spread: Quartiles | None = None  # the peers' scores


@dataclass(frozen=True)
class Benchmark:
    scope: CohortScope | None  # None: fewer than k peers even in the widest cohort
    cohort: SizeBand | None
    min_cohort: int
    dimensions: Mapping[str, Standing | None]  # None: fewer than k peers scored on it
    overall: Standing | None

    @property
    def shown(self) -> bool:
        return self.scope is not None


def percentile_rank(value: float, others: Sequence[float]) -> float:
    if not others:
        raise ValueError("no peers to rank against")
    below = sum(1 for other in others if other < value)
    equal = sum(1 for other in others if other == value)
    return 100 * (below + equal / 2) / len(others)


def choose_cohort(
    organisation_id: int,
    industry_section: str,
    size_class: str,
    peers: Iterable[PeerResult],
    min_cohort: int,
) -> tuple[CohortScope | None, list[PeerResult]]:
    others = [peer for peer in peers if peer.organisation_id != organisation_id]
    candidates = [
        (
            CohortScope.SECTION_AND_SIZE,
            [
                p
                for p in others
                if p.industry_section == industry_section and p.size_class == size_class
            ],
        ),
        (CohortScope.SECTION, [p for p in others if p.industry_section == industry_section]),
        (CohortScope.ALL, others),
    ]
    for scope, cohort in candidates:
        if len(cohort) >= min_cohort:
            return scope, cohort
    return None, []


def benchmark(
    organisation_id: int,
    industry_section: str,
    size_class: str,
    dimension_scores: Mapping[str, float],
    overall_index: float | None,
    peers: Iterable[PeerResult],
    min_cohort: int,
) -> Benchmark:
    if min_cohort < 1:
        raise ValueError("the minimum cohort size must be at least 1")
    scope, cohort = choose_cohort(organisation_id, industry_section, size_class, peers, min_cohort)
    if scope is None:
        return Benchmark(None, None, min_cohort, {d: None for d in dimension_scores}, None)

    def standing(value: float | None, others: list[float]) -> Standing | None:
        if value is None or len(others) < min_cohort:
            return None
        return Standing(
            rounded_percentile(percentile_rank(value, others)),
            size_band(len(others), min_cohort),
            quartiles(others) if len(others) > 1 else None,
        )

    dimensions = {
        dimension_id: standing(
            score,
            [
                p.dimension_scores[dimension_id]
                for p in cohort
                if dimension_id in p.dimension_scores
            ],
        )
        for dimension_id, score in dimension_scores.items()
    }
    overall = standing(
        overall_index, [p.overall_index for p in cohort if p.overall_index is not None]
    )
    return Benchmark(scope, size_band(len(cohort), min_cohort), min_cohort, dimensions, overall)
