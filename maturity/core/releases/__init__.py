"""Releases: every peer-derived figure, computed once per closed period and
population with differential privacy, stored, and served as stored.

Records in (``records``: one per organisation and period), noisy vectors measured
and accounted by OpenDP (``mechanisms``, with the budget of ``budget``), made
consistent (``consistency``) and post-processed into a fixed set of tables
(``publish``, ``tables``), held by an immutable, JSON-serialisable ``Release``
(``release``), and read by pages without any computation over peers (``reading``).

Pure: no web framework, no database; the workers gather the records at a period's
close and store what ``compute_release`` (a centre, or the platform's dashboards)
and ``compute_benchmark_release`` (the SME benchmark) return.

**What a reviewer can and cannot learn** (the methodology page says it in these
words). Every figure is measured once, with random noise, when the quarter or the
year closes; re-reading it, filtering differently or re-submitting an organisation
does not draw new noise and cannot average it away. A figure of fewer than k
organisations is not shown. What a reviewer sees is accurate for groups: the mean
index of 50 organisations or more is within a point of the truth in nine cells out
of ten, and a count within three. What the noise hides is any one organisation:
even someone who knew every other organisation's answers exactly, and placed
organisations of their own beside the one they wanted, could not tell its index
better than to within a dozen or so points from one release, or about half that
from a whole year's releases; nor its level on a practice, nor its progress between
rounds. The release does not hide whether an organisation took part in a period:
counts are too precise for that.
"""

from maturity.core.releases.budget import (
    DEFAULT_BENCHMARK_SETTINGS,
    DEFAULT_SETTINGS,
    Loss,
    Settings,
    epsilon_of,
    settings_from,
    yearly_loss,
)
from maturity.core.releases.reading import (
    BenchmarkPosition,
    CellView,
    NotPublished,
    PublishedBenchmark,
    Selection,
    Standing,
    benchmark_position,
    dashboard,
    level_distributions,
    outcome_changes,
    progress,
    select,
    size_band,
    weakest_practices,
)
from maturity.core.releases.records import (
    NO_CITY,
    OVERALL,
    Columns,
    Domain,
    OutcomeSpec,
    Record,
    Shape,
    columns,
    reference_domain,
)
from maturity.core.releases.release import (
    Release,
    compute_benchmark_release,
    compute_release,
    measure_benchmark,
    measure_centre,
    release_from_columns,
)
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
    Spend,
    Verified,
    VersionTables,
)

__all__ = [
    "DEFAULT_BENCHMARK_SETTINGS",
    "DEFAULT_SETTINGS",
    "FEWER_THAN_K",
    "NO_CITY",
    "OVERALL",
    "BenchmarkPosition",
    "BenchmarkTables",
    "Breakdown",
    "Cell",
    "CellView",
    "Cohort",
    "Columns",
    "Domain",
    "LevelDistribution",
    "Loss",
    "Measure",
    "NotPublished",
    "OutcomeChange",
    "OutcomeSpec",
    "Practice",
    "Progress",
    "PublishedBenchmark",
    "Record",
    "Release",
    "Selection",
    "Settings",
    "Shape",
    "Spend",
    "Standing",
    "Verified",
    "VersionTables",
    "benchmark_position",
    "columns",
    "compute_benchmark_release",
    "compute_release",
    "dashboard",
    "epsilon_of",
    "level_distributions",
    "measure_benchmark",
    "measure_centre",
    "outcome_changes",
    "progress",
    "reference_domain",
    "release_from_columns",
    "select",
    "settings_from",
    "size_band",
    "weakest_practices",
    "yearly_loss",
]
