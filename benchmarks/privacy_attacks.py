"""The attacks of the privacy review, replayed against releases:
``python -m benchmarks.privacy_attacks [--organisations 2000 --seed 7 --targets 100]``.

Pure: plain records in, releases computed by ``maturity.core.releases``, figures out.

**The population** imitates ``flask seed synthetic``: organisations of one centre over
one calendar year, with the product generator's national mixes of industry sections
and provinces, cities drawn within the province, size classes by the 2011 rules from
employees and revenue, one latent maturity per organisation that dimensions and
questions vary around, a few answers "not applicable", outcome figures that improve
with maturity, and three in ten organisations with a second, better round in a later
quarter. Each organisation's first round falls in a random quarter.

**The adversary** is stronger than any reviewer or SME can be: it knows every record
of the release except the target's (its up-to-20 sock puppets in the target's
section, size, province and city among them, with whatever answers they gave), and
it reads the release's *raw noisy measurements* — more than the published tables,
which are post-processing of them. For the target's index it forms the likelihood of
every value 0..100 from every measured figure that contains the target: the index
sums of the headline and of the five breakdowns, the dimension sums (the index is
their mean), the practice sums (the index follows from them), and the histograms of
the index, of the dimension scores and of the levels (linked to the index through
the known records); then it takes the posterior mean under a flat prior. Over several
releases it adds the likelihoods up. What it ends with is the figure's error.

**The attacks.**

- *Sock puppets, one release*: the target's first round in a quarterly release, its
  twenty puppets beside it; its overall index, and its level on one practice (from
  that practice's sum and from what the release says of its index, through the link
  between the two that the known records show).
- *Sock puppets, a year*: the worst case — the target submits the same answers every
  quarter, so that one index is in all four quarterly releases and the annual one;
  the adversary adds up the five likelihoods.
- *Resubmission*: the target's second, better round in the quarter after its first;
  the adversary weighs every pair (first index, second index) by the first quarter's
  release, the next quarter's (with its progress table) and the annual release.
- *Percentile mapping*: an SME on the platform's benchmark release submits up to a
  hundred rounds with its index stepping over 0..100 and reads its standing after
  each; that gives it the published quartiles of the cohort it is shown against (its
  section and size, or its section or everyone where that cohort is too small to
  publish quartiles), from which it reads its section-and-size peers' sorted indexes
  (a normal fit, or straight lines through the quartiles: whichever is nearer the
  truth is counted).
- *Accuracy*: every cell of 50 or more organisations in the headline and the five
  breakdowns of the annual and the quarterly releases, against the truth.

Targets are attacked up to ten in one release, chosen so that no two of them share a
section or a province (hence no city and no section × size cell): each meets its own
noise where the release says the most about it.

Beside each attack, the error of a guess from population knowledge alone (no release
read: the mean of the known records) is printed as the baseline, and so is the error
of the adversary that also uses that knowledge as a prior: what differential privacy
bounds is how far a release can move an adversary from its prior, not the prior
itself.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import cache

import numpy as np
import numpy.typing as npt

from maturity.core import reference
from maturity.core.releases import (
    DEFAULT_BENCHMARK_SETTINGS,
    DEFAULT_SETTINGS,
    Columns,
    OutcomeSpec,
    Record,
    Release,
    Settings,
    Shape,
    benchmark_position,
    columns,
    compute_benchmark_release,
    epsilon_of,
    release_from_columns,
    yearly_loss,
)
from maturity.core.releases.aggregates import (
    PARTITIONS,
    centre_specs,
    histogram_bins,
    partition,
)
from maturity.core.releases.mechanisms import Measurements
from maturity.core.releases.publish import breakdown_codes
from maturity.core.releases.release import measure_centre

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# --- the population ----------------------------------------------------------------

# The national mixes of the product's generator (maturity/services/synthetic/plan.py).
SECTION_MIX = {"C": 0.42, "F": 0.15, "I": 0.09, "L": 0.07, "E": 0.06, "G": 0.05, "M": 0.05,
               "H": 0.04, "A": 0.03, "O": 0.02, "R": 0.01, "K": 0.01}  # fmt: skip
PROVINCE_MIX = {"440000": 0.16, "320000": 0.14, "330000": 0.13, "370000": 0.09, "410000": 0.06,
                "510000": 0.06, "350000": 0.05, "420000": 0.05, "430000": 0.04, "340000": 0.04,
                "310000": 0.04, "110000": 0.04, "130000": 0.03, "500000": 0.03, "210000": 0.02,
                "610000": 0.02}  # fmt: skip
SECOND_ROUND_SHARE = 0.3
GATE = 0.8
# Questionnaire 2.0.0's shape: five dimensions and their numbers of questions, the
# first question of each allowing "not applicable".
DIMENSIONS = {"product_design": 9, "production_process": 11, "market_development": 7,
              "business_decisions": 6, "foundations": 9}  # fmt: skip
NOT_APPLICABLE_SHARE = 0.08
# Outcome figures: (value at latent maturity 0, change per level, noise, the largest
# plausible change between two rounds, which the release clamps changes to).
OUTCOMES = {
    "first_pass_yield": (86.0, 2.6, 3.0, 20.0), "revenue_per_employee": (45.0, 9.0, 18.0, 50.0),
    "cost_per_100_revenue": (97.0, -1.6, 4.0, 20.0), "energy_per_100_revenue": (3.6, -0.35, 0.9, 2.0),
    "development_lead_time": (230.0, -24.0, 45.0, 200.0), "on_time_delivery": (78.0, 3.5, 5.0, 20.0),
    "inventory_days": (85.0, -7.0, 18.0, 60.0),
}  # fmt: skip
OUTCOME_GIVEN_SHARE = 0.75
QUESTIONNAIRE, VERSION = "sme-digital", "2.0.0"
PUPPET_ID = 10_000_000


def bench_shape() -> Shape:
    return Shape(
        QUESTIONNAIRE,
        VERSION,
        tuple(DIMENSIONS),
        tuple(
            (f"{dimension}_{i + 1}", dimension)
            for dimension, count in DIMENSIONS.items()
            for i in range(count)
        ),
        tuple(OutcomeSpec(name, bound) for name, (*_model, bound) in OUTCOMES.items()),
    )


@dataclass(frozen=True, eq=False)
class Population:
    """Organisations of one centre over a year; rounds by quarter (0..3)."""

    shape: Shape
    sections: npt.NDArray[np.str_]
    sizes: npt.NDArray[np.str_]
    provinces: npt.NDArray[np.str_]
    cities: npt.NDArray[np.str_]
    first: IntArray  # answers of the first round, -1: not applicable
    second: IntArray  # answers of the second round (where there is one)
    first_outcomes: FloatArray  # nan: not given
    second_outcomes: FloatArray
    first_quarter: IntArray
    second_quarter: IntArray  # -1: no second round

    @property
    def n(self) -> int:
        return len(self.sections)


def _mix(rng: np.random.Generator, mix: dict[str, float], n: int) -> npt.NDArray[np.str_]:
    keys = list(mix)
    weights = np.array([mix[k] for k in keys])
    return rng.choice(np.array(keys), size=n, p=weights / weights.sum())


def synthetic_population(n: int, seed: int) -> Population:
    rng = np.random.default_rng(seed)
    shape = bench_shape()
    sections, provinces = _mix(rng, SECTION_MIX, n), _mix(rng, PROVINCE_MIX, n)
    employees = np.clip(np.rint(rng.lognormal(3.4, 1.1, size=n)), 1, 5000).astype(int)
    revenue = np.round(employees * rng.lognormal(3.6, 0.6, size=n), 2)
    assets = np.round(revenue * rng.lognormal(0.0, 0.5, size=n), 2)
    divisions = {s: [d.code for d in reference.divisions(s)] for s in SECTION_MIX}
    cities_of = {p: [c.code for c in reference.cities(p)] for p in PROVINCE_MIX}
    sizes = np.array(
        [
            reference.classify_size(
                divisions[s][rng.integers(len(divisions[s]))],
                employees=int(e),
                revenue=Decimal(str(r)),
                assets=Decimal(str(a)),
            ).value
            for s, e, r, a in zip(sections, employees, revenue, assets, strict=True)
        ]
    )
    cities = np.array([cities_of[p][rng.integers(len(cities_of[p]))] for p in provinces])
    latent = rng.normal(1.4, 0.8, size=n) + 0.35 * np.log10(employees)
    dimension_of = np.array([list(DIMENSIONS).index(d) for _q, d in shape.questions])
    offsets = rng.normal(0.0, 0.45, size=(n, len(DIMENSIONS)))
    noise = rng.normal(0.0, 0.6, size=(n, len(shape.questions)))
    first = np.clip(np.rint(latent[:, None] + offsets[:, dimension_of] + noise), 0, 5)
    progress = rng.normal(0.45, 0.35, size=(n, len(DIMENSIONS)))
    second = np.clip(
        np.rint(first + progress[:, dimension_of] + rng.normal(0, 0.4, size=first.shape)), 0, 5
    )
    second = np.maximum(second, first - 1)
    allows_na = np.zeros(len(shape.questions), dtype=bool)
    allows_na[[shape.question_ids.index(f"{d}_1") for d in DIMENSIONS]] = True
    not_applicable = (rng.random(size=first.shape) < NOT_APPLICABLE_SHARE) & allows_na
    first[not_applicable] = -1
    second[not_applicable] = -1

    def outcomes(shift: float) -> FloatArray:
        figures = np.full((n, len(OUTCOMES)), math.nan)
        for j, (base, slope, spread, _bound) in enumerate(OUTCOMES.values()):
            given = rng.random(size=n) < OUTCOME_GIVEN_SHARE
            values = base + slope * (latent + shift) + rng.normal(0.0, spread, size=n)
            figures[given, j] = np.maximum(values[given], 0.0)
        return figures

    first_quarter = rng.integers(0, 4, size=n)
    has_second = (rng.random(size=n) < SECOND_ROUND_SHARE) & (first_quarter < 3)
    later = first_quarter + 1 + np.floor(rng.random(size=n) * (3 - first_quarter)).astype(int)
    return Population(
        shape=shape,
        sections=sections,
        sizes=sizes,
        provinces=provinces,
        cities=cities,
        first=first.astype(np.int64),
        second=second.astype(np.int64),
        first_outcomes=outcomes(0.0),
        second_outcomes=outcomes(0.45),
        first_quarter=first_quarter.astype(np.int64),
        second_quarter=np.where(has_second, later, -1).astype(np.int64),
    )


# --- scoring (the product's rule with equal weights) -------------------------------


@dataclass(frozen=True)
class Scores:
    index: float
    level: int
    dimensions: dict[str, float]
    levels: dict[str, int]


def _gated(values: FloatArray, weights: FloatArray) -> int:
    level = 0
    for step in range(1, 6):
        if weights.sum() <= 0 or weights[values >= step].sum() / weights.sum() < GATE - 1e-12:
            break
        level = step
    return level


def score(shape: Shape, answers: IntArray) -> Scores:
    """Dimension scores (20 × mean answer), gated levels, the index as the mean of the
    assessed dimensions, the overall level pooled with each dimension weighing one."""
    dimension_of = np.array([shape.dimensions.index(d) for _q, d in shape.questions])
    applicable = answers >= 0
    scores: dict[str, float] = {}
    levels: dict[str, int] = {}
    pooled = np.zeros(len(answers))
    for i, dimension in enumerate(shape.dimensions):
        mask = applicable & (dimension_of == i)
        if not mask.any():
            continue
        values = answers[mask].astype(np.float64)
        scores[dimension] = float(20 * values.mean())
        levels[dimension] = _gated(values, np.ones(len(values)))
        pooled[mask] = 1.0 / mask.sum()
    index = statistics.fmean(scores.values())
    return Scores(index, _gated(answers.astype(np.float64), pooled), scores, levels)


def record(
    population: Population,
    organisation: int,
    answers: IntArray,
    outcomes: FloatArray,
    previous: tuple[IntArray, FloatArray] | None,
    *,
    rounds: int = 1,
    identifier: int | None = None,
    attributes: tuple[str, str, str, str] | None = None,
) -> Record:
    shape = population.shape
    scores = score(shape, answers)
    section, size, province, city = attributes or (
        str(population.sections[organisation]),
        str(population.sizes[organisation]),
        str(population.provinces[organisation]),
        str(population.cities[organisation]),
    )
    changes: dict[str, float] = {}
    outcome_changes: dict[str, float] = {}
    index_change = None
    if previous is not None:
        before = score(shape, previous[0])
        index_change = scores.index - before.index
        changes = {
            d: scores.dimensions[d] - before.dimensions[d]
            for d in scores.dimensions
            if d in before.dimensions
        }
        outcome_changes = {
            spec.id: float(outcomes[j] - previous[1][j])
            for j, spec in enumerate(shape.outcomes)
            if not (math.isnan(outcomes[j]) or math.isnan(previous[1][j]))
        }
    return Record(
        organisation_id=organisation if identifier is None else identifier,
        questionnaire=shape.questionnaire,
        version=shape.version,
        section=section,
        size=size,
        province=province,
        city=city,
        overall_index=scores.index,
        overall_level=scores.level,
        dimension_scores=scores.dimensions,
        dimension_levels=scores.levels,
        answers={
            q: (None if a < 0 else int(a))
            for (q, _d), a in zip(shape.questions, answers, strict=True)
        },
        index_change=index_change,
        dimension_changes=changes,
        outcome_changes=outcome_changes,
        rounds=rounds,
    )


@cache
def period_records(population: Population, quarter: int | None) -> tuple[Record, ...]:
    """Each organisation's latest round in a quarter (0..3), or in the year (None)."""
    out = []
    for i in range(population.n):
        first_q, second_q = int(population.first_quarter[i]), int(population.second_quarter[i])
        first = (population.first[i], population.first_outcomes[i])
        second = (population.second[i], population.second_outcomes[i])
        if quarter is None:
            if second_q >= 0:
                out.append(record(population, i, *second, first, rounds=2))
            else:
                out.append(record(population, i, *first, None))
        elif second_q == quarter:
            out.append(record(population, i, *second, first))
        elif first_q == quarter:
            out.append(record(population, i, *first, None))
    return tuple(out)


@cache
def puppets(population: Population, target: int, count: int, first_id: int) -> tuple[Record, ...]:
    """Sock puppets in the target's section, size, province and city: half answer
    everything 0, half everything 5 (their answers do not matter to the noise)."""
    attributes = (
        str(population.sections[target]),
        str(population.sizes[target]),
        str(population.provinces[target]),
        str(population.cities[target]),
    )
    width = len(population.shape.questions)
    nothing = np.full(len(population.shape.outcomes), math.nan)
    return tuple(
        record(
            population,
            target,
            np.full(width, 0 if p % 2 == 0 else 5, dtype=np.int64),
            nothing,
            None,
            identifier=first_id + p,
            attributes=attributes,
        )
        for p in range(count)
    )


# --- the adversary -----------------------------------------------------------------

GRID = np.linspace(0.0, 100.0, 201)  # the index values the adversary weighs
WINDOW = 5.0  # points either side of a grid value when learning a link from records
ARRAYS = tuple(f.name for f in fields(Columns) if f.name not in {"shape", "domain"})


def _subset(data: Columns, mask: npt.NDArray[np.bool_]) -> Columns:
    return replace(data, **{name: getattr(data, name)[mask] for name in ARRAYS})


def _aggregates(data: Columns, width: int) -> dict[str, FloatArray]:
    """Every measured figure of a release, exactly (no noise), in its own unit."""
    return {
        spec.name: spec.aggregate(data).astype(np.float64) * spec.unit
        for spec in centre_specs(data.shape, data.domain, width)
    }


@dataclass(frozen=True, eq=False)
class Observed:
    """One release as the bench measured it: its records as columns, the raw noisy
    measurements, and every figure's exact value over all its records."""

    data: Columns
    measured: Measurements
    exact: dict[str, FloatArray]
    width: int


def observe(shape: Shape, records: Sequence[Record], settings: Settings) -> Observed:
    data = columns(shape, records)
    return Observed(
        data,
        measure_centre(data, settings),
        _aggregates(data, settings.histogram_width),
        settings.histogram_width,
    )


@dataclass(frozen=True, eq=False)
class Knowledge:
    """What the adversary knows of one release: every record but the target's, and
    so every figure's exact value without the target."""

    others: Columns
    target: Columns  # the target's record alone: the bench reads its cells and truth
    exact: dict[str, FloatArray]


def knowledge(observed: Observed, organisation: int) -> Knowledge:
    is_target = observed.data.organisations == organisation
    target = _subset(observed.data, is_target)
    own = _aggregates(target, observed.width)
    return Knowledge(
        _subset(observed.data, ~is_target),
        target,
        {name: total - own[name] for name, total in observed.exact.items()},
    )


def _gaussian(residual: float, sigma: float, contribution: FloatArray) -> FloatArray:
    return -((residual - contribution) ** 2) / (2 * sigma**2)


def _logsumexp(values: FloatArray, axis: int) -> FloatArray:
    top = values.max(axis=axis, keepdims=True)
    return np.asarray(
        (top + np.log(np.exp(values - top).sum(axis=axis, keepdims=True))).squeeze(axis)
    )


def _link(index: FloatArray, category: IntArray, categories: int) -> FloatArray:
    """P(category | index) at each grid value, learnt from the known records within
    ``WINDOW`` points of it (smoothed)."""
    counts = np.zeros((len(GRID), categories))
    for c in range(categories):
        values = np.sort(index[category == c])
        counts[:, c] = np.searchsorted(values, GRID + WINDOW, "right") - np.searchsorted(
            values, GRID - WINDOW, "left"
        )
    smoothed = counts + 0.5
    return np.asarray(smoothed / smoothed.sum(axis=1, keepdims=True), dtype=np.float64)


def _categorical(residual: FloatArray, sigma: float, link: FloatArray) -> FloatArray:
    """The target adds one to one category (which, the link says, given its index)."""
    evidence = (residual - 0.5) / sigma**2  # per category, up to a constant
    return _logsumexp(np.log(link) + evidence[None, :], axis=1)


def index_likelihood(observed: Observed, known: Knowledge) -> FloatArray:
    """log-likelihood of each grid value of the target's index, from every measured
    figure of one release that contains its record."""
    measured, others = observed.measured, known.others
    shape, width = measured.shape, observed.width
    bins = 100 // width
    dimensions = len(shape.dimensions)
    centred = GRID - 50.0
    loglik = np.zeros(len(GRID))

    def residual(name: str) -> FloatArray:
        return measured[name].natural - known.exact[name]

    for table in PARTITIONS:
        cell = int(partition(known.target, table)[0][0])
        loglik += _gaussian(
            float(residual(f"{table}.index")[cell]), measured[f"{table}.index"].sigma, centred
        )
    # The index is the mean of the dimension scores ...
    loglik += _gaussian(
        float(residual("dimensions.score").mean()),
        measured["dimensions.score"].sigma / math.sqrt(dimensions),
        centred,
    )
    # ... and 20 × the mean over dimensions of the mean answer.
    dimension_of = np.array([shape.dimensions.index(d) for _q, d in shape.questions])
    weights = 1.0 / (dimensions * np.bincount(dimension_of)[dimension_of])
    loglik += _gaussian(
        float(20 * (weights * residual("practices.level")).sum()),
        20 * measured["practices.level"].sigma * math.sqrt(float((weights**2).sum())),
        centred,
    )
    # Histograms of the index and of each dimension, and the level distributions,
    # linked to the index through the known records.
    histograms = residual("distributions").reshape(-1, bins)
    sigma = measured["distributions"].sigma
    loglik += (histograms[0][histogram_bins(GRID, width)] - 0.5) / sigma**2
    for d in range(dimensions):
        link = _link(others.index, histogram_bins(others.scores[:, d], width), bins)
        loglik += _categorical(histograms[1 + d], sigma, link)
    levels = residual("levels").reshape(-1, 6)
    sigma = measured["levels"].sigma
    loglik += _categorical(levels[0], sigma, _link(others.index, others.level, 6))
    for d in range(dimensions):
        loglik += _categorical(levels[1 + d], sigma, _link(others.index, others.levels[:, d], 6))
    return loglik


def _posterior(loglik: FloatArray) -> FloatArray:
    p = np.exp(loglik - loglik.max())
    return np.asarray(p / p.sum(), dtype=np.float64)


def posterior_mean(loglik: FloatArray, prior: FloatArray | None = None) -> float:
    """The estimate: the posterior mean under a flat prior on 0..100, or ``prior``."""
    return float((_posterior(loglik if prior is None else loglik + np.log(prior)) * GRID).sum())


def population_prior(index: FloatArray) -> FloatArray:
    """The known records' distribution of the index on the grid (smoothed)."""
    density = np.exp(-((GRID[:, None] - index[None, :]) ** 2) / (2 * 3.0**2)).sum(axis=1)
    return np.asarray((density + 1e-9) / density.sum(), dtype=np.float64)


def practice_estimate(
    observed: Observed, known: Knowledge, question: int, index_loglik: FloatArray
) -> float:
    """Posterior mean of the target's level on one practice: from its practice sum,
    and from what the release says of its index through the link between the two
    that the known records show."""
    name = "practices.level"
    residual = float(observed.measured[name].natural[question] - known.exact[name][question])
    levels = np.arange(6, dtype=np.float64)
    answers = known.others.answers[:, question]
    answered = answers >= 0
    link = _link(known.others.index[answered], answers[answered], 6)  # (grid, level)
    prior = _posterior(index_loglik) @ link
    loglik = _gaussian(residual, observed.measured[name].sigma, levels - 2.5) + np.log(prior)
    return float((_posterior(loglik) * levels).sum())


# --- the attacks -------------------------------------------------------------------


@dataclass(frozen=True)
class Errors:
    """Mean absolute errors over the targets: of the attack; of a guess from
    population knowledge alone (no release read); of the attack that also uses that
    knowledge as a prior."""

    attack: float
    baseline: float
    with_prior: float
    targets: int


class Tally:
    def __init__(self) -> None:
        self.estimates: list[float] = []
        self.truths: list[float] = []
        self.baseline: list[float] = []
        self.with_prior: list[float] = []

    def add(self, estimate: float, truth: float, baseline: float, with_prior: float) -> None:
        self.estimates.append(estimate)
        self.truths.append(truth)
        self.baseline.append(baseline)
        self.with_prior.append(with_prior)

    def errors(self) -> Errors:
        def mae(values: Sequence[float]) -> float:
            return statistics.fmean(abs(v - t) for v, t in zip(values, self.truths, strict=True))

        return Errors(
            mae(self.estimates), mae(self.baseline), mae(self.with_prior), len(self.truths)
        )


GROUP = 10  # targets attacked in one release


def _compatible(population: Population, members: Sequence[int], candidate: int) -> bool:
    return all(
        population.sections[m] != population.sections[candidate]
        and population.provinces[m] != population.provinces[candidate]
        for m in members
    )


def choose_targets(population: Population, count: int, seed: int) -> list[int]:
    """``count`` organisations drawn at random, in groups of up to ``GROUP`` that share
    no section and no province (see ``batches``); an organisation that fits no group
    waits until the groups are full."""
    order = [int(i) for i in np.random.default_rng([seed, 9]).permutation(population.n)]
    groups: list[list[int]] = []
    waiting: list[int] = []
    limit = -(-count // GROUP)
    for candidate in order:
        if sum(map(len, groups)) == count:
            break
        group = next(
            (g for g in groups if len(g) < GROUP and _compatible(population, g, candidate)), None
        )
        if group is not None:
            group.append(candidate)
        elif len(groups) < limit:
            groups.append([candidate])
        else:
            waiting.append(candidate)
    chosen = [t for g in groups for t in g]
    return chosen + waiting[: count - len(chosen)]


def batches(population: Population, targets: Sequence[int]) -> list[list[int]]:
    """Targets in groups attacked in one release each, so that no two of a group share
    a section or a province — hence no city or section × size cell either: each
    meets its own noise in the cells that say the most about it, and shares only the
    headline's and its size class's, which say little."""
    groups: list[list[int]] = []
    for target in targets:
        group = next(
            (g for g in groups if len(g) < GROUP and _compatible(population, g, target)), None
        )
        if group is None:
            groups.append([target])
        else:
            group.append(target)
    return groups


def _with(
    base: Sequence[Record],
    population: Population,
    own: dict[int, Record],
    puppet_count: int,
) -> list[Record]:
    """A release's records with the targets' own records put in, and their puppets."""
    records = [r for r in base if r.organisation_id not in own]
    for target, mine in own.items():
        records.append(mine)
        records += puppets(population, target, puppet_count, PUPPET_ID + target * 100)
    return records


def sock_puppets_one_release(
    population: Population,
    targets: Sequence[int],
    *,
    puppet_count: int = 20,
    settings: Settings = DEFAULT_SETTINGS,
) -> tuple[Errors, Errors]:
    """Each target's first round in one quarterly release (the quarters taken in turn),
    with ``puppet_count`` puppets in its cells: its overall index, and its level on its
    first answered practice (the weakest-practices table)."""
    shape = population.shape
    index, practice = Tally(), Tally()
    for number, group in enumerate(batches(population, targets)):
        quarter = number % 4
        own = {
            t: record(population, t, population.first[t], population.first_outcomes[t], None)
            for t in group
        }
        base = period_records(population, quarter)
        observed = observe(shape, _with(base, population, own, puppet_count), settings)
        for target in group:
            known = knowledge(observed, target)
            loglik = index_likelihood(observed, known)
            prior = population_prior(known.others.index)
            index.add(
                posterior_mean(loglik),
                float(known.target.index[0]),
                float(known.others.index.mean()),
                posterior_mean(loglik, prior),
            )
            question = int(np.flatnonzero(known.target.answers[0] >= 0)[0])
            answers = known.others.answers[:, question]
            practice.add(
                practice_estimate(observed, known, question, loglik),
                float(known.target.answers[0, question]),
                float(answers[answers >= 0].mean()),
                practice_estimate(observed, known, question, loglik + np.log(prior)),
            )
    return index.errors(), practice.errors()


def steady_target(population: Population, target: int) -> tuple[list[Record], Record]:
    """The worst case over a year: the target submits the same answers every quarter,
    so that its one index is in all four quarterly releases and the annual one."""
    answers, outcomes = population.first[target], population.first_outcomes[target]
    first = record(population, target, answers, outcomes, None)
    again = record(population, target, answers, outcomes, (answers, outcomes))
    return [first, again, again, again], replace(again, rounds=4)


def _year(population: Population) -> list[tuple[Record, ...]]:
    return [*(period_records(population, q) for q in range(4)), period_records(population, None)]


def sock_puppets_year(
    population: Population,
    targets: Sequence[int],
    *,
    puppet_count: int = 20,
    settings: Settings = DEFAULT_SETTINGS,
) -> Errors:
    """Each target in all four quarterly releases and the annual release of the year,
    with its puppets in every one; the adversary adds the five likelihoods up."""
    shape = population.shape
    periods = _year(population)
    tally = Tally()
    for group in batches(population, targets):
        steady = {t: steady_target(population, t) for t in group}
        logliks = {t: np.zeros(len(GRID)) for t in group}
        priors: dict[int, tuple[FloatArray, float]] = {}
        for p, base in enumerate(periods):
            own = {
                t: (annual if p == 4 else quarterly[p]) for t, (quarterly, annual) in steady.items()
            }
            observed = observe(shape, _with(base, population, own, puppet_count), settings)
            for target in group:
                known = knowledge(observed, target)
                logliks[target] += index_likelihood(observed, known)
                if p == 4:
                    priors[target] = (
                        population_prior(known.others.index),
                        float(known.others.index.mean()),
                    )
        for target in group:
            prior, typical = priors[target]
            tally.add(
                posterior_mean(logliks[target]),
                float(steady[target][1].overall_index or 0.0),
                typical,
                posterior_mean(logliks[target], prior),
            )
    return tally.errors()


def _change_observation(observed: Observed, known: Knowledge) -> tuple[float, float]:
    """What a release's progress table says of the target's change of index: one
    Gaussian observation (value, σ) from the index change and the mean of the
    dimension changes."""
    name = "progress.change"
    residual = observed.measured[name].natural - known.exact[name]
    sigma = observed.measured[name].sigma
    dimensions = len(residual) - 1
    observations = [
        (float(residual[0]), sigma),
        (float(residual[1:].mean()), sigma / math.sqrt(dimensions)),
    ]
    weights = [1 / s**2 for _v, s in observations]
    value = sum(w * v for w, (v, _s) in zip(weights, observations, strict=True)) / sum(weights)
    return value, 1 / math.sqrt(sum(weights))


def resubmission(
    population: Population,
    targets: Sequence[int],
    *,
    puppet_count: int = 20,
    settings: Settings = DEFAULT_SETTINGS,
) -> Errors:
    """Each target submits a second, better round in the quarter after its first: the
    first quarter's release holds the first round, the next quarter's and the annual
    release the second with its change. The adversary weighs every pair of indexes
    (first, second) by all three releases and estimates the change.

    (Two rounds in the same quarter are weaker: only the later is in a release, and
    its change shows only in the progress table.)"""
    shape = population.shape
    periods = _year(population)
    coarse = GRID[::2]  # one point apart: the pairs make a grid of their own
    change = coarse[None, :] - coarse[:, None]  # second − first
    known_changes = [r.index_change for r in periods[4] if r.index_change is not None]
    typical = statistics.fmean(known_changes)
    spread = statistics.pstdev(known_changes)
    tally = Tally()

    for number, group in enumerate(batches(population, targets)):
        rounds = {}
        for t in group:
            before = (population.first[t], population.first_outcomes[t])
            after = (population.second[t], population.second_outcomes[t])
            second = record(population, t, *after, before)
            rounds[t] = (record(population, t, *before, None), second, replace(second, rounds=2))
        joint = {t: np.zeros((len(coarse), len(coarse))) for t in group}
        quarter = number % 3
        for step, period in enumerate((quarter, quarter + 1, 4)):
            own = {t: rounds[t][step] for t in group}
            observed = observe(
                shape, _with(periods[period], population, own, puppet_count), settings
            )
            for t in group:
                known = knowledge(observed, t)
                loglik = index_likelihood(observed, known)[::2]
                if step == 0:
                    joint[t] += loglik[:, None]
                else:
                    value, sigma = _change_observation(observed, known)
                    joint[t] += loglik[None, :] + _gaussian(value, sigma, change)
        for t in group:
            truth = float((rounds[t][1].overall_index or 0.0) - (rounds[t][0].overall_index or 0.0))
            with_prior = joint[t] + _gaussian(typical, spread, change)
            tally.add(
                float((_posterior(joint[t]) * change).sum()),
                truth,
                typical,
                float((_posterior(with_prior) * change).sum()),
            )
    return tally.errors()


@dataclass(frozen=True)
class MappingErrors:
    """The percentile-mapping attack: mean absolute error of the peers' indexes
    recovered, in small cohorts (fewer than 50 peers) and in every cohort."""

    small: Errors
    every: Errors
    cohorts_small: int


def _probe_quartiles(
    release: Release, section: str, size: str, rounds: int
) -> tuple[float, float, float] | None:
    """What an SME learns by submitting ``rounds`` rounds with its index stepping over
    0..100: where its standing changes quarter, i.e. the quartiles of the cohort it is
    shown against."""
    steps = np.linspace(0.0, 100.0, rounds)
    quarters = []
    for value in steps:
        position = benchmark_position(
            release, questionnaire=QUESTIONNAIRE, version=VERSION, section=section,
            size=size, overall_index=float(value),
        )  # fmt: skip
        # Whichever cohort the benchmark places the SME in (its section and size, or,
        # where that cohort is too small to publish quartiles, its section or
        # everyone): what it reads is that cohort's quartiles.
        if position.overall is None:
            return None
        quarters.append(position.overall.quarter)
    edges = []
    for boundary in (2, 3, 4):
        above = [v for v, q in zip(steps, quarters, strict=True) if q >= boundary]
        edges.append(float(above[0]) if above else 100.0)
    return edges[0], edges[1], edges[2]


def _peers_from_quartiles(quartiles: tuple[float, float, float], n: int) -> list[FloatArray]:
    """Two readings of n sorted peers from three quartiles: a normal distribution
    fitted to them, and straight lines through them (tails extrapolated)."""
    lower, median, upper = quartiles
    positions = (np.arange(n) + 0.5) / n
    spread = max((upper - lower) / 1.349, 0.1)
    normal = np.array(
        [median + spread * statistics.NormalDist().inv_cdf(float(p)) for p in positions]
    )
    low = max(0.0, lower - 2 * (median - lower))
    high = min(100.0, upper + 2 * (upper - median))
    lines = np.interp(positions, [0.0, 0.25, 0.5, 0.75, 1.0], [low, lower, median, upper, high])
    return [np.clip(normal, 0, 100), lines]


def percentile_mapping(
    population: Population,
    *,
    releases: int = 10,
    rounds: int = 100,
    pooled: int = 1,
    settings: Settings = DEFAULT_BENCHMARK_SETTINGS,
) -> MappingErrors:
    """SMEs read their benchmark standing after each of ``rounds`` rounds and map
    their peers from it; ``releases`` times over, each time from ``pooled`` releases
    (the quarters and the year) whose quartiles they average."""
    records = period_records(population, None)
    platform = np.array([r.overall_index or 0.0 for r in records])
    lower, median, upper = (float(q) for q in np.percentile(platform, [25, 50, 75]))
    platform_quartiles = (lower, median, upper)
    cohorts: dict[tuple[str, str], list[float]] = {}
    for r in records:
        cohorts.setdefault((r.section, r.size), []).append(r.overall_index or 0.0)
    small: tuple[list[float], list[float], list[float]] = ([], [], [])
    every: tuple[list[float], list[float], list[float]] = ([], [], [])
    small_cohorts: set[tuple[str, str]] = set()
    for _ in range(releases):
        read = [
            compute_benchmark_release(
                "platform", "year", records, [population.shape], settings=settings
            )
            for _ in range(pooled)
        ]
        for (section, size), members in cohorts.items():
            if len(members) < settings.k + 1:
                continue
            probed = [_probe_quartiles(release, section, size, rounds) for release in read]
            found = [q for q in probed if q is not None]
            if len(found) < pooled:
                continue
            low, middle, high = (statistics.fmean(q[i] for q in found) for i in range(3))
            peers = np.sort(np.array(members[1:]))  # the SME is the first member
            attack = min(
                float(np.abs(guess - peers).mean())
                for guess in _peers_from_quartiles((low, middle, high), len(peers))
            )
            base = float(
                np.abs(_peers_from_quartiles(platform_quartiles, len(peers))[0] - peers).mean()
            )
            for bucket in (every, small) if len(peers) < 50 else (every,):
                bucket[0].append(attack)
                bucket[1].append(base)
                bucket[2].append(min(attack, base))
            if len(peers) < 50:
                small_cohorts.add((section, size))

    def errors(bucket: tuple[list[float], list[float], list[float]]) -> Errors:
        if not bucket[0]:
            return Errors(math.nan, math.nan, math.nan, 0)
        attack, base, better = (statistics.fmean(b) for b in bucket)
        return Errors(attack, base, better, len(bucket[0]))

    return MappingErrors(errors(small), errors(every), len(small_cohorts))


def standing_agreement(
    population: Population,
    *,
    releases: int = 5,
    settings: Settings = DEFAULT_BENCHMARK_SETTINGS,
) -> tuple[float, int]:
    """What the benchmark is for: how often an SME of a small cohort (fewer than 50 of
    its section and size) is told the quarter it truly stands in among those peers —
    whichever cohort the release shows it against. (share of readings, readings)"""
    records = period_records(population, None)
    cohorts: dict[tuple[str, str], list[float]] = {}
    for r in records:
        cohorts.setdefault((r.section, r.size), []).append(r.overall_index or 0.0)
    right = readings = 0
    for _ in range(releases):
        release = compute_benchmark_release(
            "platform", "year", records, [population.shape], settings=settings
        )
        for r in records:
            members = cohorts[(r.section, r.size)]
            if not settings.k < len(members) < 50 or r.overall_index is None:
                continue
            position = benchmark_position(
                release, questionnaire=QUESTIONNAIRE, version=VERSION, section=r.section,
                size=r.size, overall_index=r.overall_index,
            )  # fmt: skip
            if position.overall is None:
                continue
            truth = 1 + sum(r.overall_index >= q for q in np.percentile(members, [25, 50, 75]))
            right += position.overall.quarter == truth
            readings += 1
    return (right / readings if readings else math.nan), readings


@dataclass(frozen=True)
class Accuracy:
    cells: int
    means_within: float  # share of cells of 50 or more with the mean within ±1 point
    counts_within: float  # ... and the count within ±3
    worst_mean: float
    worst_count: int


def accuracy(
    population: Population, *, repeats: int = 1, settings: Settings = DEFAULT_SETTINGS
) -> tuple[Accuracy, Accuracy]:
    """Every cell of 50 organisations or more in the headline and the five breakdowns,
    published against the truth: in the annual release, and in the four quarterly."""
    shape = population.shape
    results = []
    for periods in ([None], [0, 1, 2, 3]):
        means, counts = [], []
        for _ in range(repeats):
            for quarter in periods:
                data = columns(shape, period_records(population, quarter))
                release = release_from_columns("centre", str(quarter), [data], settings=settings)
                tables = release.versions[0]
                for table in PARTITIONS:
                    cells, size = partition(data, table)
                    truth_counts = np.bincount(cells, minlength=size)
                    truth_sums = np.bincount(cells, weights=data.index, minlength=size)
                    if table == "headline":
                        published = {0: (tables.headline.count, tables.headline.mean)}
                    else:
                        codes = breakdown_codes(data.domain, table)
                        breakdown = tables.breakdown(table)
                        published = {}
                        for position, code in enumerate(codes):
                            cell = breakdown.cell(code) if code else None
                            if cell is not None:
                                published[position] = (cell.count, cell.mean)
                    for big in np.flatnonzero(truth_counts >= 50):
                        position = int(big)
                        count, mean = published.get(position, (None, None))
                        true_mean = truth_sums[position] / truth_counts[position]
                        means.append(math.inf if mean is None else abs(mean - true_mean))
                        counts.append(
                            10**9 if count is None else abs(count - int(truth_counts[position]))
                        )
        results.append(
            Accuracy(
                len(means),
                float(np.mean(np.array(means) <= 1.0)) if means else math.nan,
                float(np.mean(np.array(counts) <= 3)) if counts else math.nan,
                max(means, default=math.nan),
                max(counts, default=0),
            )
        )
    return results[0], results[1]


def compute_time(organisations: int, seed: int) -> tuple[float, float]:
    """Seconds to compute a release of ``organisations`` records: from columns built in
    bulk (what a worker reading a database does), and from plain records."""
    population = synthetic_population(organisations, seed)
    records = period_records(population, None)
    started = time.perf_counter()
    data = columns(population.shape, records)
    converted = time.perf_counter() - started
    started = time.perf_counter()
    release_from_columns("centre", "year", [data])
    computed = time.perf_counter() - started
    return computed, computed + converted


# --- all of it ---------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    organisations: int
    targets: int
    one_release: Errors
    practice: Errors
    year: Errors
    change: Errors
    mapping: MappingErrors
    mapping_year: MappingErrors
    agreement: float
    agreement_readings: int
    annual_accuracy: Accuracy
    quarterly_accuracy: Accuracy
    release_seconds: float
    release_seconds_from_records: float
    release_size: int
    rho: float
    epsilon: float
    yearly_rho: float
    yearly_epsilon: float

    def lines(self) -> list[str]:
        def line(what: str, e: Errors, unit: str) -> str:
            return (
                f"{what} ({e.targets} targets): MAE {e.attack:.2f} {unit} "
                f"(population knowledge alone: {e.baseline:.2f}; the attack with it as a prior: "
                f"{e.with_prior:.2f})"
            )

        m, a, q = self.mapping, self.annual_accuracy, self.quarterly_accuracy
        return [
            f"{self.organisations} organisations in one centre over a year, {self.targets} targets, "
            f"20 puppets in each target's cells; the adversary knows every other record "
            f"and reads the raw noisy measurements",
            f"budget: ρ = {self.rho:.2f} per release (ε = {self.epsilon:.1f} at δ = 1e-6); per "
            f"organisation and year in one centre and the benchmark: ρ = {self.yearly_rho:.1f} "
            f"(ε = {self.yearly_epsilon:.1f})",
            line("sock puppets, one release: overall index", self.one_release, "points"),
            line("sock puppets, one release: one practice's level", self.practice, "levels"),
            line(
                "sock puppets, four quarterly and the annual release: overall index",
                self.year,
                "points",
            ),
            line("resubmission: change between two rounds", self.change, "points"),
            f"percentile mapping, up to 100 rounds: an SME of a small cohort (fewer than 50 "
            f"of its section and size; {m.cohorts_small} cohorts, {m.small.targets} readings) "
            f"recovers those peers' indexes with MAE {m.small.attack:.2f} points, and "
            f"{m.small.baseline:.2f} from the platform's quartiles alone: small cohorts publish "
            f"no quartiles (their noise would outweigh them), so the SME reads a wider "
            f"cohort's; over every cohort {m.every.attack:.2f} "
            f"(population knowledge alone {m.every.baseline:.2f})",
            f"percentile mapping over the year's five benchmark releases, quartiles averaged: "
            f"MAE {self.mapping_year.small.attack:.2f} points in small cohorts "
            f"({self.mapping_year.small.targets} readings)",
            f"the benchmark's use: an SME of a small cohort is told the quarter it truly stands "
            f"in among its section-and-size peers in {self.agreement:.0%} of "
            f"{self.agreement_readings} readings",
            f"accuracy, annual release: {a.cells} cells of 50 or more, mean index within ±1.0 in "
            f"{a.means_within:.0%}, count within ±3 in {a.counts_within:.0%} (worst {a.worst_mean:.2f} "
            f"points, {a.worst_count})",
            f"accuracy, quarterly releases: {q.cells} cells of 50 or more, mean within ±1.0 in "
            f"{q.means_within:.0%}, count within ±3 in {q.counts_within:.0%} (worst {q.worst_mean:.2f} "
            f"points, {q.worst_count})",
            f"a release of {self.release_size:,} organisations: {self.release_seconds:.1f} s from "
            f"columns, {self.release_seconds_from_records:.1f} s from plain records",
        ]


def run(
    organisations: int = 2000,
    seed: int = 7,
    targets: int = 100,
    *,
    release_size: int = 100_000,
    accuracy_repeats: int = 10,
    benchmark_releases: int = 10,
) -> Figures:
    population = synthetic_population(organisations, seed)
    chosen = choose_targets(population, targets, seed)
    one, practice = sock_puppets_one_release(population, chosen)
    year = sock_puppets_year(population, chosen)
    change = resubmission(population, chosen)
    mapping = percentile_mapping(population, releases=benchmark_releases)
    mapping_year = percentile_mapping(population, releases=benchmark_releases, pooled=5)
    agreement, agreement_readings = standing_agreement(population)
    annual, quarterly = accuracy(population, repeats=accuracy_repeats)
    seconds, from_records = compute_time(release_size, seed)
    yearly = yearly_loss(centres=1)
    return Figures(
        organisations=organisations,
        targets=len(chosen),
        one_release=one,
        practice=practice,
        year=year,
        change=change,
        mapping=mapping,
        mapping_year=mapping_year,
        agreement=agreement,
        agreement_readings=agreement_readings,
        annual_accuracy=annual,
        quarterly_accuracy=quarterly,
        release_seconds=seconds,
        release_seconds_from_records=from_records,
        release_size=release_size,
        rho=DEFAULT_SETTINGS.rho,
        epsilon=epsilon_of(DEFAULT_SETTINGS.rho),
        yearly_rho=yearly.rho,
        yearly_epsilon=yearly.epsilon,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--release-size", type=int, default=100_000)
    args = parser.parse_args(argv)
    figures = run(args.organisations, args.seed, args.targets, release_size=args.release_size)
    for text in figures.lines():
        print(text)


if __name__ == "__main__":
    main()
