"""The privacy-loss budget of a release, its split across tables, and what it adds
up to per organisation and year.

**Unit of privacy.** One organisation's record: two populations are neighbours
when one has a record the other lacks. Losses are zero-concentrated DP (ρ-zCDP),
which adds up over tables and releases; the (ε, δ) beside it is OpenDP's
conversion, for readers who know that scale. A record that changes (an organisation
re-submits before the period closes) is two steps away: four times the ρ.

**Why these numbers.** The accuracy that centres asked for — the mean index of a
cell of 50 organisations within ±1 point in nine cells out of ten — needs the noise
on that cell's index sum to have a standard deviation of about 30 points. An
organisation's index is bounded by 0 and 100 (50 either side of the centre we
measure from), so that one table alone costs ρ ≈ 1.4: no budget that is small in the
textbook sense reaches that accuracy. What the budget buys instead is the
uncertainty every adversary keeps about one organisation. An adversary who knows
every other record and reads every table learns an organisation's index through the
tables that contain it, with a standard error of about 1 / √(Σ 1/σ²) over them; over
the four quarterly releases and the annual one that contain the same record, the
error shrinks by √5. The split holds that error near 21 points for one release and
9.5 for a year, while meeting the accuracy bar in nine cells of ten and more:

- the index of section × size cells, where cells of 50 are common and wanted, gets
  σ = 35 points (a cell of 50 is within ±1 in eight cases of ten, a cell of 80 in
  nine of ten);
- the other breakdowns have larger cells or lean on the consistency step
  (``consistency``), which lends a section its four section × size cells and a
  province its cities for free: sections σ = 50, provinces σ = 45, sizes σ = 79,
  the headline σ = 100; cities σ = 60, because a city of 50 organisations is rare (the
  municipalities, whose one city is their province) and a tighter city table would
  have been the largest leak of all;
- figures of the whole population only (dimensions, levels, distributions,
  practices, progress, outcomes, verified rounds) are means over hundreds or
  thousands and carry much noise cheaply. The dimension scores, whose mean is the
  index, get σ ≈ 400 points each; the histograms behind quartiles and level
  distributions σ ≈ 12 per bin, because a sharp histogram says in which bin of 10
  points an organisation's index lies;
- counts get σ = 2 (within ±3 in nine cells out of ten, better after consistency).

The split is kept as ρ per measured figure; the noise scale of each is then solved
by OpenDP (``mechanisms``) for the questionnaire's shape, so that a version with
more questions spreads the same budget over more of them. A setting scales the
whole split (``Settings.scaled``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import opendp.prelude as dp

# ρ per measured figure of a centre's release (per questionnaire version; the
# versions partition the records, so they compose in parallel). The σ each gives on
# questionnaire 2.0.0 (5 dimensions, 42 questions, 7 outcomes) is in the comment.
DEFAULT_SPLIT: dict[str, float] = {
    "headline.count": 0.125,  # σ = 2 organisations
    "headline.index": 0.125,  # σ = 100 points on the index sum
    "headline.rounds": 0.08,  # σ = 10 rounds (each organisation counts 1 to 4)
    "section.count": 0.125,
    "section.index": 0.5,  # σ = 50
    "size.count": 0.125,
    "size.index": 0.2,  # σ = 79
    "province.count": 0.125,
    "province.index": 0.62,  # σ = 45
    "city.count": 0.125,
    "city.index": 0.35,  # σ = 60
    "section_size.count": 0.125,
    "section_size.index": 1.02,  # σ = 35: a mean over 50 within ±1 in 8 cells of 10
    "dimensions.count": 0.1,  # σ = 5 per dimension
    "dimensions.score": 0.04,  # σ = 395 points per dimension sum
    "distributions": 0.02,  # σ = 12 per bin of 10 points, six histograms
    "levels": 0.02,  # σ = 12 per level, six distributions
    "practices.count": 0.1,  # σ = 14.5 per question
    "practices.level": 0.04,  # σ = 57 levels per question sum
    "progress.count": 0.19,  # σ = 4
    "progress.change": 0.33,  # σ = 301 points per sum of changes
    "outcomes.count": 0.14,  # σ = 5
    "outcomes.change": 0.22,  # σ = 4 change bounds per sum
    "verified.count": 0.125,  # σ = 2
    "verified.index": 0.125,  # σ = 100
}

# ρ per measured figure of the platform's benchmark release (per major version).
# Every organisation is in three cohorts (its section and size, its section, all).
# The histograms' noise is what keeps a small cohort's quartiles from placing its
# members: with σ = 5 per bin of 10 points, ten bins hold more noise than a cohort of
# a dozen holds members, while a cohort of a few hundred is barely moved.
DEFAULT_BENCHMARK_SPLIT: dict[str, float] = {
    "cohort.count": 0.17,  # σ = 3 per cohort
    "cohort.index": 0.06,  # σ = 5 per bin
    "cohort.dimensions": 0.3,  # σ = 5 per bin, five dimensions
}

DEFAULT_K = 10
DEFAULT_DELTA = 1e-6
QUARTERS_AND_YEAR = 5  # releases of one population an organisation is in per year


@dataclass(frozen=True)
class Settings:
    """The budget of a release: ρ per measured figure (their sum is the release's
    ρ), the smallest count shown (``k``), the width in points of the bins that
    quartiles are read from, and the δ at which ε is stated."""

    split: tuple[tuple[str, float], ...]
    k: int = DEFAULT_K
    histogram_width: int = 10
    delta: float = DEFAULT_DELTA

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError("k must be at least 1")
        if any(not rho > 0 for _name, rho in self.split):
            raise ValueError("every measured figure needs a positive share of the budget")
        if 100 % self.histogram_width:
            raise ValueError("the bins must divide 0..100 evenly")

    @property
    def rho(self) -> float:
        return math.fsum(rho for _name, rho in self.split)

    def rho_of(self, name: str) -> float:
        return dict(self.split)[name]

    def scaled(self, rho: float) -> Settings:
        """The same split, for a total budget of ``rho``."""
        factor = rho / self.rho
        return replace(self, split=tuple((name, share * factor) for name, share in self.split))


def settings_from(
    split: Mapping[str, float], *, k: int = DEFAULT_K, histogram_width: int = 5
) -> Settings:
    return Settings(tuple(split.items()), k=k, histogram_width=histogram_width)


DEFAULT_SETTINGS = settings_from(DEFAULT_SPLIT, histogram_width=10)
DEFAULT_BENCHMARK_SETTINGS = settings_from(DEFAULT_BENCHMARK_SPLIT, histogram_width=10)


@dataclass(frozen=True)
class Loss:
    """A privacy loss: ρ (zCDP) and the (ε, δ) it implies."""

    rho: float
    epsilon: float
    delta: float


@cache
def epsilon_of(rho: float, delta: float = DEFAULT_DELTA) -> float:
    """The ε of ρ-zCDP at ``delta``, by OpenDP's conversion (a Gaussian mechanism of
    scale 1 at distance √(2ρ) has exactly loss ρ)."""
    if rho <= 0:
        return 0.0
    dp.enable_features("contrib")
    gaussian = dp.m.make_gaussian(
        dp.atom_domain(T=float, nan=False), dp.absolute_distance(T=float), scale=1.0
    )
    curve = dp.c.make_fix_delta(dp.c.make_zCDP_to_approxDP(gaussian), delta)
    curve_at: Any = curve
    epsilon, _delta = curve_at.map(math.sqrt(2 * rho))
    return float(epsilon)


def loss(rho: float, delta: float = DEFAULT_DELTA) -> Loss:
    return Loss(rho, epsilon_of(rho, delta), delta)


def yearly_loss(
    centre: Settings = DEFAULT_SETTINGS,
    benchmark: Settings | None = DEFAULT_BENCHMARK_SETTINGS,
    *,
    centres: int = 1,
    releases: int = QUARTERS_AND_YEAR,
) -> Loss:
    """The most one organisation can lose in a year: it is in at most the four
    quarterly and the annual release of each population — every centre it is
    registered with, and the platform's benchmark — and zCDP adds up over them.
    An organisation in several centres loses that much more; so does any release
    recomputed as a correction (a new version with its own loss)."""
    rho = centres * releases * centre.rho
    if benchmark is not None:
        rho += releases * benchmark.rho
    return loss(rho, centre.delta)
