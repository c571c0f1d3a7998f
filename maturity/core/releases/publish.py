"""From noisy measurements to published tables: post-processing only.

Nothing here sees a record, so nothing here can spend privacy. The rules:

- the six partitions are made consistent first (``consistency``);
- a count is rounded, and shown only when it is at least k: a noisy count below k
  — including zero and anything negative — reads "fewer than k", and the figures
  of that group (its mean, its quartiles) are not shown either;
- a mean is its noisy sum over its noisy count, measured from the middle of the
  range (so that the count's noise barely moves it), then kept inside the range;
- quartiles are read off a histogram whose noisy bins are floored at zero, by
  linear interpolation: ordered by construction, inside 0..100;
- level distributions and other tables are not forced to add up to the headline:
  forcing them would spread the noise of one cell over the others and let a hidden
  cell be recovered by subtraction;
- a version whose headline count reads "fewer than k" publishes nothing else, and a
  measure whose count does publishes no level distribution: the noise of a table of
  many cells, over a handful of organisations or none, would otherwise show
  organisations that are not there (a version nobody answered showing a dozen at
  level 0);
- quartiles and level distributions are shown only for groups large enough to read
  them: where the noise is at most a tenth of the group (``READABLE``). The
  histograms carry much noise per bin (it is what keeps one organisation's bin from
  showing), so a group of 15 read a lower quartile above its own mean; such a group
  shows its count and mean and says why the rest is missing;
- likewise a mean is shown only where the noise leaves it a standard error of at most
  ``MEAN_TOLERANCE`` (5 points of an index, 2.5 of a change between rounds, a quarter
  of a practice level, a tenth of an outcome's change bound): the budget gives the
  dimensions, practices and progress little noise per organisation but much per sum,
  and a centre of 34 read five practices at a mean level of 0.00 and changes of
  ±10 points that were noise; a count, never larger than the organisations it is
  part of, is still shown.
"""

from __future__ import annotations

import math

import numpy as np

from maturity.core.releases.aggregates import BREAKDOWNS, COHORT_SCOPES, PARTITIONS, SCORE_CENTRE
from maturity.core.releases.budget import Settings
from maturity.core.releases.consistency import reconcile
from maturity.core.releases.mechanisms import Measurements
from maturity.core.releases.records import LEVELS, NO_CITY, OVERALL, Domain, FloatArray
from maturity.core.releases.tables import (
    FEWER_THAN_K,
    BenchmarkTables,
    Breakdown,
    Cell,
    Cohort,
    LevelDistribution,
    Measure,
    OutcomeChange,
    Practice,
    Progress,
    Quartiles,
    Spend,
    Verified,
    VersionTables,
)

MEAN_DECIMALS = 2
QUARTILE_DECIMALS = 1
PRACTICE_CENTRE = 2.5


def shown_count(value: float, k: int) -> int | None:
    """A noisy count as published: rounded, or None ("fewer than k")."""
    rounded = int(np.floor(value + 0.5))
    return rounded if rounded >= k else None


# Quartiles and level distributions are shown when the noise they carry is at most
# this share of the group's count (see the module's rules).
READABLE = 0.1


def readable(count: int | None, noise: float) -> bool:
    """Whether a group of ``count`` reads through noise of this standard deviation."""
    return count is not None and noise <= READABLE * count


def histogram_noise(sigma: float, bins: int) -> float:
    """The noise on a quartile's rank, in organisations: the cumulative sum up to the
    median holds about half the bins' noise."""
    return sigma * math.sqrt(bins / 2)


# The largest standard error a published mean may have, by kind (see the module's
# rules); a mean over a noisy count n has the standard error σ(sum) / n.
MEAN_TOLERANCE = {"index": 5.0, "change": 2.5, "level": 0.25, "outcome": 0.1}


def precise(sigma: float, count: int | None, kind: str) -> bool:
    """Whether a mean of ``count`` over a sum with noise ``sigma`` is precise enough."""
    return count is not None and sigma / count <= MEAN_TOLERANCE[kind]


def _mean(total: float, count: float, centre: float, low: float, high: float) -> float:
    return round(float(min(max(centre + total / count, low), high)), MEAN_DECIMALS)


def quartiles_of(histogram: FloatArray, width: int, decimals: int) -> Quartiles | None:
    """Lower quartile, median and upper quartile of a noisy histogram of 0..100."""
    floored = np.clip(histogram, 0.0, None)
    total = float(floored.sum())
    if total <= 0:
        return None
    cumulative = np.concatenate([[0.0], np.cumsum(floored)]) / total
    edges = np.arange(len(floored) + 1, dtype=np.float64) * width
    lower, median, upper = (
        round(float(np.interp(p, cumulative, edges)), decimals) for p in (0.25, 0.5, 0.75)
    )
    return lower, median, upper


def breakdown_codes(domain: Domain, by: str) -> tuple[str, ...]:
    """The published codes of a table's cells, in domain order."""
    if by == "section":
        return domain.sections
    if by == "size":
        return domain.sizes
    if by == "province":
        return domain.provinces
    if by == "city":
        return tuple(city for _province, city in domain.city_cells)
    if by == "section_size":
        return tuple(f"{section}/{size}" for section, size in domain.section_size_cells)
    raise KeyError(by)


def _spend(measurements: Measurements) -> tuple[Spend, ...]:
    return tuple(
        Spend(m.name, m.rho, m.sigma)
        for m in sorted(measurements.measured.values(), key=lambda m: m.name)
    )


def publish_centre(measurements: Measurements, settings: Settings) -> VersionTables:
    """The tables of one version of a centre's (or the platform's) release."""
    k, shape, domain = settings.k, measurements.shape, measurements.domain
    m = measurements
    counts = reconcile(
        {t: m[f"{t}.count"].natural for t in PARTITIONS},
        {t: m[f"{t}.count"].sigma for t in PARTITIONS},
        domain,
    )
    sums = reconcile(
        {t: m[f"{t}.index"].natural for t in PARTITIONS},
        {t: m[f"{t}.index"].sigma for t in PARTITIONS},
        domain,
    )

    def index_cell(count: float, total: float, sigma: float) -> Cell:
        shown = shown_count(count, k)
        if shown is None:
            return FEWER_THAN_K
        if not precise(sigma, shown, "index"):
            return Cell(shown, None)
        return Cell(shown, _mean(total, count, SCORE_CENTRE, 0.0, 100.0))

    bins = 100 // settings.histogram_width
    histograms = m["distributions"].natural.reshape(-1, bins)

    quartile_noise = histogram_noise(m["distributions"].sigma, bins)

    def measure(
        key: str, count: float, total: float, sigma: float, histogram: FloatArray
    ) -> Measure:
        cell = index_cell(count, total, sigma)
        if not cell.shown:
            return Measure(key, None, None, None)
        spread = (
            quartiles_of(histogram, settings.histogram_width, QUARTILE_DECIMALS)
            if readable(cell.count, quartile_noise)
            else None
        )
        return Measure(key, cell.count, cell.mean, spread)

    headline = measure(
        OVERALL,
        counts["headline"][0],
        sums["headline"][0],
        m["headline.index"].sigma,
        histograms[0],
    )
    # No part of the organisations counts more than all of them.
    ceiling = float(headline.count or 0)
    dimension_counts = np.minimum(m["dimensions.count"].natural, ceiling)
    dimension_sums = m["dimensions.score"].natural
    dimensions = tuple(
        measure(
            d,
            dimension_counts[i],
            dimension_sums[i],
            m["dimensions.score"].sigma,
            histograms[1 + i],
        )
        for i, d in enumerate(shape.dimensions)
    )

    if headline.count is None:
        return _nothing_published(measurements, dimensions)

    level_counts = m["levels"].natural.reshape(-1, LEVELS)
    totals = [headline.count, *(d.count for d in dimensions)]
    level_noise = m["levels"].sigma
    levels = tuple(
        LevelDistribution(
            key,
            tuple(shown_count(c, k) if readable(total, level_noise) else None for c in row),
            total,
        )
        for key, row, total in zip((OVERALL, *shape.dimensions), level_counts, totals, strict=True)
    )

    breakdowns = []
    for by in BREAKDOWNS:
        codes = breakdown_codes(domain, by)
        cells = []
        for position, code in enumerate(codes):
            if by == "city" and code == NO_CITY:
                continue
            cell = index_cell(counts[by][position], sums[by][position], m[f"{by}.index"].sigma)
            if cell.shown:
                cells.append((code, cell))
        published = tuple(c for c in codes if c != NO_CITY) if by == "city" else codes
        breakdowns.append(Breakdown(by, published, tuple(cells)))

    answered = np.minimum(m["practices.count"].natural, ceiling)
    level_sums, level_sigma = m["practices.level"].natural, m["practices.level"].sigma
    practices = []
    for i, (question, dimension) in enumerate(shape.questions):
        count = shown_count(answered[i], k)
        mean = (
            _mean(level_sums[i], answered[i], PRACTICE_CENTRE, 0.0, 5.0)
            if precise(level_sigma, count, "level")
            else None
        )
        practices.append(Practice(question, dimension, count, mean))

    changed = np.minimum(m["progress.count"].natural, ceiling)
    change_sums, change_sigma = m["progress.change"].natural, m["progress.change"].sigma
    progress = []
    for i, key in enumerate((OVERALL, *shape.dimensions)):
        count = shown_count(changed[i], k)
        mean = (
            _mean(change_sums[i], changed[i], 0.0, -100.0, 100.0)
            if precise(change_sigma, count, "change")
            else None
        )
        progress.append(Progress(key, count, mean))

    outcomes = []
    if shape.outcomes:
        given = np.minimum(m["outcomes.count"].natural, ceiling)
        relative, relative_sigma = m["outcomes.change"].natural, m["outcomes.change"].sigma
        for i, spec in enumerate(shape.outcomes):
            count = shown_count(given[i], k)
            bound = spec.change_bound
            mean = (
                _mean(relative[i] * bound, given[i], 0, -bound, bound)
                if precise(relative_sigma, count, "outcome")
                else None
            )
            outcomes.append(OutcomeChange(spec.id, count, mean))

    verified_raw = m["verified.count"].natural[0]
    verified_count = shown_count(verified_raw, k)
    verified = Verified(None, None, None)
    if verified_count is not None and headline.count is not None:
        verified = Verified(
            verified_count,
            round(min(verified_count / headline.count, 1.0), 4),
            _mean(m["verified.index"].natural[0], verified_raw, SCORE_CENTRE, 0.0, 100.0)
            if precise(m["verified.index"].sigma, verified_count, "index")
            else None,
        )

    rounds = shown_count(m["headline.rounds"].natural[0], k)
    assessments = None if rounds is None or headline.count is None else max(rounds, headline.count)
    return VersionTables(
        questionnaire=shape.questionnaire,
        version=shape.version,
        headline=headline,
        assessments=assessments,
        dimensions=dimensions,
        levels=levels,
        breakdowns=tuple(breakdowns),
        practices=tuple(practices),
        progress=tuple(progress),
        outcomes=tuple(outcomes),
        verified=verified,
        rho=measurements.rho,
        spend=_spend(measurements),
    )


def _nothing_published(
    measurements: Measurements, dimensions: tuple[Measure, ...]
) -> VersionTables:
    """The tables of a version with fewer than k organisations: every cell hidden."""
    shape, domain = measurements.shape, measurements.domain
    keys = (OVERALL, *shape.dimensions)
    return VersionTables(
        questionnaire=shape.questionnaire,
        version=shape.version,
        headline=Measure(OVERALL, None, None, None),
        assessments=None,
        dimensions=tuple(Measure(d.key, None, None, None) for d in dimensions),
        levels=tuple(LevelDistribution(key, (None,) * LEVELS, None) for key in keys),
        breakdowns=tuple(
            Breakdown(
                by,
                tuple(
                    c for c in breakdown_codes(domain, by) if not (by == "city" and c == NO_CITY)
                ),
                (),
            )
            for by in BREAKDOWNS
        ),
        practices=tuple(Practice(q, d, None, None) for q, d in shape.questions),
        progress=tuple(Progress(key, None, None) for key in keys),
        outcomes=tuple(OutcomeChange(spec.id, None, None) for spec in shape.outcomes),
        verified=Verified(None, None, None),
        rho=measurements.rho,
        spend=_spend(measurements),
    )


def cohort_keys(domain: Domain) -> list[tuple[str, str]]:
    """(scope, key) of every cohort cell, in the order the mechanisms measure them."""
    return [
        *(("section_size", f"{s}/{z}") for s, z in domain.section_size_cells),
        *(("section", s) for s in domain.sections),
        ("all", ""),
    ]


BENCHMARK_DECIMALS = 0  # quartiles in whole points: coarse on purpose


def publish_benchmark(measurements: Measurements, settings: Settings) -> BenchmarkTables:
    """The cohorts of one major version: those of at least k organisations, with
    the quartiles of the overall index and of each dimension."""
    k, shape, domain = settings.k, measurements.shape, measurements.domain
    bins, dimensions = 100 // settings.histogram_width, len(shape.dimensions)
    counts = measurements["cohort.count"].natural
    index = measurements["cohort.index"].natural.reshape(-1, bins)
    by_dimension = measurements["cohort.dimensions"].natural.reshape(-1, dimensions, bins)
    index_noise = histogram_noise(measurements["cohort.index"].sigma, bins)
    dimension_noise = histogram_noise(measurements["cohort.dimensions"].sigma, bins)

    def spread(histogram: FloatArray, count: int, noise: float) -> Quartiles | None:
        if not readable(count, noise):
            return None
        return quartiles_of(histogram, settings.histogram_width, BENCHMARK_DECIMALS)

    cohorts = []
    for position, (scope, key) in enumerate(cohort_keys(domain)):
        count = shown_count(counts[position], k)
        if count is None:
            continue
        cohorts.append(
            Cohort(
                scope,
                key,
                count,
                spread(index[position], count, index_noise),
                tuple(
                    (dimension, spread(by_dimension[position, d], count, dimension_noise))
                    for d, dimension in enumerate(shape.dimensions)
                ),
            )
        )
    assert len(cohort_keys(domain)) == len(counts)
    assert set(COHORT_SCOPES) == {scope for scope, _key in cohort_keys(domain)}
    return BenchmarkTables(
        major=shape.major,
        dimensions=shape.dimensions,
        cohorts=tuple(cohorts),
        rho=measurements.rho,
        spend=_spend(measurements),
    )
