"""Why an operation is refused: one vocabulary of codes, and one exception for them.

The core and the services refuse with a `Refused` carrying a `Refusal` code (the same
in every language, and what the API's JSON errors name) and the values its message
needs (``details``: a limit, an item's range). The words are chosen in one place for
every page, background save and API answer (``maturity.web.messages``); a test checks
that every code has them in Chinese and in English.
"""

from __future__ import annotations

import enum
from typing import Any


class Refusal(enum.StrEnum):
    # Answers and the round they belong to.
    MALFORMED = "malformed"  # not an answer, a value or a request of this kind at all
    INVALID_VALUE = "invalid_value"
    UNKNOWN_QUESTION = "unknown_question"
    NA_NOT_ALLOWED = "na_not_allowed"
    NOTE_TOO_LONG = "note_too_long"
    NO_QUESTIONNAIRE = "no_questionnaire"
    NOT_EDITABLE = "not_editable"
    INCOMPLETE = "incomplete"
    CONFLICT = "conflict"
    # Profile answers and outcome figures.
    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_OPTION = "unknown_option"
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    TOO_PRECISE = "too_precise"
    DERIVED = "derived"
    NOT_APPLICABLE = "not_applicable"  # a figure that cannot be "not applicable"
    # A plan's step statuses.
    INVALID_TARGET = "invalid_target"
    INVALID_BUDGET = "invalid_budget"
    INVALID_PLAN = "invalid_plan"  # targets or goals this round cannot take
    TOO_MANY_GOALS = "too_many_goals"
    UNKNOWN_STEP = "unknown_step"
    INVALID_STATE = "invalid_state"
    INVALID_DATE = "invalid_date"
    # A centre's directory, branding and staff.
    NAME_MISSING = "name_missing"
    NAME_TOO_LONG = "name_too_long"
    NO_SERVICE = "no_service"
    UNKNOWN_SERVICE = "unknown_service"
    CONTACT_TOO_LONG = "contact_too_long"
    PROGRAMMES_TOO_LONG = "programmes_too_long"
    NOT_ONE_LINE = "not_one_line"
    LOGO_TOO_LARGE = "logo_too_large"
    NOT_AN_IMAGE = "not_an_image"
    IMAGE_TOO_LARGE = "image_too_large"
    SELF_ASSIGNMENT = "self_assignment"
    NOT_CENTRE_CONSULTANT = "not_centre_consultant"
    ALREADY_MEMBER = "already_member"
    ALREADY_STAFF = "already_staff"
    NOT_A_REQUEST = "not_a_request"
    # Credit codes and their proof.
    NO_CODE = "no_code"
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    VERIFIED = "verified"
    NO_LICENCE = "no_licence"
    # Evidence files, the submitter's attestation, the verification of answers.
    NO_FILE = "no_file"
    EVIDENCE_WRONG_TYPE = "evidence_wrong_type"
    ROUND_FULL = "round_full"
    EVIDENCE_CLOSED = "evidence_closed"
    ROLE_MISSING = "role_missing"
    ROLE_TOO_LONG = "role_too_long"
    NOT_ATTESTED = "not_attested"
    UNKNOWN_OUTCOME = "unknown_outcome"
    NOT_REVIEWABLE = "not_reviewable"
    ADJUSTED_LEVEL_MISSING = "adjusted_level_missing"
    ADJUSTED_TO_SAME_LEVEL = "adjusted_to_same_level"
    NOTE_REQUIRED = "note_required"
    VISIT_DATE_REQUIRED = "visit_date_required"
    UNKNOWN_METHOD = "unknown_method"
    NOT_SUBMITTED = "not_submitted"
    VERIFICATION_COMPLETE = "verification_complete"
    NOTHING_REVIEWED = "nothing_reviewed"


class Refused(ValueError):
    """An operation refused: ``code`` says why, ``details`` what the words name."""

    def __init__(self, code: Refusal, subject: str | None = None, **details: Any) -> None:
        super().__init__(f"{code}: {subject}" if subject else str(code))
        self.code = Refusal(code)
        self.details = details
