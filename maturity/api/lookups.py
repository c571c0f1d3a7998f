"""Loading what a request names, with the API's error shape: 404 for what the
token's user may not see, 409 for a round that is not submitted yet."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.exceptions import NotFound

from maturity import access
from maturity.api.errors import ApiError
from maturity.models import Assessment, AssessmentStatus


def visible_assessment(assessment_id: int) -> Assessment:
    """access.visible_assessment, with the API's error shape."""
    try:
        return access.visible_assessment(current_user, assessment_id)
    except NotFound:
        raise ApiError(404, "not_found", "No such assessment.") from None


def submitted(assessment_id: int) -> Assessment:
    found = visible_assessment(assessment_id)
    if found.status != AssessmentStatus.SUBMITTED:
        raise ApiError(409, "not_submitted", "The assessment has not been submitted yet.")
    return found


def answerable(assessment_id: int) -> Assessment:
    """A draft the token's user may answer (403 otherwise, 404 if not visible)."""
    found = visible_assessment(assessment_id)
    if not access.can_answer(current_user, found):
        raise ApiError(
            403,
            "forbidden",
            "This assessment cannot be answered (submitted, or not yours to answer).",
        )
    return found
