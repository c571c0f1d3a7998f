"""Where each organisation's rounds stand: the latest, the latest submitted (with its
stored result) and the draft with how many answers it holds. For lists of
organisations (home page, consultant workspace): a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus


@dataclass(frozen=True)
class RoundState:
    latest: Assessment | None = None
    latest_submitted: Assessment | None = None  # its result loaded
    draft: Assessment | None = None
    draft_answers: int = 0


def round_states(organisation_ids: Sequence[int]) -> dict[int, RoundState]:
    """Every given organisation's state (an empty one when it has no round)."""
    latest: dict[int, Assessment] = {}
    submitted: dict[int, Assessment] = {}
    drafts: dict[int, Assessment] = {}
    if organisation_ids:
        for assessment in db.session.scalars(
            select(Assessment)
            .options(selectinload(Assessment.result))
            .where(Assessment.organisation_id.in_(organisation_ids))
            .order_by(Assessment.round)
        ):
            latest[assessment.organisation_id] = assessment
            if assessment.status == AssessmentStatus.SUBMITTED:
                submitted[assessment.organisation_id] = assessment
            else:
                drafts[assessment.organisation_id] = assessment
    answers = rows_per_assessment(Answer.assessment_id, [d.id for d in drafts.values()])
    return {
        organisation_id: RoundState(
            latest.get(organisation_id),
            submitted.get(organisation_id),
            drafts.get(organisation_id),
            answers.get(drafts[organisation_id].id, 0) if organisation_id in drafts else 0,
        )
        for organisation_id in organisation_ids
    }


def rows_per_assessment(column: Any, ids: Sequence[int]) -> dict[int, int]:
    """How many rows of a table (by its assessment id column) each assessment has."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(ids)).group_by(column)
    ).all()
    return {assessment_id: count for assessment_id, count in rows}
