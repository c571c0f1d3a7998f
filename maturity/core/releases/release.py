"""A release: the tables of one population and one closed period, computed once and
stored as they are, with the parameters that made them.

**Versions compose in parallel.** An organisation has one record per period, on one
questionnaire version, so the versions partition the records: each version's tables
are measured on its own records with the whole budget, and the release's loss is the
largest of theirs (OpenDP's composition of that version's measurements), not their
sum. The benchmark does the same by major version.

**Serialised** as JSON (``to_json``/``from_json``) with everything a reader needs to
interpret it: k, the mechanism, the neighbouring relation, the OpenDP version, the
loss (ρ and the (ε, δ) it implies) and each measured figure's share and noise. No
seed: OpenDP draws its noise from the operating system, so a release cannot be
recomputed identically — a correction is a new revision with its own loss.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from maturity.core.releases.aggregates import benchmark_specs, centre_specs
from maturity.core.releases.budget import (
    DEFAULT_BENCHMARK_SETTINGS,
    DEFAULT_SETTINGS,
    Settings,
    epsilon_of,
)
from maturity.core.releases.mechanisms import (
    MECHANISM,
    NEIGHBOURING,
    Measurements,
    measure,
    opendp_version,
)
from maturity.core.releases.publish import publish_benchmark, publish_centre
from maturity.core.releases.records import (
    Columns,
    Domain,
    Record,
    Shape,
    columns,
    major_key,
    reference_domain,
)
from maturity.core.releases.tables import (
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

FORMAT = 1


@dataclass(frozen=True)
class Release:
    """What is stored and served. ``population`` and ``period`` are the caller's
    labels (``centre:12``, ``platform``; ``2026-Q3``, ``2026``)."""

    population: str
    period: str
    revision: int
    k: int
    mechanism: str
    neighbouring: str
    opendp: str
    rho: float
    epsilon: float
    delta: float
    versions: tuple[VersionTables, ...] = ()
    benchmark: tuple[BenchmarkTables, ...] = ()

    def tables(self, version_key: str) -> VersionTables | None:
        return next((v for v in self.versions if v.key == version_key), None)

    def cohorts(self, major: str) -> BenchmarkTables | None:
        return next((b for b in self.benchmark if b.major == major), None)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Release:
        data = json.loads(text)
        if data.pop("format") != FORMAT:
            raise ValueError("a release in a format this code does not read")
        return cls(
            population=data["population"],
            period=data["period"],
            revision=data["revision"],
            k=data["k"],
            mechanism=data["mechanism"],
            neighbouring=data["neighbouring"],
            opendp=data["opendp"],
            rho=data["rho"],
            epsilon=data["epsilon"],
            delta=data["delta"],
            versions=tuple(_version_tables(v) for v in data["versions"]),
            benchmark=tuple(_benchmark_tables(b) for b in data["benchmark"]),
        )


# --- computing ---------------------------------------------------------------------


def _group(records: Iterable[Record], by_major: bool = False) -> dict[str, list[Record]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        key = major_key(record.questionnaire, record.version) if by_major else record.shape_key
        groups[key].append(record)
    return groups


def _shapes_by_key(shapes: Iterable[Shape]) -> dict[str, Shape]:
    return {shape.key: shape for shape in shapes}


def measure_centre(data: Columns, settings: Settings = DEFAULT_SETTINGS) -> Measurements:
    """The noisy measurements of one version (for the attack bench; pages never see
    them)."""
    return measure(data, centre_specs(data.shape, data.domain, settings.histogram_width), settings)


def measure_benchmark(
    data: Columns, settings: Settings = DEFAULT_BENCHMARK_SETTINGS
) -> Measurements:
    return measure(
        data, benchmark_specs(data.shape, data.domain, settings.histogram_width), settings
    )


def _release(
    population: str,
    period: str,
    revision: int,
    settings: Settings,
    versions: Sequence[VersionTables] = (),
    benchmark: Sequence[BenchmarkTables] = (),
) -> Release:
    rho = max([*(v.rho for v in versions), *(b.rho for b in benchmark)], default=0.0)
    return Release(
        population=population,
        period=period,
        revision=revision,
        k=settings.k,
        mechanism=MECHANISM,
        neighbouring=NEIGHBOURING,
        opendp=opendp_version(),
        rho=rho,
        epsilon=epsilon_of(rho, settings.delta),
        delta=settings.delta,
        versions=tuple(versions),
        benchmark=tuple(benchmark),
    )


def release_from_columns(
    population: str,
    period: str,
    data: Sequence[Columns],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    revision: int = 1,
) -> Release:
    """A centre's release from columns built in bulk (one per questionnaire version)."""
    keys = [d.shape.key for d in data]
    if len(set(keys)) != len(keys):
        raise ValueError("one set of columns per questionnaire version")
    versions = [publish_centre(measure_centre(d, settings), settings) for d in data]
    return _release(population, period, revision, settings, versions=versions)


def compute_release(
    population: str,
    period: str,
    records: Iterable[Record],
    shapes: Iterable[Shape],
    *,
    settings: Settings = DEFAULT_SETTINGS,
    domain: Domain | None = None,
    revision: int = 1,
) -> Release:
    """The release of a population (a centre's organisations, or the platform's) for
    a closed period: one record per organisation, its latest round in the period.
    Every version given in ``shapes`` gets its tables, records or not, so that the
    set of tables says nothing about who is in the population."""
    domain = domain or reference_domain()
    known = _shapes_by_key(shapes)
    grouped = _group(records)
    unknown = set(grouped) - set(known)
    if unknown:
        raise ValueError(f"records of versions without a shape: {sorted(unknown)}")
    data = [columns(shape, grouped.get(key, []), domain) for key, shape in known.items()]
    return release_from_columns(population, period, data, settings=settings, revision=revision)


def _major_shapes(shapes: Iterable[Shape]) -> dict[str, Shape]:
    """The latest version of each major version names its dimensions."""
    latest: dict[str, Shape] = {}
    for shape in shapes:
        current = latest.get(shape.major)
        if current is None or _version_order(shape.version) > _version_order(current.version):
            latest[shape.major] = shape
    return latest


def _version_order(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _as_major(record: Record, shape: Shape) -> Record:
    """A record of any version of the major, seen through the major's shape: the
    benchmark reads only its attributes, index and dimension scores."""
    kept = set(shape.dimensions)
    return replace(
        record,
        version=shape.version,
        dimension_scores={d: s for d, s in record.dimension_scores.items() if d in kept},
        dimension_levels={},
        answers={},
        dimension_changes={},
        outcome_changes={},
    )


def compute_benchmark_release(
    population: str,
    period: str,
    records: Iterable[Record],
    shapes: Iterable[Shape],
    *,
    settings: Settings = DEFAULT_BENCHMARK_SETTINGS,
    domain: Domain | None = None,
    revision: int = 1,
) -> Release:
    """The platform's benchmark release: per major version, the cohorts (section and
    size, section, all) of at least k organisations and their quartiles."""
    domain = domain or reference_domain()
    majors = _major_shapes(shapes)
    grouped = _group(records, by_major=True)
    unknown = set(grouped) - set(majors)
    if unknown:
        raise ValueError(f"records of versions without a shape: {sorted(unknown)}")
    tables = []
    for major, shape in majors.items():
        data = columns(shape, (_as_major(r, shape) for r in grouped.get(major, [])), domain)
        tables.append(publish_benchmark(measure_benchmark(data, settings), settings))
    return _release(population, period, revision, settings, benchmark=tables)


# --- JSON --------------------------------------------------------------------------


def _quartiles(raw: Any) -> Quartiles | None:
    if raw is None:
        return None
    lower, median, upper = raw
    return float(lower), float(median), float(upper)


def _cell(raw: Any) -> Cell:
    return Cell(raw["count"], raw["mean"])


def _measure(raw: Any) -> Measure:
    return Measure(raw["key"], raw["count"], raw["mean"], _quartiles(raw["quartiles"]))


def _spend(raw: Any) -> tuple[Spend, ...]:
    return tuple(Spend(s["name"], s["rho"], s["sigma"]) for s in raw)


def _version_tables(raw: Any) -> VersionTables:
    return VersionTables(
        questionnaire=raw["questionnaire"],
        version=raw["version"],
        headline=_measure(raw["headline"]),
        assessments=raw["assessments"],
        dimensions=tuple(_measure(d) for d in raw["dimensions"]),
        levels=tuple(
            LevelDistribution(d["key"], tuple(d["counts"]), d["total"]) for d in raw["levels"]
        ),
        breakdowns=tuple(
            Breakdown(
                b["by"],
                tuple(b["domain"]),
                tuple((code, _cell(cell)) for code, cell in b["cells"]),
            )
            for b in raw["breakdowns"]
        ),
        practices=tuple(
            Practice(p["question_id"], p["dimension_id"], p["count"], p["mean"])
            for p in raw["practices"]
        ),
        progress=tuple(Progress(p["key"], p["count"], p["mean_change"]) for p in raw["progress"]),
        outcomes=tuple(
            OutcomeChange(o["outcome_id"], o["count"], o["mean_change"]) for o in raw["outcomes"]
        ),
        verified=Verified(
            raw["verified"]["count"], raw["verified"]["share"], raw["verified"]["mean_index"]
        ),
        rho=raw["rho"],
        spend=_spend(raw["spend"]),
    )


def _benchmark_tables(raw: Any) -> BenchmarkTables:
    return BenchmarkTables(
        major=raw["major"],
        dimensions=tuple(raw["dimensions"]),
        cohorts=tuple(
            Cohort(
                c["scope"],
                c["key"],
                c["count"],
                _quartiles(c["overall"]),
                tuple((d, _quartiles(q)) for d, q in c["dimensions"]),
            )
            for c in raw["cohorts"]
        ),
        rho=raw["rho"],
        spend=_spend(raw["spend"]),
    )
