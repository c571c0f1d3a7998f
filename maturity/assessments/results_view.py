"""What the results page shows of a submitted round, gathered in one place: the view
only chooses between this and a redirect (``routes.results``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask_babel import gettext as _

from maturity import access
from maturity.core.applicability import scored_answers
from maturity.core.comparison import OutcomeTrend, trend_rounds
from maturity.core.evaluation import Evaluation, strongest_and_weakest
from maturity.core.plan import StepState
from maturity.core.questionnaire import Dimension, Questionnaire
from maturity.core.releases import PublishedBenchmark
from maturity.core.report import OVERALL
from maturity.core.roadmap import PHASE_MONTHS
from maturity.models import Assessment, Finding, User
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
        return cls(
            assessment=assessment,
            questionnaire=questionnaire,
            evaluation=evaluation,
            curated=plans.plan_of(assessment, evaluation, computed=show_computed),
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
        )

    def context(self) -> dict[str, Any]:
        """The template's names (shallow: the objects themselves)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}
