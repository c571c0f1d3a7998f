"""User-facing texts for refused operations, in the user's language.

Services and the core refuse with a ``code``; pages, background saves and the API
show the text chosen here."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from maturity.core.answers import MAX_NOTE_LENGTH
from maturity.core.items import ItemRefused
from maturity.core.questionnaire import Questionnaire
from maturity.core.roadmap import InvalidPlanInput


def refusal_message(error: Exception) -> str:
    """The message for an AssessmentError, an AnswerRefused or a PlanProblem."""
    messages = {
        "no_questionnaire": _(
            "No questionnaire has been published yet. An administrator must load one first."
        ),
        "not_editable": _("This assessment has been submitted and can no longer be changed."),
        "unknown_question": _("This question does not belong to this assessment's questionnaire."),
        "invalid_value": _("An answer must be one of the levels 0 to 5, or “not applicable”."),
        "malformed": _("The answer could not be read."),
        "na_not_allowed": _("“Not applicable” is not allowed for this question."),
        "note_too_long": _("A note may have at most %(count)d characters.", count=MAX_NOTE_LENGTH),
        "incomplete": _("Some questions are still unanswered."),
        "incomplete_profile": _(
            "The questions about your firm are not all answered yet; answer them first."
        ),
        "conflict": _("A colleague changed this answer meanwhile; your choice was not saved."),
    }
    return messages.get(getattr(error, "code", ""), _("This could not be saved."))


def plan_message(refused: InvalidPlanInput, questionnaire: Questionnaire) -> str:
    """Why chosen targets or business goals were refused."""
    if any(problem.code == "too_many_goals" for problem in refused.problems):
        return _("Choose at most %(count)d business goals.", count=questionnaire.max_goals)
    return _("These targets or goals are not valid for this assessment.")


def item_message(refused: ItemRefused, item: Any, locale: str) -> str:
    """Why a profile answer or an outcome figure was refused, naming the allowed range."""
    if refused.code == "out_of_range":
        return _(
            "Enter a number from %(minimum)s to %(maximum)s (%(unit)s).",
            minimum=refused.details["minimum"],
            maximum=refused.details["maximum"],
            unit=item.unit.get(locale),
        )
    if refused.code == "not_a_number":
        return _("Enter a number, such as 12.5; leave the field empty if you do not know it.")
    if refused.code == "unknown_option":
        return _("Choose one of the answers offered.")
    if refused.code == "unknown_item":
        return _("This item does not belong to this assessment's questionnaire.")
    return _("This could not be saved.")
