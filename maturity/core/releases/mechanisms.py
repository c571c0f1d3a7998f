"""The measured figures of a release and their noise, by OpenDP.

Every figure a release publishes is post-processed from a few noisy vectors, each
the output of one OpenDP measurement:

1. an aggregation (a *transformation*): the records' values clamped to their bounds
   and turned into integers of a fixed unit (hundredths of a point, half levels…),
   then counted or summed per cell — a vector with one entry per cell of a table's
   public domain;
2. the discrete Gaussian mechanism (``make_gaussian`` on integer vectors, under
   zero-concentrated DP), with a scale that OpenDP solves for the figure's share
   of the budget (``binary_search_param``);
3. all of a version's measurements composed by ``make_composition``, whose privacy
   map is the version's loss: OpenDP adds the shares up, we do not.

What OpenDP takes on trust (the ``honest-but-curious`` feature of user
transformations) is our aggregation's stability, and that rests on two facts only:
each record falls into exactly one cell of every partition, and into at most
``components`` cells of a vector; the bound of its contribution to one cell is read
from OpenDP's own clamp-and-sum (``make_clamp`` then ``make_sum``), so it is not
ours either. A vector of sums then moves, in L2, by at most d_in · bound · √components
when d_in records are added or removed.

Integers throughout: exact sums, and the discrete Gaussian has none of the
floating-point weaknesses of continuous noise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

import numpy as np
import opendp.prelude as dp

from maturity.core.releases.aggregates import Spec
from maturity.core.releases.budget import Settings
from maturity.core.releases.records import Columns, Domain, FloatArray, IntArray, Shape

MECHANISM = (
    "discrete Gaussian noise on integer aggregates, zero-concentrated DP, "
    "calibrated and composed by OpenDP"
)
NEIGHBOURING = "adding or removing one organisation's record"


def opendp_version() -> str:
    return version("opendp")


@dataclass(frozen=True, eq=False)
class Measured:
    """A noisy vector as the mechanism returned it, in its integer unit."""

    name: str
    values: IntArray
    unit: float
    scale: float  # σ of the noise, in the integer unit
    rho: float  # this measurement's loss, as OpenDP maps it

    @property
    def natural(self) -> FloatArray:
        return self.values.astype(np.float64) * self.unit

    @property
    def sigma(self) -> float:
        """σ of the noise in the figure's own unit."""
        return self.scale * self.unit


@dataclass(frozen=True, eq=False)
class Measurements:
    """Every noisy vector of one version (or one major version, for the benchmark)
    and their composed loss. Never published as such: ``publish`` turns them into
    tables, and the attack bench reads them to play the strongest adversary."""

    shape: Shape
    domain: Domain
    measured: Mapping[str, Measured]
    rho: float

    def __getitem__(self, name: str) -> Measured:
        return self.measured[name]


def privacy_map(operation: Any, d_in: float) -> Any:
    """OpenDP's stability or privacy map at ``d_in`` (untyped in its Python API)."""
    return operation.map(d_in)


def _enable() -> None:
    dp.enable_features("contrib", "honest-but-curious")


@cache
def contribution_bound(low: int, high: int, components: int) -> float:
    """How far (L2) one record moves a vector: OpenDP's sensitivity of a clamped
    sum for one cell, times √components."""
    _enable()
    clamp = dp.t.make_clamp(
        dp.vector_domain(dp.atom_domain(T="i64")), dp.symmetric_distance(), (low, high)
    )
    clamped_sum = clamp >> dp.t.make_sum(clamp.output_domain, clamp.output_metric)
    per_cell = float(privacy_map(clamped_sum, 1))
    return per_cell * math.sqrt(components)


def _noise(scale: float) -> dp.Measurement:
    return dp.m.make_gaussian(
        dp.vector_domain(dp.atom_domain(T="i64")), dp.l2_distance(T=float), scale=scale
    )


@cache
def calibrated_scale(bound: float, rho: float) -> float:
    """The smallest noise scale whose loss at distance ``bound`` is within ``rho``,
    as OpenDP's privacy map sees it."""
    _enable()
    return float(dp.binary_search_param(_noise, d_in=bound, d_out=rho, T=float))


def _input_domain(shape: Shape, domain: Domain) -> dp.Domain:
    def member(value: object) -> bool:
        return isinstance(value, Columns) and value.shape == shape and value.domain == domain

    return dp.user_domain(f"maturity.releases.Columns[{shape.key}#{hash(domain)}]", member)


def _measurement(spec: Spec, input_domain: dp.Domain, bound: float, scale: float) -> dp.Measurement:
    def aggregate(columns: Columns) -> list[int]:
        values = spec.aggregate(columns)
        if values.shape != (spec.cells,):
            raise ValueError(f"{spec.name}: {values.shape} cells, expected {spec.cells}")
        return [int(v) for v in values]

    transformation = dp.t.make_user_transformation(
        input_domain,
        dp.symmetric_distance(),
        dp.vector_domain(dp.atom_domain(T="i64"), size=spec.cells),
        dp.l2_distance(T=float),
        aggregate,
        lambda d_in: float(d_in) * bound,
    )
    measurement: dp.Measurement = transformation >> dp.m.then_gaussian(scale)
    return measurement


def measure(columns: Columns, specs: Sequence[Spec], settings: Settings) -> Measurements:
    """Measure every spec once, under one OpenDP composition whose loss must stay
    within the settings' budget."""
    _enable()
    input_domain = _input_domain(columns.shape, columns.domain)
    built: list[tuple[Spec, float, float]] = []
    for spec in specs:
        bound = contribution_bound(spec.low, spec.high, spec.components)
        built.append((spec, bound, calibrated_scale(bound, settings.rho_of(spec.name))))
    measurements = [_measurement(spec, input_domain, bound, scale) for spec, bound, scale in built]
    composed = dp.c.make_composition(measurements)
    rho = float(privacy_map(composed, 1))
    if rho > settings.rho * (1 + 1e-9):
        raise ValueError(f"the measurements spend ρ = {rho}, over the budget {settings.rho}")
    outputs = composed(columns)
    return Measurements(
        shape=columns.shape,
        domain=columns.domain,
        measured={
            spec.name: Measured(
                spec.name,
                np.array(values, dtype=np.int64),
                spec.unit,
                scale,
                float(privacy_map(measurement, 1)),
            )
            for (spec, _bound, scale), measurement, values in zip(
                built, measurements, outputs, strict=True
            )
        },
        rho=rho,
    )
