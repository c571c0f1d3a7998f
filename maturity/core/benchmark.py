"""Peer benchmark: which cohort an organisation is compared with, and where it stands.

Cohort (PRODUCT.md "Benchmark and aggregation"): the latest completed assessment of
every *other* organisation on the same questionnaire version in the same industry
section and size class; with fewer than k of them, the same industry section; then
all. With fewer than k even then, nothing is shown. A dimension that fewer than k
cohort members could be scored on is not shown either.

Percentile rank: the share of the cohort scoring below, counting ties half,
×100 — so the middle of a cohort is at 50 whatever its size.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Standing:
    percentile: float
    peers: int  # how many cohort members were scored on this


@dataclass(frozen=True)
class Benchmark:
    scope: CohortScope | None  # None: fewer than k peers even in the widest cohort
    cohort_size: int
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
        return Benchmark(None, 0, min_cohort, {d: None for d in dimension_scores}, None)

    def standing(value: float | None, others: list[float]) -> Standing | None:
        if value is None or len(others) < min_cohort:
            return None
        return Standing(percentile_rank(value, others), len(others))

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
    return Benchmark(scope, len(cohort), min_cohort, dimensions, overall)
