"""What the applicability profile makes of a round: which questions do not apply to
this firm (and why), which wording its questions take, and the answers as scored.

A question marked not applicable by the profile needs no answer and is scored as
"not applicable" whatever was answered before; the stored answer stays, so that
changing the profile back loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from maturity.core.answers import NOT_APPLICABLE, AnswerValue
from maturity.core.items.wording import VariantChoice
from maturity.core.questionnaire import Question, Questionnaire
from maturity.core.text import Text

Profile = Mapping[str, str]  # profile item id → chosen option id


@dataclass(frozen=True)
class Applicability:
    not_applicable: Mapping[str, Text] = field(default_factory=dict)  # question id → reason
    # The wording the questions take: None, one variant id, or several in profile order
    # (format 3: a micro process manufacturer selling to businesses has three; each
    # question takes the first it has, see Question.wording).
    variant: VariantChoice = None

    def applies(self, question_id: str) -> bool:
        return question_id not in self.not_applicable

    def reason(self, question_id: str) -> Text | None:
        return self.not_applicable.get(question_id)


def applicability(questionnaire: Questionnaire, profile: Profile) -> Applicability:
    """The profile's effect. Unanswered profile items mark nothing; where two answers
    mark the same question, the first in profile order gives the reason; the answers
    that select a variant select it, in profile order."""
    marked: dict[str, Text] = {}
    variants: list[str] = []
    for item in questionnaire.profile:
        chosen = profile.get(item.id)
        if chosen is None:
            continue
        option = item.option(chosen)
        if option.variant is not None and option.variant not in variants:
            variants.append(option.variant)
        if option.reason is None:
            continue
        for target in option.not_applicable:
            targets: tuple[Question, ...] = (
                (questionnaire.question(target),)
                if questionnaire.has_question(target)
                else questionnaire.dimension(target).questions
            )
            for question in targets:
                marked.setdefault(question.id, option.reason)
    ordered = {q.id: marked[q.id] for q in questionnaire.questions if q.id in marked}
    variant: VariantChoice = (
        None if not variants else variants[0] if len(variants) == 1 else tuple(variants)
    )
    return Applicability(ordered, variant)


def scored_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue], profile: Profile
) -> dict[str, AnswerValue]:
    """The answers as scored: "not applicable" for every question the profile marks
    (answered or not), the given answers for the rest."""
    marked = applicability(questionnaire, profile).not_applicable
    scored = {qid: value for qid, value in answers.items() if qid not in marked}
    scored.update(dict.fromkeys(marked, NOT_APPLICABLE))
    return scored


def profile_problems(questionnaire: Questionnaire, profile: Mapping[str, object]) -> list[str]:
    """Why ``profile`` is not a profile of this questionnaire (plain text, for the
    command line and the scoring input)."""
    problems = []
    items = {item.id: item for item in questionnaire.profile}
    for item_id, option_id in profile.items():
        if item_id not in items:
            problems.append(f"profile: unknown item {item_id!r}")
            continue
        options = [option.id for option in items[item_id].options]
        if option_id not in options:
            problems.append(f"profile: {item_id}: {option_id!r} is not one of {', '.join(options)}")
    return problems
