"""Releases worked by hand: records in, post-processing, suppression below k, the
budget as OpenDP accounts it, JSON, and reading a stored release."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maturity.core.releases import (
    DEFAULT_BENCHMARK_SETTINGS,
    DEFAULT_SETTINGS,
    FEWER_THAN_K,
    NO_CITY,
    BenchmarkTables,
    Cell,
    CellView,
    Cohort,
    Domain,
    NotPublished,
    OutcomeSpec,
    Record,
    Release,
    Selection,
    Shape,
    aggregates,
    benchmark_position,
    columns,
    compute_benchmark_release,
    compute_release,
    consistency,
    dashboard,
    epsilon_of,
    level_distributions,
    measure_centre,
    mechanisms,
    outcome_changes,
    progress,
    publish,
    records,
    select,
    settings_from,
    size_band,
    weakest_practices,
    yearly_loss,
)
from maturity.core.releases import release as release_module
from maturity.core.releases.aggregates import PARTITIONS, centre_specs
from maturity.core.releases.budget import DEFAULT_SPLIT
from maturity.core.releases.consistency import reconcile
from maturity.core.releases.mechanisms import Measured, Measurements, contribution_bound
from maturity.core.releases.publish import publish_centre, quartiles_of, shown_count

SHAPE = Shape(
    "sme",
    "2.0.0",
    ("design", "data"),
    (("d1", "design"), ("d2", "design"), ("x1", "data")),
    (OutcomeSpec("yield", 10.0),),
)
DOMAIN = Domain(
    sections=("C", "F"),
    sizes=("large", "medium", "small", "micro"),
    provinces=("440000", "110000"),
    city_cells=(
        ("440000", "440100"),
        ("440000", NO_CITY),
        ("110000", "110100"),
        ("110000", NO_CITY),
    ),
)
K = 10


def organisation(
    identifier: int,
    *,
    section: str = "C",
    size: str = "small",
    province: str = "440000",
    city: str | None = "440100",
    index: float = 40.0,
    answers: tuple[int | None, int | None, int | None] = (2, 2, 2),
    change: float | None = None,
    outcome_change: float | None = None,
    verified: bool = False,
) -> Record:
    return Record(
        organisation_id=identifier,
        questionnaire="sme",
        version="2.0.0",
        section=section,
        size=size,
        province=province,
        city=city,
        overall_index=index,
        overall_level=int(index // 20),
        dimension_scores={"design": index - 10, "data": index + 10},
        dimension_levels={"design": 1, "data": 2},
        answers=dict(zip(("d1", "d2", "x1"), answers, strict=True)),
        index_change=change,
        dimension_changes={} if change is None else {"design": change, "data": change},
        outcome_changes={} if outcome_change is None else {"yield": outcome_change},
        verified=verified,
        verified_index=index - 5 if verified else None,
    )


def exact(data: records.Columns, histogram_width: int = 10) -> Measurements:
    """The measurements without noise: what post-processing makes of the truth."""
    return Measurements(
        SHAPE,
        data.domain,
        {
            spec.name: Measured(spec.name, spec.aggregate(data), spec.unit, 1.0, 0.0)
            for spec in centre_specs(SHAPE, data.domain, histogram_width)
        },
        0.0,
    )


def published_counts(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every count a release's JSON holds, wherever it is."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in {"count", "assessments", "total"}:
                yield f"{path}.{key}", inner
            elif key == "counts":
                for level, count in enumerate(inner):
                    yield f"{path}.counts[{level}]", count
            else:
                yield from published_counts(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for position, inner in enumerate(value):
            yield from published_counts(inner, f"{path}[{position}]")


# --- records -----------------------------------------------------------------------


def test_columns_place_records_in_the_public_cells() -> None:
    data = columns(
        SHAPE,
        [
            organisation(1, section="F", size="micro", province="110000", city="110100"),
            organisation(2, city=None),
            organisation(3, city="999999"),  # unknown: the province's "no city" cell
        ],
        DOMAIN,
    )
    assert data.section.tolist() == [1, 0, 0]
    assert data.size.tolist() == [3, 2, 2]
    assert data.city.tolist() == [2, 1, 1]
    assert data.answers.tolist() == [[2, 2, 2]] * 3


def test_one_record_per_organisation() -> None:
    with pytest.raises(ValueError, match="one record per organisation"):
        columns(SHAPE, [organisation(1), organisation(1)], DOMAIN)


def test_codes_outside_the_domain_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown section"):
        columns(SHAPE, [organisation(1, section="Z")], DOMAIN)
    with pytest.raises(ValueError, match=r"sme@1\.0\.0"):
        columns(SHAPE, [replace(organisation(1), version="1.0.0")], DOMAIN)


def test_a_round_without_an_index_is_left_out() -> None:
    data = columns(SHAPE, [organisation(1), replace(organisation(2), overall_index=None)], DOMAIN)
    assert data.organisations.tolist() == [1]


def test_not_applicable_answers_are_not_measured() -> None:
    data = columns(SHAPE, [organisation(1, answers=(None, 5, 0))], DOMAIN)
    answered = aggregates._practices_answered(data)
    assert answered.tolist() == [0, 1, 1]
    # Half levels from the middle: 5 → +5, 0 → −5, not applicable → nothing.
    assert aggregates._practices_level(data).tolist() == [0, 5, -5]


# --- post-processing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("noisy", "shown"),
    [(-3.0, None), (0.0, None), (9.49, None), (9.5, 10), (10.0, 10), (57.5, 58), (57.4, 57)],
)
def test_counts_are_rounded_and_shown_only_from_k(noisy: float, shown: int | None) -> None:
    assert shown_count(noisy, K) == shown


def test_quartiles_from_a_noisy_histogram() -> None:
    # Four organisations in 0..10 and four in 10..20: the quartiles fall at 5, 10, 15.
    assert quartiles_of(np.array([4.0, 4.0, *[0.0] * 8]), 10, 1) == (5.0, 10.0, 15.0)
    # Negative noise is floored at zero before anything is read.
    assert quartiles_of(np.array([-3.0, 4.0, 4.0, *[0.0] * 7]), 10, 1) == (15.0, 20.0, 25.0)
    # Nothing left: no quartiles.
    assert quartiles_of(np.array([-1.0] * 10), 10, 1) is None


def test_without_noise_the_tables_are_the_truth_and_small_groups_are_hidden() -> None:
    people = [
        *(organisation(i, index=40.0, change=10.0, outcome_change=2.0) for i in range(12)),
        *(organisation(100 + i, section="F", index=70.0, verified=True) for i in range(11)),
        *(organisation(200 + i, size="micro", province="110000", city="110100") for i in range(4)),
    ]
    tables = publish_centre(exact(columns(SHAPE, people, DOMAIN)), DEFAULT_SETTINGS)
    # 27 organisations: (12 × 40 + 11 × 70 + 4 × 40) / 27.
    assert tables.headline.count == 27
    assert tables.headline.mean == pytest.approx(round((16 * 40 + 11 * 70) / 27, 2))
    sections = tables.breakdown("section")
    assert sections.cell("C") == Cell(16, 40.0)
    assert sections.cell("F") == Cell(11, 70.0)
    # Four organisations in Beijing: fewer than k, and no mean either.
    assert tables.breakdown("province").cell("110000") == FEWER_THAN_K
    assert tables.breakdown("city").cell("110100") == FEWER_THAN_K
    assert tables.breakdown("city").cell("440100") == Cell(23, round((12 * 40 + 11 * 70) / 23, 2))
    # Not a cell of the table at all.
    assert tables.breakdown("city").cell(NO_CITY) is None
    assert tables.breakdown("section_size").cell("C/small") == Cell(12, 40.0)
    # Dimension scores are index ∓ 10 here.
    design, data = tables.dimensions
    assert (design.count, design.mean) == (27, pytest.approx(tables.headline.mean - 10))
    assert (data.count, data.mean) == (27, pytest.approx(tables.headline.mean + 10))
    # Every answer is 2.
    assert [p.mean for p in tables.practices] == [2.0, 2.0, 2.0]
    # Twelve organisations improved by 10 points and their yield by 2.
    overall, *by_dimension = tables.progress
    assert (overall.count, overall.mean_change) == (12, 10.0)
    assert [p.mean_change for p in by_dimension] == [10.0, 10.0]
    assert [(o.count, o.mean_change) for o in tables.outcomes] == [(12, 2.0)]
    # Eleven verified rounds, their verified index 65.
    assert tables.verified.count == 11
    assert tables.verified.share == pytest.approx(11 / 27, abs=1e-4)
    assert tables.verified.mean_index == 65.0
    # Levels: 16 organisations at level 2, 11 at 3 (fewer than k: hidden).
    overall_levels = tables.levels[0]
    assert overall_levels.counts == (None, None, 16, 11, None, None)
    assert overall_levels.total == 27


def test_means_stay_inside_their_range() -> None:
    people = [organisation(i, index=100.0) for i in range(12)]
    measured = exact(columns(SHAPE, people, DOMAIN))
    inflated = dict(measured.measured)
    for table in PARTITIONS:
        name = f"{table}.index"
        inflated[name] = replace(measured[name], values=measured[name].values + 50_000)
    tables = publish_centre(replace(measured, measured=inflated), DEFAULT_SETTINGS)
    assert tables.headline.mean == 100.0


def test_consistency_keeps_what_already_adds_up() -> None:
    rng = np.random.default_rng(1)
    people = [
        organisation(
            i,
            section=str(rng.choice(DOMAIN.sections)),
            size=str(rng.choice(DOMAIN.sizes)),
            province="110000" if i % 3 else "440000",
            city=None if i % 5 == 0 else ("110100" if i % 3 else "440100"),
        )
        for i in range(60)
    ]
    data = columns(SHAPE, people, DOMAIN)
    truth = {t: aggregates._partition_count(t, data).astype(float) for t in PARTITIONS}
    sigmas = {t: float(s) for t, s in zip(PARTITIONS, (2, 3, 4, 5, 6, 7), strict=True)}
    fitted = reconcile(truth, sigmas, DOMAIN)
    for table in PARTITIONS:
        assert fitted[table] == pytest.approx(truth[table])


@given(st.lists(st.floats(-50, 200), min_size=40, max_size=40))
def test_consistent_cells_add_up_to_their_totals(noise: list[float]) -> None:
    sizes = [1, len(DOMAIN.sections), len(DOMAIN.sizes), 2, 4, len(DOMAIN.section_size_cells)]
    noisy, start = {}, 0
    for table, width in zip(PARTITIONS, sizes, strict=True):
        noisy[table] = np.array(noise[start : start + width])
        start += width
    fitted = reconcile(noisy, dict.fromkeys(PARTITIONS, 1.0), DOMAIN)
    whole = fitted["headline"][0]
    pairs = fitted["section_size"].reshape(len(DOMAIN.sections), len(DOMAIN.sizes))
    assert fitted["section"] == pytest.approx(pairs.sum(axis=1), abs=1e-6)
    assert fitted["size"] == pytest.approx(pairs.sum(axis=0), abs=1e-6)
    assert fitted["province"] == pytest.approx(
        [fitted["city"][:2].sum(), fitted["city"][2:].sum()], abs=1e-6
    )
    for table in ("section", "size", "province", "city", "section_size"):
        assert fitted[table].sum() == pytest.approx(whole, abs=1e-6)


# --- noise and budget --------------------------------------------------------------


def test_opendp_accounts_for_the_budget() -> None:
    data = columns(SHAPE, [organisation(i) for i in range(30)], DOMAIN)
    measured = measure_centre(data)
    assert measured.rho <= DEFAULT_SETTINGS.rho * (1 + 1e-9)
    assert measured.rho == pytest.approx(DEFAULT_SETTINGS.rho, rel=1e-6)
    for name, share in DEFAULT_SPLIT.items():
        assert measured[name].rho == pytest.approx(share, rel=1e-6)


def test_noise_follows_the_split() -> None:
    measured = measure_centre(columns(SHAPE, [organisation(1)], DOMAIN))
    # σ = bound / √(2ρ): the index sum of a section × size cell, bound 50 points.
    expected = 50 / math.sqrt(2 * DEFAULT_SETTINGS.rho_of("section_size.index"))
    assert measured["section_size.index"].sigma == pytest.approx(expected, rel=1e-3)
    # A count: bound 1.
    assert measured["city.count"].sigma == pytest.approx(2.0, rel=1e-3)


def test_the_contribution_bound_is_opendps() -> None:
    assert contribution_bound(-5000, 5000, 1) == 5000
    assert contribution_bound(0, 1, 6) == pytest.approx(math.sqrt(6))


def test_every_release_draws_fresh_noise() -> None:
    data = columns(SHAPE, [organisation(i) for i in range(30)], DOMAIN)
    first, second = measure_centre(data), measure_centre(data)
    assert not np.array_equal(first["city.index"].values, second["city.index"].values)


def test_a_scaled_budget_keeps_its_split() -> None:
    half = DEFAULT_SETTINGS.scaled(DEFAULT_SETTINGS.rho / 2)
    assert half.rho == pytest.approx(DEFAULT_SETTINGS.rho / 2)
    assert half.rho_of("city.index") == pytest.approx(DEFAULT_SETTINGS.rho_of("city.index") / 2)


def test_epsilon_is_opendps_conversion() -> None:
    # Tighter than the textbook ρ + 2√(ρ ln 1/δ) = 2.76 for ρ = 1/8, δ = 1e-6.
    assert epsilon_of(0.125, 1e-6) == pytest.approx(2.419, abs=1e-3)
    assert epsilon_of(0.0) == 0.0
    assert epsilon_of(1.0) < epsilon_of(2.0)


def test_yearly_loss_adds_up_every_release_an_organisation_is_in() -> None:
    one = yearly_loss(centres=1)
    two = yearly_loss(centres=2)
    assert one.rho == pytest.approx(5 * DEFAULT_SETTINGS.rho + 5 * DEFAULT_BENCHMARK_SETTINGS.rho)
    assert two.rho - one.rho == pytest.approx(5 * DEFAULT_SETTINGS.rho)
    assert yearly_loss(benchmark=None).rho == pytest.approx(5 * DEFAULT_SETTINGS.rho)


def test_settings_refuse_what_the_noise_cannot_be_built_from() -> None:
    with pytest.raises(ValueError):
        settings_from({**DEFAULT_SPLIT, "city.index": 0.0})
    with pytest.raises(ValueError):
        settings_from(DEFAULT_SPLIT, k=0)
    with pytest.raises(ValueError):
        settings_from(DEFAULT_SPLIT, histogram_width=7)


# --- the release, stored -----------------------------------------------------------

attributes = st.fixed_dictionaries(
    {
        "section": st.sampled_from(DOMAIN.sections),
        "size": st.sampled_from(DOMAIN.sizes),
        "place": st.sampled_from([("440000", "440100"), ("440000", None), ("110000", "110100")]),
        "index": st.floats(0, 100),
        "answers": st.tuples(*[st.one_of(st.none(), st.integers(0, 5))] * 3),
        "change": st.one_of(st.none(), st.floats(-100, 100)),
    }
)


def population(raw: list[dict[str, Any]]) -> list[Record]:
    return [
        organisation(
            i,
            section=r["section"],
            size=r["size"],
            province=r["place"][0],
            city=r["place"][1],
            index=r["index"],
            answers=r["answers"],
            change=r["change"],
        )
        for i, r in enumerate(raw)
    ]


def release_of(people: list[Record], k: int = K) -> Release:
    return compute_release(
        "centre:1",
        "2026-Q1",
        people,
        [SHAPE],
        settings=replace(DEFAULT_SETTINGS, k=k),
        domain=DOMAIN,
    )


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(attributes, max_size=60), st.integers(2, 30))
def test_no_count_from_1_to_k_minus_1_is_ever_published(raw: list[dict[str, Any]], k: int) -> None:
    stored = json.loads(release_of(population(raw), k).to_json())
    counts = list(published_counts(stored))
    assert counts, "a release always has its tables"
    for where, count in counts:
        assert count is None or count >= k, where


def test_a_release_has_every_table_even_without_records() -> None:
    empty = release_of([])
    tables = empty.tables("sme@2.0.0")
    assert tables is not None
    assert tables.headline.count is None
    assert [b.by for b in tables.breakdowns] == [
        "section",
        "size",
        "province",
        "city",
        "section_size",
    ]
    assert all(not b.cells for b in tables.breakdowns)


def test_a_version_nobody_answered_shows_no_organisation_anywhere() -> None:
    # The level and practice tables carry far more noise per cell than the headline
    # count: read alone, they used to show a dozen organisations at level 0 of a
    # version no one had answered.
    for _ in range(20):
        stored = json.loads(release_of([]).to_json())
        assert {count for _where, count in published_counts(stored)} == {None}
        tables = release_of([]).tables("sme@2.0.0")
        assert tables is not None
        assert all(p.mean is None for p in tables.practices)
        assert all(p.mean_change is None for p in tables.progress)


def test_json_round_trip() -> None:
    release = release_of([organisation(i, change=5.0) for i in range(40)])
    text = release.to_json()
    again = Release.from_json(text)
    assert again == release
    assert again.to_json() == text
    stored = json.loads(text)
    assert stored["format"] == 1
    assert stored["k"] == K
    assert stored["rho"] == pytest.approx(DEFAULT_SETTINGS.rho)
    assert "OpenDP" in stored["mechanism"]
    assert {s["name"] for s in stored["versions"][0]["spend"]} == set(DEFAULT_SPLIT)


def test_a_release_of_another_format_is_refused() -> None:
    stored = json.loads(release_of([]).to_json())
    stored["format"] = 2
    with pytest.raises(ValueError):
        Release.from_json(json.dumps(stored))


FILTERS = st.fixed_dictionaries(
    {
        "section": st.sampled_from([None, "C", "F", "Q"]),
        "size": st.sampled_from([None, "small", "micro"]),
        "province": st.sampled_from([None, "440000", "110000"]),
        "city": st.sampled_from([None, "440100", "110100"]),
    }
)
STORED = release_of(
    [organisation(i, index=float(i % 90), change=float(i % 7)) for i in range(120)]
    + [organisation(500 + i, section="F", size="micro") for i in range(40)]
).to_json()


@given(FILTERS)
def test_the_same_release_always_serves_the_same_figures(filters: dict[str, str | None]) -> None:
    first, second = Release.from_json(STORED), Release.from_json(STORED)
    assert dashboard(first, "sme@2.0.0", **filters) == dashboard(second, "sme@2.0.0", **filters)
    assert dashboard(first, "sme@2.0.0", **filters) == dashboard(first, "sme@2.0.0", **filters)
    assert weakest_practices(first, "sme@2.0.0") == weakest_practices(second, "sme@2.0.0")


def test_reading_computes_nothing_from_records(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a page must not measure or aggregate records")

    for module, name in (
        (mechanisms, "measure"),
        (release_module, "measure"),
        (records, "columns"),
        (release_module, "columns"),
        (consistency, "reconcile"),
        (publish, "reconcile"),
        (np, "bincount"),
    ):
        monkeypatch.setattr(module, name, refuse)
    release = Release.from_json(STORED)
    assert isinstance(dashboard(release, "sme@2.0.0"), type(release.versions[0]))
    assert isinstance(dashboard(release, "sme@2.0.0", section="C"), CellView)
    weakest_practices(release, "sme@2.0.0")
    progress(release, "sme@2.0.0")
    outcome_changes(release, "sme@2.0.0")
    level_distributions(release, "sme@2.0.0")


# --- reading -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "selected"),
    [
        ({}, Selection("headline")),
        ({"section": "C"}, Selection("section", "C")),
        ({"size": "small"}, Selection("size", "small")),
        ({"province": "440000"}, Selection("province", "440000")),
        ({"city": "440100"}, Selection("city", "440100")),
        ({"section": "C", "size": "small"}, Selection("section_size", "C/small")),
        ({"province": "440000", "city": "440100"}, Selection("city", "440100")),
    ],
)
def test_each_filter_reads_one_published_table(
    filters: dict[str, str], selected: Selection
) -> None:
    assert select(**filters) == selected


@pytest.mark.parametrize(
    "filters",
    [
        {"section": "C", "province": "440000"},
        {"size": "small", "city": "440100"},
        {"section": "C", "size": "small", "province": "440000"},
        {"province": "110000", "city": "440100"},  # a city outside its province
    ],
)
def test_no_cross_tabulation_is_computed_at_query_time(filters: dict[str, str]) -> None:
    assert isinstance(select(**filters), NotPublished)
    assert isinstance(dashboard(Release.from_json(STORED), "sme@2.0.0", **filters), NotPublished)


def test_a_dashboard_cell() -> None:
    release = Release.from_json(STORED)
    view = dashboard(release, "sme@2.0.0", section="C", size="small")
    assert isinstance(view, CellView)
    assert (view.table, view.code) == ("section_size", "C/small")
    assert view.figures.count is not None and view.figures.count >= K
    assert isinstance(dashboard(release, "sme@9.0.0"), NotPublished)
    assert isinstance(dashboard(release, "sme@2.0.0", section="Q"), NotPublished)


def test_weakest_practices_are_the_lowest_published_means() -> None:
    release = Release.from_json(STORED)
    tables = release.versions[0]
    practices = [
        replace(tables.practices[0], mean=3.0),
        replace(tables.practices[1], mean=1.5),
        replace(tables.practices[2], count=None, mean=None),
    ]
    changed = replace(release, versions=(replace(tables, practices=tuple(practices)),))
    assert [p.question_id for p in weakest_practices(changed, "sme@2.0.0")] == ["d2", "d1"]
    assert [p.question_id for p in weakest_practices(changed, "sme@2.0.0", 1)] == ["d2"]


QUARTILES = (30.0, 45.0, 60.0)


def benchmark_release(*cohorts: Cohort) -> Release:
    return Release(
        population="platform",
        period="2026-Q1",
        revision=1,
        k=K,
        mechanism="",
        neighbouring="",
        opendp="",
        rho=0.5,
        epsilon=3.0,
        delta=1e-6,
        benchmark=(BenchmarkTables("sme@2", ("design", "data"), cohorts, 0.5, ()),),
    )


def cohort(scope: str, key: str, count: int) -> Cohort:
    return Cohort(scope, key, count, QUARTILES, (("design", QUARTILES), ("data", None)))


@pytest.mark.parametrize(
    ("score", "quarter"), [(0.0, 1), (29.9, 1), (30.0, 2), (45.0, 3), (59.9, 3), (60.0, 4)]
)
def test_the_benchmark_shows_the_quarter_of_the_cohort(score: float, quarter: int) -> None:
    release = benchmark_release(cohort("section_size", "C/small", 25))
    position = benchmark_position(
        release, questionnaire="sme", version="2.1.0", section="C", size="small",
        overall_index=score, dimension_scores={"design": score, "data": score},
    )  # fmt: skip
    assert (position.scope, position.cohort, position.band) == ("section_size", "C/small", "20–49")
    assert position.overall is not None and position.overall.quarter == quarter
    assert position.dimensions["design"] is not None
    assert position.dimensions["design"].quarter == quarter
    assert position.dimensions["data"] is None  # no quartiles published


def test_the_benchmark_widens_to_the_section_then_to_all() -> None:
    release = benchmark_release(cohort("section", "C", 140), cohort("all", "", 5000))
    position = benchmark_position(
        release, questionnaire="sme", version="2.0.0", section="C", size="small", overall_index=50
    )
    assert (position.scope, position.cohort, position.band) == ("section", "C", "100+")
    position = benchmark_position(
        release, questionnaire="sme", version="2.0.0", section="F", size="small", overall_index=50
    )
    assert (position.scope, position.cohort) == ("all", "")
    nothing = benchmark_position(
        benchmark_release(), questionnaire="sme", version="2.0.0", section="F", size="small",
        overall_index=50,
    )  # fmt: skip
    assert nothing.scope is None and nothing.overall is None
    other_major = benchmark_position(
        release, questionnaire="sme", version="3.0.0", section="C", size="small", overall_index=50
    )
    assert other_major.scope is None


def test_the_benchmark_widens_past_a_cohort_too_small_to_read() -> None:
    # A cohort of a dozen publishes no quartiles (its histogram's noise outweighs its
    # members); the SME is placed in its section instead, and the page says so.
    small = Cohort("section_size", "C/small", 12, None, (("design", None), ("data", None)))
    release = benchmark_release(small, cohort("section", "C", 300))
    position = benchmark_position(
        release, questionnaire="sme", version="2.0.0", section="C", size="small", overall_index=50
    )
    assert (position.scope, position.cohort) == ("section", "C")
    people = [organisation(i, index=float(i % 100)) for i in range(30)]
    computed = compute_benchmark_release("platform", "2026", people, [SHAPE], domain=DOMAIN)
    tables = computed.cohorts("sme@2")
    assert tables is not None
    assert all(c.overall is None for c in tables.cohorts)


def test_small_groups_show_count_and_mean_without_quartiles_or_levels() -> None:
    for _ in range(5):
        tables = release_of([organisation(i, index=float(i)) for i in range(40)]).tables(
            "sme@2.0.0"
        )
        assert tables is not None
        if tables.headline.count is None:
            continue
        assert tables.headline.mean is not None and tables.headline.quartiles is None
        assert all(n is None for n in tables.levels[0].counts)
        # Sums measured with much noise per organisation: counts, no means.
        assert all(d.mean is None for d in tables.dimensions)
        assert all(p.mean is None for p in tables.practices)
        assert all(d.count is None or d.count <= tables.headline.count for d in tables.dimensions)
    large = release_of([organisation(i, index=i / 4) for i in range(400)]).tables("sme@2.0.0")
    assert large is not None and large.headline.quartiles is not None
    lower, median, upper = large.headline.quartiles
    assert lower <= median <= upper
    assert any(n is not None for n in large.levels[0].counts)
    assert all(d.mean is not None for d in large.dimensions)
    assert all(p.mean is not None for p in large.practices)


@pytest.mark.parametrize(
    ("count", "band"), [(10, "10–19"), (19, "10–19"), (20, "20–49"), (99, "50–99"), (100, "100+")]
)
def test_cohort_sizes_are_shown_as_bands(count: int, band: str) -> None:
    assert size_band(count, 10) == band


def test_the_benchmark_release_from_records() -> None:
    # Enough for the quartiles of everyone to read through the noise (publish.READABLE).
    people = [organisation(i, index=i / 2) for i in range(200)]
    people += [replace(organisation(300 + i, section="F"), version="2.1.0") for i in range(3)]
    shapes = [SHAPE, replace(SHAPE, version="2.1.0")]
    release = compute_benchmark_release("platform", "2026", people, shapes, domain=DOMAIN)
    tables = release.cohorts("sme@2")
    assert tables is not None
    assert release.rho == pytest.approx(DEFAULT_BENCHMARK_SETTINGS.rho, rel=1e-6)
    for stored in tables.cohorts:
        assert stored.count >= DEFAULT_BENCHMARK_SETTINGS.k
        assert stored.overall is None or stored.overall[0] <= stored.overall[1] <= stored.overall[2]
    assert Release.from_json(release.to_json()) == release
    position = benchmark_position(
        release, questionnaire="sme", version="2.1.0", section="C", size="small", overall_index=50
    )
    assert position.scope in {"section_size", "section", "all"}
