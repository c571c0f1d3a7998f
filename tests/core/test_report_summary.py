"""The report summary's facts, with hand-picked figures whose unrounded and printed
readings disagree: the facts follow the printed ones."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from maturity.core.evaluation import EvaluationInput
from maturity.core.releases.reading import BenchmarkPosition, PublishedBenchmark, standing
from maturity.core.report import ReportData, offline_report_data
from maturity.core.report_summary import ChangeFact, PeerFact, summary_facts
from tests.core.factories import build, question

QUESTIONNAIRE = build({"d1": [question("a")], "d2": [question("b")]})  # version 1.0.0


def report(index: float, **changes: Any) -> ReportData:
    """A report on the small questionnaire whose overall index reads ``index``."""
    data = offline_report_data(
        QUESTIONNAIRE, EvaluationInput({"a": 2, "b": 3}), "测试公司", "en", date(2026, 1, 5)
    )
    evaluation = data.evaluation
    scores = dataclasses.replace(evaluation.scores, overall_index=index)
    data = dataclasses.replace(data, evaluation=dataclasses.replace(evaluation, scores=scores))
    return dataclasses.replace(data, **changes)


def with_peers(data: ReportData, quartiles: tuple[float, float, float]) -> ReportData:
    index = data.evaluation.scores.overall_index
    assert index is not None
    position = BenchmarkPosition("section", "C", "20–49", standing(index, quartiles), {})
    return dataclasses.replace(data, benchmark=PublishedBenchmark("2026Q1", 10, position))


def peers(data: ReportData) -> PeerFact | None:
    facts = summary_facts(data)
    assert facts is not None
    return facts.peers


def test_a_firm_that_prints_as_the_median_is_at_the_median() -> None:
    # 44.96 and 45.04 both print 45.0; unrounded, the firm is below the median.
    data = with_peers(report(44.96), (30.0, 45.04, 60.0))
    assert standing(44.96, (30.0, 45.04, 60.0)).quarter == 2
    assert peers(data) == PeerFact("section", "20–49", "at", 45.0)
    # And the other way round: unrounded above, printed equal.
    data = with_peers(report(45.04), (30.0, 44.96, 60.0))
    assert peers(data) == PeerFact("section", "20–49", "at", 45.0)


def test_the_median_is_rounded_to_one_decimal_not_truncated() -> None:
    found = peers(with_peers(report(44.96), (30.0, 44.9, 60.0)))
    assert found is not None and found.median == 44.9 and found.place == "above"
    found = peers(with_peers(report(40.0), (30.0, 44.96, 60.0)))
    assert found is not None and found.median == 45.0 and found.place == "below"
    found = peers(with_peers(report(61.0), (30.0, 45.0, 60.0)))
    assert found is not None and found.place == "top"
    found = peers(with_peers(report(12.5), (30.0, 45.0, 60.0)))
    assert found is not None and found.place == "bottom"


def change_of(data: ReportData) -> ChangeFact | None:
    facts = summary_facts(data)
    assert facts is not None
    return facts.change


def test_the_change_is_the_difference_of_the_printed_indexes() -> None:
    # 44.26 → 44.34 prints 44.3 → 44.3: unchanged, though 0.08 rounds to 0.1.
    moved = change_of(report(44.34, previous_round=2, previous_overall=(44.26, 2)))
    assert moved is not None
    assert (moved.before, moved.after, moved.change) == (44.3, 44.3, 0.0)
    assert (moved.direction, moved.signed) == ("same", "0.0")
    # 44.24 → 44.36 prints 44.2 → 44.4: up 0.2, though 0.12 rounds to 0.1.
    moved = change_of(report(44.36, previous_round=2, previous_overall=(44.24, 2)))
    assert moved is not None and (moved.change, moved.direction, moved.signed) == (
        0.2, "up", "+0.2",
    )  # fmt: skip
    moved = change_of(report(44.24, previous_round=2, previous_overall=(44.36, 3)))
    assert moved is not None and (moved.change, moved.direction, moved.signed) == (
        -0.2, "down", "-0.2",
    )  # fmt: skip
    assert moved.level_moved


def test_a_previous_round_on_another_questionnaire_version_is_named() -> None:
    def version_named(previous_version: str | None) -> str | None:
        moved = change_of(
            report(
                50.0,
                previous_round=1,
                previous_overall=(40.0, 2),
                previous_version=previous_version,
            )
        )
        assert moved is not None
        return moved.other_version

    assert QUESTIONNAIRE.version == "1.0.0"
    assert version_named("0.9.0") == "0.9.0"
    assert version_named("1.0.0") is None
    assert version_named(None) is None
    # No previous round: no change, and no version to name.
    assert change_of(report(50.0, previous_version="0.9.0")) is None
