"""User-facing texts for refused assessment operations, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from maturity.services.assessments import AssessmentError


def error_message(error: AssessmentError) -> str:
    messages = {
        "no_questionnaire": _(
            "No questionnaire has been published yet. An administrator must load one first."
        ),
        "not_editable": _("This assessment has been submitted and can no longer be changed."),
        "unknown_question": _("This question does not belong to this assessment's questionnaire."),
        "invalid_value": _("An answer must be one of the levels 0 to 5, or “not applicable”."),
        "na_not_allowed": _("“Not applicable” is not allowed for this question."),
        "note_too_long": _("A note may have at most 2000 characters."),
        "incomplete": _("Some questions are still unanswered."),
        "conflict": _("A colleague changed this answer meanwhile; your choice was not saved."),
    }
    return messages.get(error.code, _("This could not be saved."))
