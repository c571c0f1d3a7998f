"""Peer cohorts and percentile ranks, worked by hand."""

from __future__ import annotations

import pytest

from maturity.core.benchmark import (
    Benchmark,
    CohortScope,
    PeerResult,
    Quartiles,
    SizeBand,
    Standing,
    benchmark,
    choose_cohort,
    percentile_rank,
    quartiles,
    rounded_percentile,
    size_band,
)


def peer(
    organisation_id: int,
    section: str = "C",
    size: str = "small",
    overall: float | None = 50.0,
    **dimensions: float,
) -> PeerResult:
    return PeerResult(organisation_id, section, size, dimensions, overall)


def test_percentile_counts_those_below_and_half_of_the_ties() -> None:
    assert percentile_rank(50, [10, 20, 50, 50, 90]) == 100 * (2 + 2 / 2) / 5
    assert percentile_rank(50, [50]) == 50.0
    assert percentile_rank(5, [10, 20]) == 0.0
    assert percentile_rank(30, [10, 20]) == 100.0
    with pytest.raises(ValueError, match=r"^no peers to rank against$"):
        percentile_rank(1, [])


def test_the_narrowest_cohort_with_k_peers_is_chosen_and_the_organisation_left_out() -> None:
    same = [peer(i) for i in range(1, 3)]  # section C, small
    section_only = [peer(i, size="medium") for i in range(3, 5)]
    others = [peer(i, section="F", size="small") for i in range(5, 7)]
    everyone = [peer(99), *same, *section_only, *others]  # 99 is the organisation itself

    scope, cohort = choose_cohort(99, "C", "small", everyone, 2)
    assert (scope, [p.organisation_id for p in cohort]) == (CohortScope.SECTION_AND_SIZE, [1, 2])
    scope, cohort = choose_cohort(99, "C", "small", everyone, 3)
    assert (scope, [p.organisation_id for p in cohort]) == (CohortScope.SECTION, [1, 2, 3, 4])
    # Peers of the same size in another section do not count for "same section".
    scope, cohort = choose_cohort(99, "C", "small", [peer(99), *same, *others], 3)
    assert (scope, len(cohort)) == (CohortScope.ALL, 4)
    assert choose_cohort(99, "C", "small", everyone, 7) == (None, [])
    # The organisation itself never counts, even when it alone would complete a cohort.
    assert choose_cohort(1, "C", "small", same, 2) == (None, [])


def test_standings_per_dimension_and_overall() -> None:
    peers = [peer(i, overall=10.0 * i, a=10.0 * i) for i in range(1, 5)]  # 10 20 30 40
    peers += [peer(5, overall=None)]  # no overall index, no dimension a
    result = benchmark(99, "C", "small", {"a": 30.0}, 25.0, peers, 4)
    # a: 62.5 (2 below, one tie of 4) shown as 65; overall 50; cohorts as bands.
    assert result == Benchmark(
        scope=CohortScope.SECTION_AND_SIZE,
        cohort=SizeBand(4, 19),
        min_cohort=4,
        # quartiles of 10 20 30 40: 17.5, 25, 32.5, shown to the nearest 5
        dimensions={"a": Standing(65, SizeBand(4, 19), Quartiles(20, 25, 35))},
        overall=Standing(50, SizeBand(4, 19), Quartiles(20, 25, 35)),
    )
    assert result.shown


def test_a_dimension_or_overall_scored_by_fewer_than_k_peers_is_not_shown() -> None:
    peers = [peer(i, overall=None, a=float(i)) for i in range(1, 4)]
    peers += [peer(4, overall=40.0)]
    result = benchmark(99, "C", "small", {"a": 2.0, "b": 1.0}, 40.0, peers, 3)
    assert result.dimensions == {"a": Standing(50, SizeBand(3, 19), Quartiles(0, 0, 5)), "b": None}
    assert result.overall is None  # one peer has an overall index


def test_no_cohort_no_standings() -> None:
    result = benchmark(99, "C", "small", {"a": 10.0}, 10.0, [peer(1, a=5.0)], 2)
    assert result == Benchmark(None, None, 2, {"a": None}, None)
    assert not result.shown
    with pytest.raises(ValueError, match=r"^the minimum cohort size must be at least 1$"):
        benchmark(99, "C", "small", {}, None, [], 0)


def test_an_organisation_without_an_overall_index_gets_no_overall_standing() -> None:
    peers = [peer(i) for i in range(1, 4)]
    assert benchmark(99, "C", "small", {}, None, peers, 2).overall is None


def test_a_cohort_of_one_is_allowed_when_k_is_one() -> None:
    result = benchmark(99, "C", "small", {"a": 5.0}, 5.0, [peer(1, overall=1.0, a=9.0)], 1)
    assert result.dimensions == {"a": Standing(0, SizeBand(1, 19))}
    assert result.overall == Standing(100, SizeBand(1, 19))


def test_the_organisations_own_result_is_never_its_own_peer() -> None:
    peers = [peer(99, overall=90.0), *(peer(i, overall=10.0) for i in range(1, 3))]
    result = benchmark(99, "C", "small", {}, 90.0, peers, 2)
    assert (result.cohort, result.overall) == (
        SizeBand(2, 19),
        Standing(100, SizeBand(2, 19), Quartiles(10, 10, 10)),
    )


def test_percentiles_are_shown_rounded_to_five() -> None:
    assert [rounded_percentile(p) for p in (0, 2.4, 2.5, 62.5, 66.67, 91.666, 97.5, 100)] == [
        0,
        0,
        5,
        65,
        65,
        90,
        100,
        100,
    ]


def test_cohort_sizes_are_shown_as_bands() -> None:
    assert [size_band(n, 10).label for n in (10, 19, 20, 49, 50, 99, 100, 5000)] == [
        "10–19",
        "10–19",
        "20–49",
        "20–49",
        "50–99",
        "50–99",
        "100+",
        "100+",
    ]
    assert size_band(30, 25) == SizeBand(25, 49)
    assert size_band(200, 150) == SizeBand(150, None)


def test_quartiles_interpolate_and_are_shown_to_the_nearest_5() -> None:
    assert quartiles([40.0, 10.0, 30.0, 20.0]) == Quartiles(20, 25, 35)
    assert quartiles([0.0, 100.0]) == Quartiles(25, 50, 75)
    assert quartiles([62.0] * 12) == Quartiles(60, 60, 60)
    # One peer more or less moves a quartile by a fraction, not to that peer's score.
    cohort = [float(v) for v in range(30, 80, 5)]  # 30 35 … 75
    assert quartiles(cohort) == Quartiles(40, 55, 65)  # 41.25, 52.5, 63.75
    assert quartiles([*cohort, 100.0]) == Quartiles(45, 55, 70)  # 42.5, 55, 67.5
