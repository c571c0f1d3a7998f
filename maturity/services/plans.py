"""The plan of a submitted round: target levels per dimension and the
organisation's business goals, from which the roadmap follows."""

from __future__ import annotations

from collections.abc import Mapping

from maturity.core.questionnaire import Questionnaire
from maturity.core.roadmap import InvalidPlanInput, plan_problems
from maturity.extensions import db
from maturity.models import Assessment, AssessmentTarget, Organisation, OrganisationGoal
from maturity.services.results import questionnaire_for, stored_scores


def set_goals(organisation: Organisation, questionnaire: Questionnaire, goals: list[str]) -> None:
    """Replace the organisation's goals (in the caller's transaction); InvalidPlanInput
    lists what is wrong (unknown, repeated, more than the questionnaire allows)."""
    problems = plan_problems(questionnaire, {}, goals)
    if problems:
        raise InvalidPlanInput(problems)
    # Keep rows that stay: replacing them would insert before deleting and trip
    # the (organisation, goal) unique constraint.
    existing = {goal.goal_id: goal for goal in organisation.goals}
    kept = []
    for position, goal_id in enumerate(goals):
        row = existing.get(goal_id) or OrganisationGoal(goal_id=goal_id)
        row.position = position
        kept.append(row)
    organisation.goals = kept


def set_plan(assessment: Assessment, targets: Mapping[str, int], goals: list[str]) -> None:
    """Store chosen target levels and business goals; the roadmap follows from them."""
    questionnaire = questionnaire_for(assessment)
    scores = stored_scores(assessment)
    assessed = [d for d, result in scores.dimensions.items() if result.assessed]
    problems = plan_problems(questionnaire, targets, goals, assessed)
    if problems:
        raise InvalidPlanInput(problems)
    existing = {target.dimension_id: target for target in assessment.targets}
    kept = []
    for dimension_id, level in targets.items():
        row = existing.get(dimension_id) or AssessmentTarget(dimension_id=dimension_id)
        row.level = level
        kept.append(row)
    assessment.targets = kept
    set_goals(assessment.organisation, questionnaire, goals)
    db.session.commit()
