"""What the report's executive summary says in sentences, as plain facts.

The facts are chosen here (no Flask, no database); the template puts them into words in
the report's language. Every figure is rounded as the report prints it (one decimal),
and what is said about figures is read from the printed ones (``core.figures``), so
the sentence never disagrees with the numbers beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from maturity.core.figures import Change, change_between, shown
from maturity.core.report import ReportData


@dataclass(frozen=True)
class OverallFact:
    index: float
    level: int


@dataclass(frozen=True)
class ExtremesFact:
    """The strongest and the weakest assessed dimension (two different ones)."""

    strongest: str  # dimension id
    strongest_score: float
    weakest: str
    weakest_score: float


@dataclass(frozen=True)
class ChangeFact:
    """The overall index and level against the previous round; ``other_version`` is
    the previous round's questionnaire version when it is not this round's."""

    previous_round: int
    before: float
    after: float
    before_level: int
    after_level: int
    other_version: str | None = None

    @property
    def printed(self) -> Change:
        return change_between(self.before, self.after)

    @property
    def change(self) -> float:
        return self.printed.delta

    @property
    def direction(self) -> str:
        """'up', 'down' or 'same', by the printed change."""
        return self.printed.direction

    @property
    def signed(self) -> str:
        return self.printed.signed

    @property
    def level_moved(self) -> bool:
        return self.before_level != self.after_level


@dataclass(frozen=True)
class PeerFact:
    """Where the overall index stands in the published benchmark."""

    scope: str  # 'section_size', 'section' or 'all'
    count: str  # the cohort's size band, e.g. "10–19"
    place: str  # 'top', 'above', 'at', 'below' or 'bottom' (``figures.peer_place``)
    median: float  # as printed


@dataclass(frozen=True)
class SummaryFacts:
    overall: OverallFact
    extremes: ExtremesFact | None = None
    change: ChangeFact | None = None
    peers: PeerFact | None = None


def summary_facts(data: ReportData) -> SummaryFacts | None:
    """The facts of the summary's opening sentences; None when no dimension was
    assessed (no index to speak of)."""
    scores = data.evaluation.scores
    if scores.overall_index is None or scores.overall_level is None:
        return None
    strongest, weakest = data.strongest_and_weakest()
    extremes = None
    if strongest is not None and weakest is not None:
        high = shown(float(scores.dimensions[strongest.id].score or 0))
        low = shown(float(scores.dimensions[weakest.id].score or 0))
        if strongest.id != weakest.id and high > low:
            extremes = ExtremesFact(strongest.id, high, weakest.id, low)
    moved = None
    if data.previous_overall is not None and data.previous_round is not None:
        before, before_level = data.previous_overall
        version = data.previous_version
        moved = ChangeFact(
            data.previous_round,
            shown(before),
            shown(scores.overall_index),
            before_level,
            scores.overall_level,
            None if version in (None, data.questionnaire.version) else version,
        )
    peers = None
    benchmark = data.benchmark
    if benchmark is not None and benchmark.shown:
        position = benchmark.position
        standing = position.overall
        if standing is not None and position.scope is not None:
            peers = PeerFact(
                position.scope,
                position.band or "",
                standing.place(scores.overall_index),
                shown(standing.quartiles[1]),
            )
    return SummaryFacts(
        OverallFact(shown(scores.overall_index), scores.overall_level), extremes, moved, peers
    )


_AROUND_NUMBER = re.compile(r"\(([^()]*\d[^()]*)\)")


def full_width_brackets(text: str, language: str) -> str:
    """In Chinese text, brackets around a figure are full-width: "2(1)" → "2（1）",
    "(+3.1)" → "（+3.1）". Other languages' text is returned as it is."""
    if language != "zh":
        return text
    return _AROUND_NUMBER.sub(r"（\1）", text)
