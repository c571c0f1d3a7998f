"""The questionnaire: its model, the file format's schema and checks, the loader
and the catalogue of files. Everything is importable from here."""

from maturity.core.items.level import ID_PATTERN, LEVEL_VALUES, Question, Requirement
from maturity.core.items.wording import Recommendation, Wording
from maturity.core.questionnaire.catalogue import Catalogue, version_key
from maturity.core.questionnaire.checks import format_path
from maturity.core.questionnaire.errors import Problem, QuestionnaireError
from maturity.core.questionnaire.loader import (
    content_hash,
    from_document,
    load_file,
    parse,
    parse_with_document,
)
from maturity.core.questionnaire.model import (
    MAX_DIMENSIONS,
    MAX_OUTCOMES,
    MAX_QUESTIONS,
    Dimension,
    Goal,
    Level,
    Questionnaire,
    Service,
    Term,
    Variant,
)
from maturity.core.questionnaire.schema import SCHEMA, VERSION_PATTERN
from maturity.core.text import Text

__all__ = [
    "ID_PATTERN",
    "LEVEL_VALUES",
    "MAX_DIMENSIONS",
    "MAX_OUTCOMES",
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
    "Requirement",
    "Service",
    "Term",
    "Text",
    "Variant",
    "Wording",
    "content_hash",
    "format_path",
    "from_document",
    "load_file",
    "parse",
    "parse_with_document",
    "version_key",
]
