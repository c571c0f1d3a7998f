"""The questionnaire: its model, the file format's schema and checks, the loader
and the catalogue of files. Everything is importable from here."""

from maturity.core.questionnaire.catalogue import Catalogue, version_key
from maturity.core.questionnaire.checks import format_path
from maturity.core.questionnaire.errors import Problem, QuestionnaireError
from maturity.core.questionnaire.loader import content_hash, load_file, parse
from maturity.core.questionnaire.model import (
    LEVEL_VALUES,
    MAX_DIMENSIONS,
    MAX_QUESTIONS,
    Dimension,
    Goal,
    Level,
    Question,
    Questionnaire,
    Recommendation,
    Service,
    Text,
)
from maturity.core.questionnaire.schema import ID_PATTERN, SCHEMA, VERSION_PATTERN

__all__ = [
    "ID_PATTERN",
    "LEVEL_VALUES",
    "MAX_DIMENSIONS",
    "MAX_QUESTIONS",
    "SCHEMA",
    "VERSION_PATTERN",
    "Catalogue",
    "Dimension",
    "Goal",
    "Level",
    "Problem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Recommendation",
    "Service",
    "Text",
    "content_hash",
    "format_path",
    "load_file",
    "parse",
    "version_key",
]
