"""Everything a report shows, as plain data (no Flask, no database).

The same structure serves the web download, the batch ZIP, the offline command
line report and the cache fingerprint; ``report_data`` builds it for both the
stored and the offline path.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, field
from datetime import date, datetime

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.comparison import (
    Comparison,
    OutcomeTrend,
    RoundFigures,
    outcome_trends,
    trend_rounds,
)
from maturity.core.evaluation import Evaluation, EvaluationInput, evaluate, strongest_and_weakest
from maturity.core.plan import Plan, PlannedStep, computed_plan
from maturity.core.questionnaire import Dimension, Question, Questionnaire
from maturity.core.releases import PublishedBenchmark

OVERALL = "__overall__"


@dataclass(frozen=True)
class AnswerLine:
    question: Question
    value: AnswerValue
    note: str | None = None
    answered_by: str | None = None

    @property
    def not_applicable(self) -> bool:
        return self.value == NOT_APPLICABLE


@dataclass(frozen=True)
class ProviderLine:
    """A provider in the directory of a centre the organisation is registered with."""

    name: str
    contact: str
    programmes: str
    centre: str


@dataclass(frozen=True)
class AttestationLine:
    """Who attested the round's answers as true, in which role, when."""

    name: str
    role: str
    attested_at: datetime


@dataclass(frozen=True)
class AdjustedAnswer:
    declared: int
    found: int
    note: str


@dataclass(frozen=True)
class VerificationLine:
    """How far the round's answers were checked, and the score with the adjustments."""

    status: str  # core.verification.Status's value
    checked: int
    applicable: int
    verified_index: float | None
    adjusted: Mapping[str, AdjustedAnswer] = field(default_factory=dict)
    completed_at: datetime | None = None


@dataclass(frozen=True)
class ReportData:
    language: str
    organisation_name: str
    organisation_facts: tuple[tuple[str, str], ...]  # (label, value) already in the language
    evaluation: Evaluation
    answers: dict[str, AnswerLine]
    generated_on: date
    round: int | None = None
    submitted_at: datetime | None = None
    assessed_by: tuple[str, ...] = ()
    findings: dict[str, str] = field(default_factory=dict)
    finding_authors: tuple[str, ...] = ()
    benchmark: PublishedBenchmark | None = None
    comparison: Comparison | None = None
    previous_round: int | None = None
    previous_overall: tuple[float, int] | None = None  # that round's index and level
    previous_version: str | None = None  # that round's questionnaire version
    outcome_trends: tuple[OutcomeTrend, ...] = ()
    plan: Plan | None = None  # the curated plan; None: the computed roadmap
    plan_author: str | None = None  # who last edited it, and when
    plan_edited_at: datetime | None = None
    # Per support service, the providers the organisation's centres list.
    providers: Mapping[str, tuple[ProviderLine, ...]] = field(default_factory=dict)
    centres: tuple[CentreBranding, ...] = ()  # the centres it is registered with
    attestation: AttestationLine | None = None  # None: submitted before attestations
    verification: VerificationLine | None = None  # None: self-declared

    @property
    def current_plan(self) -> Plan:
        return self.plan if self.plan is not None else computed_plan(self.evaluation.roadmap)

    def outcome_rounds(self) -> list[int]:
        """The rounds that gave at least one outcome figure, oldest first."""
        return trend_rounds(self.outcome_trends)

    @property
    def report_date(self) -> date:
        """The date on the cover: when the assessment was submitted (stable for caching)."""
        return self.submitted_at.date() if self.submitted_at else self.generated_on

    @property
    def questionnaire(self) -> Questionnaire:
        return self.evaluation.questionnaire

    def assessed_dimensions(self) -> list[Dimension]:
        scores = self.evaluation.scores.dimensions
        return [d for d in self.questionnaire.dimensions if scores[d.id].assessed]

    def strongest_and_weakest(self) -> tuple[Dimension | None, Dimension | None]:
        return strongest_and_weakest(self.evaluation)

    def next_steps(self) -> list[PlannedStep]:
        """The three most important next steps: the editor's choice, or the first
        steps of the plan in order."""
        return list(self.current_plan.top)

    def fingerprint(self, renderer_version: str) -> str:
        """Changes whenever anything shown in the report changes."""
        scores = self.evaluation.scores
        payload = {
            "renderer": renderer_version,
            "language": self.language,
            "organisation": [self.organisation_name, list(self.organisation_facts)],
            "questionnaire": self.questionnaire.content_hash,
            "scores": [
                scores.scoring_version,
                scores.overall_index,
                scores.overall_level,
                sorted((d, r.score, r.level) for d, r in scores.dimensions.items()),
            ],
            "targets": sorted(self.evaluation.roadmap.targets.items()),
            "goals": list(self.evaluation.input.goals),
            "profile": sorted(self.evaluation.input.profile.items()),
            "pricing": repr(self.evaluation.input.organisation),  # roadmap 3: size, revenue, budget
            "outcomes": [
                (trend.item.id, [(r, str(value)) for r, value in trend.points])
                for trend in self.outcome_trends
            ],
            "answers": sorted(
                (qid, str(a.value), a.note or "", a.answered_by or "")
                for qid, a in self.answers.items()
            ),
            "round": self.round,
            "submitted": self.submitted_at.isoformat() if self.submitted_at else None,
            "attestation": repr(self.attestation),
            "verification": repr(self.verification),
            "assessed_by": list(self.assessed_by),
            "findings": sorted(self.findings.items()),
            "finding_authors": list(self.finding_authors),
            "benchmark": None if self.benchmark is None else self.benchmark.fingerprint(),
            "previous_overall": self.previous_overall,
            "previous_version": self.previous_version,
            "centres": [centre.fingerprint() for centre in self.centres],
            "comparison": None
            if self.comparison is None
            else [
                self.previous_round,
                [(d.dimension_id, d.earlier, d.later) for d in self.comparison.dimensions],
                [(q.question_id, q.earlier, q.later) for q in self.comparison.questions],
                [(q, str(r)) for q, r in self.comparison.left_out],
                [(o.outcome_id, str(o.earlier), str(o.later)) for o in self.comparison.outcomes],
            ],
            "date": self.report_date.isoformat(),
            "providers": sorted(
                (service, [astuple(line) for line in lines])
                for service, lines in self.providers.items()
            ),
            "plan": None
            if self.plan is None
            else [
                [(s.key, s.phase, s.text, s.pinned, s.new) for s in self.plan.steps],
                [s.key for s in self.plan.top],
                self.plan.summary,
                self.plan_author,
                self.plan_edited_at.isoformat() if self.plan_edited_at else None,
            ],
        }
        canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


PNG_DATA_URI = "data:image/png;base64,"  # how a centre's logo travels in the report's HTML


@dataclass(frozen=True)
class CentreBranding:
    """A service centre on a report's cover: name, how to reach it, its logo (PNG)."""

    name: str
    contact: str | None = None
    logo_png: bytes | None = None

    @property
    def logo_uri(self) -> str | None:
        if self.logo_png is None:
            return None
        return PNG_DATA_URI + base64.b64encode(self.logo_png).decode("ascii")

    def fingerprint(self) -> tuple[str, str, str]:
        logo = hashlib.sha256(self.logo_png).hexdigest() if self.logo_png else ""
        return (self.name, self.contact or "", logo)


@dataclass(frozen=True)
class GivenAnswer:
    """One stored or offline answer with who gave it and their note."""

    question_id: str
    value: AnswerValue
    note: str | None = None
    answered_by: str | None = None


def report_data(
    evaluation: Evaluation,
    answers: Iterable[GivenAnswer],
    *,
    language: str,
    organisation_name: str,
    generated_on: date,
    organisation_facts: tuple[tuple[str, str], ...] = (),
    round: int | None = None,
    submitted_at: datetime | None = None,
    assessed_by: Iterable[str] = (),
    findings: Mapping[str, str] | None = None,
    finding_authors: Iterable[str] = (),
    benchmark: PublishedBenchmark | None = None,
    comparison: Comparison | None = None,
    previous_round: int | None = None,
    previous_overall: tuple[float, int] | None = None,
    previous_version: str | None = None,
    outcome_trends: tuple[OutcomeTrend, ...] = (),
    plan: Plan | None = None,
    plan_author: str | None = None,
    plan_edited_at: datetime | None = None,
    providers: Mapping[str, tuple[ProviderLine, ...]] | None = None,
    centres: Iterable[CentreBranding] = (),
    attestation: AttestationLine | None = None,
    verification: VerificationLine | None = None,
) -> ReportData:
    """The report of an evaluation; answers to questions the questionnaire does not
    have (a question removed before publication) are left out."""
    questionnaire = evaluation.questionnaire
    return ReportData(
        language=language,
        organisation_name=organisation_name.strip(),
        organisation_facts=organisation_facts,
        evaluation=evaluation,
        answers={
            given.question_id: AnswerLine(
                questionnaire.question(given.question_id),
                given.value,
                given.note,
                given.answered_by,
            )
            for given in answers
            if questionnaire.has_question(given.question_id)
        },
        generated_on=generated_on,
        round=round,
        submitted_at=submitted_at,
        assessed_by=tuple(sorted(set(assessed_by))),
        findings=dict(findings or {}),
        finding_authors=tuple(sorted(set(finding_authors))),
        benchmark=benchmark,
        comparison=comparison,
        previous_round=previous_round,
        previous_overall=previous_overall,
        previous_version=previous_version,
        outcome_trends=outcome_trends,
        plan=plan,
        plan_author=plan_author,
        plan_edited_at=plan_edited_at,
        providers=dict(providers or {}),
        centres=tuple(centres),
        attestation=attestation,
        verification=verification,
    )


def offline_report_data(
    questionnaire: Questionnaire,
    given: EvaluationInput,
    organisation_name: str,
    language: str,
    generated_on: date,
) -> ReportData:
    """A report straight from a scoring input (``flask report pdf --answers``); its
    outcome figures are a trend of one round."""
    return report_data(
        evaluate(questionnaire, given),
        [GivenAnswer(question_id, value) for question_id, value in given.answers.items()],
        language=language,
        organisation_name=organisation_name,
        generated_on=generated_on,
        outcome_trends=outcome_trends(
            questionnaire, [RoundFigures(1, questionnaire, given.outcomes)]
        ),
    )
