"""The questionnaire model: frozen objects built from a validated file."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

LEVEL_VALUES = range(6)
# The most a questionnaire may have: the centres' result summary stores scores,
# levels and answers in one column each (models.summary), and a questionnaire
# that does not fit is refused when validated, not first when a round is submitted.
MAX_DIMENSIONS = 8
MAX_QUESTIONS = 40


@dataclass(frozen=True)
class Text:
    """A text in Chinese and English."""

    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Level:
    value: int
    label: Text
    meaning: Text


@dataclass(frozen=True)
class Service:
    id: str
    label: Text


@dataclass(frozen=True)
class Recommendation:
    """What to do to reach a level of a question, and the support services it calls on."""

    level: int
    text: Text
    services: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    id: str
    dimension_id: str
    position: int  # 0-based order in the whole questionnaire
    title: Text
    help: Text
    levels: tuple[Text, ...]  # six statements, index = level value
    allow_na: bool
    weight: Fraction
    article_ref: str
    recommendations: Mapping[int, Recommendation]  # levels 1-5
    requires: Mapping[str, int]


@dataclass(frozen=True)
class Dimension:
    id: str
    label: Text
    description: Text
    weight: Fraction
    article_ref: str
    questions: tuple[Question, ...]

    @property
    def always_assessed(self) -> bool:
        """A question that cannot be "not applicable" assesses every organisation."""
        return any(not question.allow_na for question in self.questions)


@dataclass(frozen=True)
class Goal:
    id: str
    label: Text
    dimensions: tuple[str, ...]


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
    _questions: dict[str, Question] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for dimension in self.dimensions:
            for question in dimension.questions:
                self._questions[question.id] = question

    @property
    def label(self) -> str:
        return f"{self.key}@{self.version}"

    @cached_property
    def weight_units(self) -> dict[str, int]:
        """Question weights as integers in a common unit (exact ratios, fast sums)."""
        unit = math.lcm(*(q.weight.denominator for q in self.questions))
        return {q.id: int(q.weight * unit) for q in self.questions}

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
