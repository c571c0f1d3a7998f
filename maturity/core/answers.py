"""One answer: what a person or a client may submit for one question, and why not.

The web page, the background save, the JSON API, the service that stores an
answer and the scoring input of the command line all parse and check answers
here, so that "a level from 0 to 5, or not applicable where allowed, with a note
of at most 2000 characters" is written once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from maturity.core.items import level
from maturity.core.items.level import (
    NOT_APPLICABLE,
    AnswerValue,
    is_level,
)
from maturity.core.items.level import whole_number as _whole_number
from maturity.core.questionnaire import Questionnaire
from maturity.core.refusals import Refusal, Refused

MAX_NOTE_LENGTH = 2000

__all__ = [
    "MAX_NOTE_LENGTH",
    "NOT_APPLICABLE",
    "PROBLEM_TEXTS",
    "AnswerInput",
    "AnswerRefused",
    "AnswerValue",
    "answer_problems",
    "check_answer",
    "clean_note",
    "is_level",
    "parse_payload",
    "parse_revision",
    "parse_value",
    "value_problem",
]


class AnswerRefused(Refused):
    """An answer that cannot be stored: ``malformed`` (not an answer at all),
    ``invalid_value``, ``unknown_question``, ``na_not_allowed``, ``note_too_long``."""

    def __init__(self, code: Refusal, question_id: str | None = None) -> None:
        super().__init__(code, question_id)
        self.question_id = question_id


@dataclass(frozen=True)
class AnswerInput:
    """One answer as submitted: the value, an optional note, and the revision the
    person saw (0 when they saw no answer), which detects a colleague's change."""

    question_id: str
    value: AnswerValue
    note: str | None = None
    revision: int = 0


def parse_value(raw: object) -> AnswerValue:
    """A submitted value: a level as a number or as text ("0".."5"), or "na"."""
    try:
        return level.parse_value(raw)
    except level.InvalidLevel:
        raise AnswerRefused(Refusal.INVALID_VALUE) from None


def parse_revision(raw: object) -> int:
    """The revision a person saw: a whole number of 0 or more (0 when none is given)."""
    if raw is None or raw == "":
        return 0
    value = _whole_number(raw)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise AnswerRefused(Refusal.MALFORMED)


@dataclass(frozen=True)
class PageAnswers:
    """The answers a page of questions sent as form fields (``q-<id>`` the level,
    ``note-<id>`` the note, ``rev-<id>`` the revision seen): those that could be read,
    those refused, what was typed for each (shown again when refused), and fields
    naming questions that are not on the page."""

    given: list[AnswerInput]
    refused: dict[str, AnswerRefused]
    submitted: dict[str, str]
    unknown: list[str]


def page_answers(question_ids: list[str], form: Mapping[str, str]) -> PageAnswers:
    on_page = set(question_ids)
    unknown = [key[2:] for key in form if key.startswith("q-") and key[2:] not in on_page]
    given: list[AnswerInput] = []
    refused: dict[str, AnswerRefused] = {}
    submitted: dict[str, str] = {}
    for question_id in question_ids:
        raw = form.get(f"q-{question_id}")
        if raw is None:
            continue
        submitted[question_id] = raw
        try:
            given.append(
                AnswerInput(
                    question_id,
                    parse_value(raw),
                    form.get(f"note-{question_id}", ""),
                    parse_revision(form.get(f"rev-{question_id}")),
                )
            )
        except AnswerRefused as error:
            refused[question_id] = error
    return PageAnswers(given, refused, submitted, unknown)


def parse_payload(payload: object, question_id: str | None = None) -> AnswerInput:
    """A JSON answer ``{question_id?, value, note?, revision?}`` (background save, API).

    ``question_id`` is taken from the payload unless the caller knows it (a URL)."""
    if not isinstance(payload, dict):
        raise AnswerRefused(Refusal.MALFORMED)
    if question_id is None:
        question_id = payload.get("question_id")
        if not isinstance(question_id, str):
            raise AnswerRefused(Refusal.MALFORMED)
    note = payload.get("note")
    if note is not None and not isinstance(note, str):
        raise AnswerRefused(Refusal.MALFORMED, question_id)
    revision = payload.get("revision", 0)
    if isinstance(revision, str):  # a JSON client sends a number, not text
        raise AnswerRefused(Refusal.MALFORMED, question_id)
    return AnswerInput(
        question_id, parse_value(payload.get("value")), note, parse_revision(revision)
    )


def clean_note(note: str | None) -> str | None:
    """The note as stored: trimmed, None when empty; refused when too long."""
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE_LENGTH:
        raise AnswerRefused(Refusal.NOTE_TOO_LONG)
    return cleaned


def value_problem(questionnaire: Questionnaire, question_id: str, value: object) -> Refusal | None:
    """Why ``value`` is no answer to the question, or None."""
    if not questionnaire.has_question(question_id):
        return Refusal.UNKNOWN_QUESTION
    if value == NOT_APPLICABLE:
        allowed = questionnaire.question(question_id).allow_na
        return None if allowed else Refusal.NA_NOT_ALLOWED
    return None if is_level(value) else Refusal.INVALID_VALUE


def check_answer(questionnaire: Questionnaire, given: AnswerInput) -> AnswerInput:
    """The answer with its note cleaned, or AnswerRefused."""
    problem = value_problem(questionnaire, given.question_id, given.value)
    if problem is not None:
        raise AnswerRefused(problem, given.question_id)
    try:
        note = clean_note(given.note)
    except AnswerRefused:
        raise AnswerRefused(Refusal.NOTE_TOO_LONG, given.question_id) from None
    return AnswerInput(given.question_id, given.value, note, given.revision)


PROBLEM_TEXTS = {
    "unknown_question": "unknown question id {question!r}",
    "na_not_allowed": "{question}: 'na' (not applicable) is not allowed here",
    "invalid_value": "{question}: {value!r} is not a level from 0 to 5 or 'na'",
}


def answer_problems(
    questionnaire: Questionnaire,
    answers: Mapping[str, object],
    *,
    complete: bool = True,
    not_required: Collection[str] = (),
    na_allowed: Collection[str] = (),
) -> list[str]:
    """Every reason why ``answers`` cannot be scored on ``questionnaire`` (plain text,
    for the command line and the scoring input). ``not_required``: questions that
    need no answer (the profile marks them not applicable); ``na_allowed``: questions
    that may be "not applicable" besides those that allow it."""
    problems = []
    for question_id, value in answers.items():
        if value == NOT_APPLICABLE and question_id in na_allowed:
            continue
        problem = value_problem(questionnaire, question_id, value)
        if problem is not None:
            problems.append(PROBLEM_TEXTS[problem].format(question=question_id, value=value))
    if complete:
        problems += [
            f"{q.id}: missing answer"
            for q in questionnaire.questions
            if q.id not in answers and q.id not in not_required
        ]
    return problems
