"""Where a draft round stands: what its profile makes applicable, what is answered,
and where the person left off. One object per request, shared by the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maturity.core.applicability import Applicability, applicability
from maturity.core.items import ROUND_ITEM_TYPES, ItemType
from maturity.core.items.wording import VariantChoice
from maturity.core.questionnaire import Question, Questionnaire
from maturity.models import Answer, Assessment
from maturity.services import items
from maturity.services import results as results_service


@dataclass
class Journey:
    assessment: Assessment
    questionnaire: Questionnaire
    answers: dict[str, Answer]
    stored_items: dict[str, str]
    applicable: Applicability = field(init=False)

    def __post_init__(self) -> None:
        self.applicable = applicability(self.questionnaire, self.profile)

    @classmethod
    def of(cls, assessment: Assessment) -> Journey:
        return cls(
            assessment,
            results_service.questionnaire_for(assessment),
            results_service.answers_of(assessment),
            items.stored_texts(assessment),
        )

    @property
    def profile(self) -> dict[str, str]:
        return items.profile_of(self.assessment, self.questionnaire, self.stored_items)

    @property
    def variant(self) -> VariantChoice:
        return self.applicable.variant

    def sections(self, before_questions: bool) -> list[ItemType]:
        return [
            item_type
            for item_type in ROUND_ITEM_TYPES
            if item_type.asked_before_questions == before_questions
            and self.questionnaire.sections.get(item_type.section)
        ]

    def section_counts(self, item_type: ItemType) -> tuple[int, int]:
        section = [
            item
            for item in self.questionnaire.sections.get(item_type.section, ())
            if item_type.asked(item)
        ]
        return sum(1 for item in section if item.id in self.stored_items), len(section)

    def applicable_questions(self, dimension_id: str | None = None) -> list[Question]:
        return [
            q
            for q in self.questionnaire.questions
            if self.applicable.applies(q.id)
            and (dimension_id is None or q.dimension_id == dimension_id)
        ]

    @property
    def confirmed(self) -> dict[str, Answer]:
        """Answers given in this round (a carried-over one counts once confirmed)."""
        return {q: a for q, a in self.answers.items() if not a.carried_over}

    def unconfirmed_questions(self) -> list[Question]:
        return [
            q
            for q in self.applicable_questions()
            if q.id in self.answers and q.id not in self.confirmed
        ]

    def missing_questions(self) -> list[Question]:
        """Not answered at all (carried-over answers still to confirm are listed apart)."""
        return [q for q in self.applicable_questions() if q.id not in self.answers]

    def missing_items(self) -> list[Any]:
        return [
            item
            for item_type in ROUND_ITEM_TYPES
            if item_type.required_for_submission
            for item in self.questionnaire.sections.get(item_type.section, ())
            if item.id not in self.stored_items
        ]

    def progress(self) -> dict[str, Any]:
        per_dimension = {
            d.id: (
                sum(1 for q in self.applicable_questions(d.id) if q.id in self.confirmed),
                len(self.applicable_questions(d.id)),
            )
            for d in self.questionnaire.dimensions
        }
        required = [t for t in ROUND_ITEM_TYPES if t.required_for_submission]
        item_counts = [self.section_counts(t) for t in required]
        answered = sum(done for done, _ in per_dimension.values()) + sum(
            done for done, _ in item_counts
        )
        total = sum(total for _, total in per_dimension.values()) + sum(
            total for _, total in item_counts
        )
        return {
            "answered": answered,
            "total": total,
            "percent": round(100 * answered / total) if total else 0,
            "dimensions": per_dimension,
            "sections": {t.section: self.section_counts(t) for t in ROUND_ITEM_TYPES},
        }

    def resume_target(self) -> tuple[str, str | None]:
        """("section", its name) for an unanswered required section, else ("dimension",
        id) with the first unanswered question's anchor, else ("review", None)."""
        for item_type in self.sections(before_questions=True):
            done, total = self.section_counts(item_type)
            if item_type.required_for_submission and done < total:
                return f"section:{item_type.section}", None
        for question in self.applicable_questions():
            if question.id not in self.confirmed:  # unanswered, or carried over unconfirmed
                return f"dimension:{question.dimension_id}", question.id
        return "review", None
