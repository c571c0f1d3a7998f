"""What the results page shows of a submitted round, gathered in one place: the view
only chooses between this and a redirect (``routes.results``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

from maturity import access
from maturity.core.applicability import scored_answers
from maturity.core.comparison import DimensionDelta, OutcomeTrend, trend_rounds
from maturity.core.evaluation import Evaluation, strongest_and_weakest
from maturity.core.figures import Change, change_between
from maturity.core.plan import Plan, PlannedItem, PlannedStep, StepKey, StepState
from maturity.core.questionnaire import Dimension, Questionnaire
from maturity.core.releases import PublishedBenchmark
from maturity.core.report import OVERALL
from maturity.core.roadmap import PHASE_MONTHS
from maturity.core.scoring import MAX_LEVEL, POINTS_PER_LEVEL
from maturity.models import Assessment, Finding, StepStatus, User
from maturity.reports.charts import score_radar
from maturity.services import consultants, plans, providers, verification
from maturity.services import results as results_service
from maturity.services.plans import CuratedPlan
from maturity.services.verification import VerifiedRound


def step_state_labels() -> dict[str, str]:
    return {
        StepState.PLANNED.value: _("Planned"),
        StepState.IN_PROGRESS.value: _("In progress"),
        StepState.DONE.value: _("Done"),
    }


def change_words(moved: Change, previous_round: int) -> str:
    """A printed change of a 0-100 score in words: "up 3.1 since round 2"."""
    if moved.direction == "up":
        return _(
            "up %(delta)s since round %(round)d", delta=f"{moved.delta:.1f}", round=previous_round
        )
    if moved.direction == "down":
        return _(
            "down %(delta)s since round %(round)d",
            delta=f"{-moved.delta:.1f}",
            round=previous_round,
        )
    return _("unchanged since round %(round)d", round=previous_round)


def direction(moved: Change) -> str:
    """The class that colours a printed change: "up", "down", or none when it prints
    as no change (as the report colours it)."""
    return "" if moved.direction == "same" else moved.direction


@dataclass(frozen=True)
class RoundChange:
    """What changed since the organisation's previous submitted round: the stored
    index against the stored index, and per dimension the scores over the questions
    both rounds asked the same way (``services.results.comparison_of``, that is
    ``core.comparison.compare``). Every change is the difference of the printed
    figures, its direction read from that (``core.figures.change_between``), as the
    report's summary and progress table print it."""

    previous: Assessment
    index_before: float
    index_after: float
    level_before: int
    level_after: int
    dimensions: tuple[DimensionDelta, ...]
    compared: int  # questions both rounds answered on the same six statements
    left_out: int
    other_version: str | None  # the previous round's questionnaire version, if another

    @property
    def round(self) -> int:
        return self.previous.round

    @property
    def index_change(self) -> Change:
        return change_between(self.index_before, self.index_after)

    @property
    def words(self) -> str:
        return change_words(self.index_change, self.round)

    @property
    def direction(self) -> str:
        return direction(self.index_change)

    @property
    def signed(self) -> str:
        return self.index_change.signed

    @staticmethod
    def dimension_direction(delta: DimensionDelta) -> str:
        return direction(delta.printed)

    @staticmethod
    def dimension_signed(delta: DimensionDelta) -> str:
        return delta.printed.signed


def change_since_previous(assessment: Assessment, evaluation: Evaluation) -> RoundChange | None:
    """The change since the previous submitted round, None on a first round or when
    either round has no overall index (every answer "not applicable")."""
    scores = evaluation.scores
    if scores.overall_index is None or scores.overall_level is None or assessment.round <= 1:
        return None  # (round 1: no round before it, and no query to say so)
    previous = results_service.previous_round(assessment)
    result = previous.result if previous is not None else None
    if (
        previous is None
        or result is None
        or result.overall_index is None
        or result.overall_level is None
    ):
        return None
    comparison = results_service.comparison_of(previous, assessment, dict(evaluation.input.answers))
    version = previous.questionnaire_version.version
    return RoundChange(
        previous=previous,
        index_before=result.overall_index,
        index_after=scores.overall_index,
        level_before=result.overall_level,
        level_after=scores.overall_level,
        dimensions=comparison.dimensions,
        compared=len(comparison.questions),
        left_out=len(comparison.left_out),
        other_version=None if version == evaluation.questionnaire.version else version,
    )


@dataclass(frozen=True)
class TopStep:
    """One of the three most important next steps; on roadmap 3 with the plan's item
    it leads (the item is what the page names)."""

    planned: PlannedStep
    item: PlannedItem | None


def top_steps(plan: Plan) -> tuple[TopStep, ...]:
    """The plan's top (three distinct practices, ``core.plan``) with their items."""
    item_of = {s.key: item for item in (*plan.items, *plan.later_items) for s in item.steps}
    return tuple(TopStep(planned, item_of.get(planned.key)) for planned in plan.top)


@dataclass(frozen=True)
class PlanProgress:
    """How far the organisation is with the steps of the plan's three phases."""

    steps: int
    done: int
    in_progress: int


def plan_progress(plan: Plan, statuses: dict[StepKey, StepStatus]) -> PlanProgress:
    states = [statuses[s.key].state for s in plan.steps if s.key in statuses]
    return PlanProgress(
        steps=len(plan.steps),
        done=states.count(StepState.DONE),
        in_progress=states.count(StepState.IN_PROGRESS),
    )


@dataclass(frozen=True)
class Method:
    """The questionnaire's figures the "how this is computed" note states."""

    gate_percent: int
    question_weights: tuple[str, ...]  # the distinct weights, as shown ("1", "1.5")
    dimension_weights: tuple[str, ...]
    points: int = POINTS_PER_LEVEL  # a question's score: points × the level answered
    top_level: int = MAX_LEVEL

    @classmethod
    def of(cls, questionnaire: Questionnaire) -> Method:
        def shown(weights: set[Fraction]) -> tuple[str, ...]:
            return tuple(f"{float(w):g}" for w in sorted(weights))

        return cls(
            gate_percent=round(questionnaire.gate * 100),
            question_weights=shown({q.weight for q in questionnaire.questions}),
            dimension_weights=shown({d.weight for d in questionnaire.dimensions}),
        )


@dataclass(frozen=True)
class ResultsView:
    assessment: Assessment
    questionnaire: Questionnaire
    evaluation: Evaluation
    curated: CuratedPlan
    show_computed: bool  # the computed roadmap rather than the curated plan
    state_labels: dict[str, str]
    providers: Any
    benchmark: PublishedBenchmark
    outcome_trends: tuple[OutcomeTrend, ...]
    outcome_rounds: list[int]
    radar: str
    strongest_weakest: tuple[Dimension | None, Dimension | None]
    phases: Any
    can_plan: bool
    can_write_findings: bool
    can_verify: bool
    findings: dict[str, Finding]
    overall_key: str
    verified: VerifiedRound
    plan_error: str | None
    locale: str
    change: RoundChange | None
    top: tuple[TopStep, ...]
    progress: PlanProgress
    method: Method

    @classmethod
    def of(
        cls,
        assessment: Assessment,
        user: User,
        locale: str,
        *,
        show_computed: bool = False,
        plan_error: str | None = None,
    ) -> ResultsView:
        questionnaire = results_service.questionnaire_for(assessment)
        evaluation = results_service.evaluation_of(assessment)
        trends = results_service.outcome_history(assessment)
        declared = scored_answers(questionnaire, evaluation.input.answers, evaluation.input.profile)
        curated = plans.plan_of(assessment, evaluation, computed=show_computed)
        return cls(
            assessment=assessment,
            questionnaire=questionnaire,
            evaluation=evaluation,
            curated=curated,
            show_computed=show_computed,
            state_labels=step_state_labels(),
            providers=providers.providers_for(assessment.organisation),
            benchmark=results_service.benchmark_of(assessment),
            outcome_trends=trends,
            outcome_rounds=trend_rounds(trends),
            radar=score_radar(evaluation, locale, label_size=26, wrap=130),
            strongest_weakest=strongest_and_weakest(evaluation),
            phases=PHASE_MONTHS,
            can_plan=access.can_plan(user, assessment),
            can_write_findings=access.can_write_findings(user, assessment),
            can_verify=access.can_verify(user, assessment),
            findings=consultants.findings_of(assessment),
            overall_key=OVERALL,
            verified=verification.verified_round(assessment, questionnaire, declared),
            plan_error=plan_error,
            locale=locale,
            change=change_since_previous(assessment, evaluation),
            top=top_steps(curated.plan),
            progress=plan_progress(curated.plan, curated.statuses),
            method=Method.of(questionnaire),
        )

    def context(self) -> dict[str, Any]:
        """The template's names (shallow: the objects themselves)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}
