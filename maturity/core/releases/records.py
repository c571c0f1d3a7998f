"""What a release is computed from: one plain record per organisation and period,
the questionnaire's shape, and the public domain of every table's cells.

A record is an organisation's latest submitted round in the period, so that every
organisation contributes exactly one record to a release; that bound is what the
noise is calibrated to, and ``Columns`` refuses two records of one organisation.

The cells of every table (industry sections, size classes, provinces, cities) come
from the reference data, never from the records: a table lists the same cells
whoever is in it, so that the presence of a cell says nothing about anyone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from maturity.core import reference

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

OVERALL = "overall"
LEVELS = 6  # answer and maturity levels 0..5
NO_CITY = ""  # the cell of a province's organisations whose city is not known


@dataclass(frozen=True)
class OutcomeSpec:
    """An outcome figure and the largest change of it one organisation may
    contribute: changes are clamped to ``±change_bound`` before they are measured,
    so the noise of the table grows with it (the declared range of the figure is
    the safe default; a narrower plausible change gives a sharper mean)."""

    id: str
    change_bound: float

    def __post_init__(self) -> None:
        if not self.change_bound > 0:
            raise ValueError(f"outcome {self.id}: the change bound must be positive")


@dataclass(frozen=True)
class Shape:
    """What a questionnaire version publishes, in questionnaire order: taken from the
    questionnaire file, never from the records (a table's cells are public)."""

    questionnaire: str
    version: str
    dimensions: tuple[str, ...]
    questions: tuple[tuple[str, str], ...]  # (question id, dimension id)
    outcomes: tuple[OutcomeSpec, ...] = ()

    def __post_init__(self) -> None:
        unknown = {d for _q, d in self.questions} - set(self.dimensions)
        if unknown:
            raise ValueError(f"questions of unknown dimensions: {sorted(unknown)}")
        if OVERALL in self.dimensions:
            raise ValueError(f"{OVERALL!r} is not a dimension id")

    @property
    def key(self) -> str:
        """``sme-digital@2.0.0``: the tables of one version."""
        return f"{self.questionnaire}@{self.version}"

    @property
    def major(self) -> str:
        """``sme-digital@2``: the benchmark's cohorts span a major version."""
        return major_key(self.questionnaire, self.version)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for q, _d in self.questions)


def major_key(questionnaire: str, version: str) -> str:
    return f"{questionnaire}@{version.split('.')[0]}"


@dataclass(frozen=True)
class Record:
    """One organisation's latest submitted round in the period, as scored.

    ``answers`` maps question ids to 0..5, or None for "not applicable"; a question
    missing from it was not asked. Changes are since the organisation's previous
    round (None or absent: no previous round, or not comparable); outcome figures
    enter releases only as such changes, which is what centres see of them.
    ``rounds`` counts the organisation's rounds submitted in the period.
    ``verified_index`` is the index over verified answers, given when the round is
    verified."""

    organisation_id: int
    questionnaire: str
    version: str
    section: str
    size: str
    province: str
    city: str | None
    overall_index: float | None
    overall_level: int | None
    dimension_scores: Mapping[str, float] = field(default_factory=dict)
    dimension_levels: Mapping[str, int] = field(default_factory=dict)
    answers: Mapping[str, int | None] = field(default_factory=dict)
    index_change: float | None = None
    dimension_changes: Mapping[str, float] = field(default_factory=dict)
    outcome_changes: Mapping[str, float] = field(default_factory=dict)
    rounds: int = 1
    verified: bool = False
    verified_index: float | None = None

    @property
    def shape_key(self) -> str:
        return f"{self.questionnaire}@{self.version}"


@dataclass(frozen=True)
class Domain:
    """Every cell a table may have. ``city_cells`` are (province, city) pairs,
    with one ``(province, NO_CITY)`` cell per province, so that the cities of a
    province add up to it exactly."""

    sections: tuple[str, ...]
    sizes: tuple[str, ...]
    provinces: tuple[str, ...]
    city_cells: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        provinces = set(self.provinces)
        if any(province not in provinces for province, _city in self.city_cells):
            raise ValueError("a city cell of an unknown province")
        if {(p, NO_CITY) for p in self.provinces} - set(self.city_cells):
            raise ValueError("every province needs its cell of organisations without a city")

    @property
    def section_size_cells(self) -> tuple[tuple[str, str], ...]:
        return tuple((section, size) for section in self.sections for size in self.sizes)

    @property
    def city_province(self) -> IntArray:
        """For each city cell, the position of its province."""
        position = {p: i for i, p in enumerate(self.provinces)}
        return np.array([position[p] for p, _c in self.city_cells], dtype=np.int64)


@cache
def reference_domain() -> Domain:
    """GB/T 4754 sections, the four size classes (large to micro), provinces and their
    cities (administrative division codes)."""
    provinces = tuple(p.code for p in reference.provinces())
    return Domain(
        sections=tuple(s.code for s in reference.sections()),
        sizes=tuple(size.value for size in reference.SizeClass),
        provinces=provinces,
        city_cells=tuple(
            (province, city)
            for province in provinces
            for city in (*(c.code for c in reference.cities(province)), NO_CITY)
        ),
    )


def _positions(values: Iterable[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


@dataclass(frozen=True, eq=False)
class Columns:
    """The records of one questionnaire version, column by column (what the
    mechanisms aggregate). Build it with ``columns()`` from records, or directly
    from arrays read in bulk; either way it checks what the noise relies on: one
    record per organisation, and positions inside the domain.

    Codes are positions in the domain; ``nan`` and ``-1`` mark what is missing
    (not assessed, not applicable, no previous round)."""

    shape: Shape
    domain: Domain
    organisations: IntArray
    section: IntArray
    size: IntArray
    province: IntArray
    city: IntArray  # position in domain.city_cells
    index: FloatArray
    level: IntArray
    scores: FloatArray  # (n, dimensions)
    levels: IntArray  # (n, dimensions)
    answers: IntArray  # (n, questions)
    index_change: FloatArray
    dimension_changes: FloatArray  # (n, dimensions)
    outcome_changes: FloatArray  # (n, outcomes)
    rounds: IntArray
    verified: BoolArray
    verified_index: FloatArray

    def __post_init__(self) -> None:
        n = len(self.organisations)
        dimensions = len(self.shape.dimensions)
        expected = {
            "section": (n,),
            "size": (n,),
            "province": (n,),
            "city": (n,),
            "index": (n,),
            "level": (n,),
            "scores": (n, dimensions),
            "levels": (n, dimensions),
            "answers": (n, len(self.shape.questions)),
            "index_change": (n,),
            "dimension_changes": (n, dimensions),
            "outcome_changes": (n, len(self.shape.outcomes)),
            "rounds": (n,),
            "verified": (n,),
            "verified_index": (n,),
        }
        for name, want in expected.items():
            got = getattr(self, name).shape
            if got != want:
                raise ValueError(f"{name}: shape {got}, expected {want}")
        if len(np.unique(self.organisations)) != n:
            raise ValueError("one record per organisation: the noise is calibrated to it")
        limits = {
            "section": len(self.domain.sections),
            "size": len(self.domain.sizes),
            "province": len(self.domain.provinces),
            "city": len(self.domain.city_cells),
        }
        for name, limit in limits.items():
            values = getattr(self, name)
            if n and (values.min() < 0 or values.max() >= limit):
                raise ValueError(f"{name}: a position outside the domain")
        if n and np.isnan(self.index).any():
            raise ValueError("every record needs an overall index (leave out the unscored)")
        if n and (self.domain.city_province[self.city] != self.province).any():
            raise ValueError("a city outside its province")

    @property
    def n(self) -> int:
        return len(self.organisations)


def columns(shape: Shape, records: Iterable[Record], domain: Domain | None = None) -> Columns:
    """The records of ``shape``'s version as columns. Records of other versions are
    an error; so are codes outside the domain. A round with no overall index (no
    dimension assessed) says nothing and is left out. A city that is unknown or not
    of the record's province counts as "city not known"."""
    domain = domain or reference_domain()
    sections, sizes, provinces = (
        _positions(domain.sections),
        _positions(domain.sizes),
        _positions(domain.provinces),
    )
    cities = _positions(f"{p}/{c}" for p, c in domain.city_cells)
    dimension_position = _positions(shape.dimensions)
    question_position = _positions(shape.question_ids)
    outcome_position = _positions(o.id for o in shape.outcomes)
    kept = [r for r in records if r.overall_index is not None]
    for record in kept:
        if record.shape_key != shape.key:
            raise ValueError(f"a record of {record.shape_key} among {shape.key}")
        for name, code, known in (
            ("section", record.section, sections),
            ("size", record.size, sizes),
            ("province", record.province, provinces),
        ):
            if code not in known:
                raise ValueError(f"organisation {record.organisation_id}: unknown {name} {code!r}")
    n, dimensions = len(kept), len(shape.dimensions)

    def table(width: int, fill: float) -> FloatArray:
        return np.full((n, width), fill, dtype=np.float64)

    scores, levels = table(dimensions, math.nan), table(dimensions, -1)
    answers = table(len(shape.questions), -1)
    dimension_changes = table(dimensions, math.nan)
    outcome_changes = table(len(shape.outcomes), math.nan)
    for i, record in enumerate(kept):
        for dimension, value in record.dimension_scores.items():
            scores[i, dimension_position[dimension]] = value
        for dimension, level in record.dimension_levels.items():
            levels[i, dimension_position[dimension]] = level
        for question, answer in record.answers.items():
            if answer is not None and question in question_position:
                answers[i, question_position[question]] = answer
        for dimension, change in record.dimension_changes.items():
            dimension_changes[i, dimension_position[dimension]] = change
        for outcome, change in record.outcome_changes.items():
            if outcome in outcome_position:
                outcome_changes[i, outcome_position[outcome]] = change

    def city_of(record: Record) -> int:
        return cities.get(
            f"{record.province}/{record.city or NO_CITY}", cities[f"{record.province}/{NO_CITY}"]
        )

    def floats(values: Iterable[float | None]) -> FloatArray:
        return np.array([math.nan if v is None else v for v in values], dtype=np.float64)

    def ints(values: Iterable[int]) -> IntArray:
        return np.array(list(values), dtype=np.int64)

    return Columns(
        shape=shape,
        domain=domain,
        organisations=ints(r.organisation_id for r in kept),
        section=ints(sections[r.section] for r in kept),
        size=ints(sizes[r.size] for r in kept),
        province=ints(provinces[r.province] for r in kept),
        city=ints(city_of(r) for r in kept),
        index=floats(r.overall_index for r in kept),
        level=ints(-1 if r.overall_level is None else r.overall_level for r in kept),
        scores=scores,
        levels=levels.astype(np.int64),
        answers=answers.astype(np.int64),
        index_change=floats(r.index_change for r in kept),
        dimension_changes=dimension_changes,
        outcome_changes=outcome_changes,
        rounds=ints(r.rounds for r in kept),
        # A round counts as verified with its verified index, or not at all.
        verified=np.array([r.verified and r.verified_index is not None for r in kept]),
        verified_index=floats(r.verified_index if r.verified else None for r in kept),
    )
