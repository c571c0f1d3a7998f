"""The questionnaire model: frozen objects built from a validated file."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from maturity.core.items import OutcomeItem, ProfileItem
from maturity.core.items.action import Action, Band
from maturity.core.items.level import Question
from maturity.core.items.wording import Recommendation
from maturity.core.questionnaire.projects import Project
from maturity.core.reference import SizeClass
from maturity.core.text import Text

# The most a questionnaire may have: the centres' result summary stores scores,
# levels, answers and outcome figures in one column each (models.summary), and a
# questionnaire that does not fit is refused when validated, not first when a round
# is submitted.
MAX_DIMENSIONS = 8
MAX_QUESTIONS = 60
MAX_OUTCOMES = 8
DEFAULT_PHASE_CAPACITY = (5, 8)
# Format 3 (PRODUCT.md): at most 10 questions in a dimension and 45 in all, about 30
# minutes; a quick win takes at most three months.
MAX_DIMENSION_QUESTIONS_3 = 10
MAX_QUESTIONS_3 = 45
QUICK_WIN_MONTHS = 3


@dataclass(frozen=True)
class Level:
    value: int
    label: Text
    meaning: Text


@dataclass(frozen=True)
class Service:
    id: str
    label: Text
    # The section of the article that names the service; None for our own additions.
    article_ref: str | None = None


@dataclass(frozen=True)
class Term:
    """A glossary entry, shown where its word appears."""

    term: Text
    definition: Text


@dataclass(frozen=True)
class Variant:
    """A kind of firm for which some questions have their own wording."""

    id: str
    label: Text


@dataclass(frozen=True)
class Dimension:
    id: str
    label: Text
    description: Text
    weight: Fraction
    article_ref: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Goal:
    """A business goal. Formats 1 and 2 name the dimensions that serve it; format 3
    names the questions (the security goal names the security questions, not the
    whole foundations dimension)."""

    id: str
    label: Text
    dimensions: tuple[str, ...]
    questions: tuple[str, ...] = ()
    source: Text | None = None  # where the goal's programme is described

    def serves(self, question: Question) -> bool:
        return question.id in self.questions or question.dimension_id in self.dimensions


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: str
    title: Text
    gate: Fraction
    max_goals: int
    levels: tuple[Level, ...]
    services: tuple[Service, ...]
    dimensions: tuple[Dimension, ...]
    goals: tuple[Goal, ...]
    content_hash: str
    file_format: int = 1
    # Steps (roadmap 2) or items (roadmap 3) per phase: two phases up to format 2,
    # two or three from format 3 (roadmap 2 reads the first two).
    phase_capacity: tuple[int, ...] = DEFAULT_PHASE_CAPACITY
    levels_source: Text | None = None  # where the level names come from
    glossary: tuple[Term, ...] = ()
    variants: tuple[Variant, ...] = ()
    # Roles, effort bands and cost bands that recommendations name (core.items.action).
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)
    # The round's other items by section ("profile", "outcomes"), see core.items.
    sections: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    # Format 3: the projects recommendations belong to (core.questionnaire.projects).
    projects: tuple[Project, ...] = ()
    _questions: dict[str, Question] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for dimension in self.dimensions:
            for question in dimension.questions:
                self._questions[question.id] = question

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"

    def band(self, kind: str, band_id: str) -> Band:
        """A role ("roles"), an effort band ("effort_bands") or a cost band ("cost_bands")."""
        return next(b for b in self.bands.get(kind, ()) if b.id == band_id)

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    @property
    def cheapest_cost_band(self) -> str | None:
        """The first cost band priced in CNY (format 3 checks that they rise in order)."""
        return next((b.id for b in self.bands.get("cost_bands", ()) if b.unit == "cny"), None)

    def cost_rank(self, band_id: str) -> int:
        """The position of a cost band in the file: cheaper bands come first."""
        return [b.id for b in self.bands.get("cost_bands", ())].index(band_id)

    def is_quick_win(self, action: Action) -> bool:
        """A step in the cheapest cost band that takes at most three months (format 3:
        bands have ranges; always False without them)."""
        if action.cost is None or action.effort is None:
            return False
        effort = self.band("effort_bands", action.effort)
        return (
            action.cost == self.cheapest_cost_band
            and effort.high is not None
            and effort.high <= QUICK_WIN_MONTHS
        )

    def step_cost(self, recommendation: Recommendation, size_class: SizeClass | str) -> Band | None:
        """What a step costs an organisation of ``size_class``: its project's cost band
        for that size where it names a project, else its own cost band (or None)."""
        if recommendation.project is not None:
            return self.band(
                "cost_bands", self.project(recommendation.project).cost_band(size_class)
            )
        if recommendation.action.cost is None:
            return None
        return self.band("cost_bands", recommendation.action.cost)

    def goals_serving(
        self, question: Question, goal_ids: tuple[str, ...] | list[str]
    ) -> list[Goal]:
        """The goals among ``goal_ids`` that ``question`` serves."""
        return [self.goal(g) for g in goal_ids if self.goal(g).serves(question)]

    @cached_property
    def weight_units(self) -> dict[str, int]:
        """Question weights as integers in a common unit (exact ratios, fast sums)."""
        unit = math.lcm(*(q.weight.denominator for q in self.questions))
        return {q.id: int(q.weight * unit) for q in self.questions}

    @property
    def profile(self) -> tuple[ProfileItem, ...]:
        return tuple(self.sections.get("profile", ()))

    @property
    def outcomes(self) -> tuple[OutcomeItem, ...]:
        return tuple(self.sections.get("outcomes", ()))

    def outcome(self, outcome_id: str) -> OutcomeItem:
        for item in self.outcomes:
            if item.id == outcome_id:
                return item
        raise KeyError(outcome_id)

    @cached_property
    def markable(self) -> frozenset[str]:
        """The questions some profile answer can mark not applicable."""
        marked: set[str] = set()
        for item in self.profile:
            for option in item.options:
                for target in option.not_applicable:
                    if self.has_question(target):
                        marked.add(target)
                    else:
                        marked.update(q.id for q in self.dimension(target).questions)
        return frozenset(marked)

    def may_be_not_applicable(self, question_id: str) -> bool:
        """Answered "not applicable", or marked so by a profile answer."""
        return self.question(question_id).allow_na or question_id in self.markable

    def always_assessed(self, dimension_id: str) -> bool:
        """Every organisation is assessed in the dimension: one of its questions can be
        neither answered "not applicable" nor marked so by the profile."""
        return any(
            not question.allow_na and question.id not in self.markable
            for question in self.dimension(dimension_id).questions
        )

    def terms_in(self, texts: list[str], locale: str) -> list[Term]:
        """The glossary entries whose word appears in ``texts`` (in that locale)."""
        joined = "\n".join(texts).casefold()
        return [t for t in self.glossary if t.term.get(locale).casefold() in joined]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions

    def dimension(self, dimension_id: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def goal(self, goal_id: str) -> Goal:
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def service(self, service_id: str) -> Service:
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)
