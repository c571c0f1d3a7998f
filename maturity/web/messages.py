"""User-facing texts for refused operations, in the user's language.

Services and the core refuse with a ``Refused`` and its code; pages, background saves
and the API show the words chosen here."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from maturity.core.answers import MAX_NOTE_LENGTH
from maturity.core.refusals import Refusal, Refused


def refusal_message(refused: Refused, item: Any = None, locale: str = "zh") -> str:
    """The words for a refusal, in the request's language: every code of
    ``core.refusals.Refusal`` has them here, and only here. ``item``: the profile
    question or outcome figure a refused value was for (its unit is named)."""
    details = refused.details
    code = refused.code
    if code is Refusal.OUT_OF_RANGE:
        return _(
            "Enter a number from %(minimum)s to %(maximum)s (%(unit)s).",
            minimum=details["minimum"],
            maximum=details["maximum"],
            unit=item.unit.get(locale) if item is not None else "",
        )
    if code is Refusal.NOTE_TOO_LONG:
        return _(
            "A note may have at most %(count)d characters.",
            count=details.get("limit", MAX_NOTE_LENGTH),
        )
    if code in (Refusal.NAME_TOO_LONG, Refusal.CONTACT_TOO_LONG, Refusal.PROGRAMMES_TOO_LONG):
        limit = details["limit"]
        return {
            Refusal.NAME_TOO_LONG: _("The name is too long (at most %(n)d characters).", n=limit),
            Refusal.CONTACT_TOO_LONG: _(
                "The contact is too long (at most %(n)d characters).", n=limit
            ),
            Refusal.PROGRAMMES_TOO_LONG: _(
                "The programmes are too long (at most %(n)d characters).", n=limit
            ),
        }[code]
    if code is Refusal.LOGO_TOO_LARGE:
        return _(
            "The logo file is too large (at most %(n)d MB).", n=details["limit"] // (1024 * 1024)
        )
    if code is Refusal.TOO_LARGE:
        return _("The file is too large: at most %(mb)d MB.", mb=details["limit"] // (1024 * 1024))
    if code is Refusal.TOO_MANY_GOALS:
        return _("Choose at most %(count)d business goals.", count=details["limit"])
    if code is Refusal.ROUND_FULL:
        return _(
            "The evidence of this round would exceed %(mb)d MB: remove a file or upload a smaller one.",
            mb=details["limit"] // (1024 * 1024),
        )
    if code is Refusal.ROLE_TOO_LONG:
        return _("The role is too long (at most %(n)d characters).", n=details["limit"])
    if code is Refusal.NOT_CENTRE_CONSULTANT:
        return _(
            "%(name)s is not a consultant of this centre: an administrator names the centre's consultants.",
            name=details.get("name", ""),
        )
    return str(_WORDS[code])


# Codes whose words name no value.
_WORDS: dict[Refusal, LazyString] = {
    Refusal.MALFORMED: _l("The answer could not be read."),
    Refusal.INVALID_VALUE: _l("An answer must be one of the levels 0 to 5, or “not applicable”."),
    Refusal.UNKNOWN_QUESTION: _l(
        "This question does not belong to this assessment's questionnaire."
    ),
    Refusal.NA_NOT_ALLOWED: _l("“Not applicable” is not allowed for this question."),
    Refusal.NO_QUESTIONNAIRE: _l(
        "No questionnaire has been published yet. An administrator must load one first."
    ),
    Refusal.NOT_EDITABLE: _l("This assessment has been submitted and can no longer be changed."),
    Refusal.INCOMPLETE: _l("Some questions are still unanswered."),
    Refusal.CONFLICT: _l("A colleague changed this answer meanwhile; your choice was not saved."),
    Refusal.UNKNOWN_ITEM: _l("This item does not belong to this assessment's questionnaire."),
    Refusal.UNKNOWN_OPTION: _l("Choose one of the answers offered."),
    Refusal.NOT_A_NUMBER: _l(
        "Enter a number, such as 12.5; leave the field empty if you do not know it."
    ),
    Refusal.TOO_PRECISE: _l("Enter the number with fewer decimals."),
    Refusal.DERIVED: _l("This answer follows your organisation's details; change them there."),
    Refusal.NOT_APPLICABLE: _l(
        "This figure cannot be marked not applicable; enter a number or leave it empty."
    ),
    Refusal.INVALID_TARGET: _l("A target must be one of the levels 0 to 5."),
    Refusal.INVALID_BUDGET: _l(
        "Enter the annual digital budget in 10,000 CNY, such as 30 or 12.5; leave it empty if there is none."
    ),
    Refusal.INVALID_PLAN: _l("These targets or goals are not valid for this assessment."),
    Refusal.UNKNOWN_STEP: _l("This step is not part of the plan."),
    Refusal.INVALID_STATE: _l("Choose planned, in progress or done."),
    Refusal.INVALID_DATE: _l("Enter the due date as a date, such as 2027-03-31."),
    Refusal.NAME_MISSING: _l("Enter the provider's name."),
    Refusal.NO_SERVICE: _l("Choose at least one support service the provider offers."),
    Refusal.UNKNOWN_SERVICE: _l("Choose support services from the list."),
    Refusal.NOT_ONE_LINE: _l(
        "Write the name and the contact on one line each, without line breaks or control characters."
    ),
    Refusal.NOT_AN_IMAGE: _l("The logo must be a PNG or JPEG image."),
    Refusal.IMAGE_TOO_LARGE: _l("The logo has too many pixels; upload a smaller image."),
    Refusal.SELF_ASSIGNMENT: _l(
        "You cannot assign yourself: a centre assigns consultants, not its reviewers."
    ),
    Refusal.ALREADY_MEMBER: _l("This person already has access to the organisation."),
    Refusal.ALREADY_STAFF: _l("This person already has this role at this centre."),
    Refusal.NOT_A_REQUEST: _l("This registration is not a request waiting for an answer."),
    Refusal.NO_CODE: _l("Enter the organisation's credit code in its profile first."),
    Refusal.EMPTY: _l("Please choose the file of the business licence."),
    Refusal.WRONG_TYPE: _l(
        "This file is not a PDF, PNG or JPEG (whatever its name says): scan or photograph the business licence and upload that."
    ),
    Refusal.VERIFIED: _l("The code is verified already."),
    Refusal.NO_LICENCE: _l("There is no business licence to check yet."),
    Refusal.NO_FILE: _l("Please choose a file to upload."),
    Refusal.EVIDENCE_WRONG_TYPE: _l(
        "This file is not a PDF, PNG, JPEG, XLSX, DOCX or PPTX (whatever its name says): save or scan it as one of these and upload that."
    ),
    Refusal.EVIDENCE_CLOSED: _l(
        "Evidence can no longer be added or removed: the verification of this round is complete."
    ),
    Refusal.ROLE_MISSING: _l("Enter your role at the firm, such as general manager."),
    Refusal.NOT_ATTESTED: _l("Please tick this box: the submission cannot be undone."),
    Refusal.UNKNOWN_OUTCOME: _l("Choose verified, adjusted or not verifiable."),
    Refusal.NOT_REVIEWABLE: _l(
        "This answer is “not applicable” or missing: there is nothing to verify."
    ),
    Refusal.ADJUSTED_LEVEL_MISSING: _l("Choose the level you found."),
    Refusal.ADJUSTED_TO_SAME_LEVEL: _l(
        "The level found is the one answered: choose “verified” instead."
    ),
    Refusal.NOTE_REQUIRED: _l("Say in the note why the answer is adjusted."),
    Refusal.VISIT_DATE_REQUIRED: _l("Enter the date of the visit (not in the future)."),
    Refusal.UNKNOWN_METHOD: _l("Choose from documents or on site."),
    Refusal.NOT_SUBMITTED: _l("Only a submitted round can be verified."),
    Refusal.VERIFICATION_COMPLETE: _l(
        "The verification is complete; reopen it to change a finding."
    ),
    Refusal.NOTHING_REVIEWED: _l("Record a finding on at least one answer first."),
}
