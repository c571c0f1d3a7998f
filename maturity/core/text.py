"""A text in Chinese and English: every word a questionnaire shows comes as one."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def of(cls, raw: Mapping[str, str]) -> Text:
        """From a questionnaire file's ``{zh, en}`` (surrounding blanks dropped)."""
        return cls(zh=raw["zh"].strip(), en=raw["en"].strip())


# Between the items of a list in running text: 甲、乙 / A, B.
LIST_SEPARATOR = Text("、", ", ")


# The JSON Schema of a text in a questionnaire file.
NON_EMPTY = {"type": "string", "pattern": r"\S"}
TEXT_SCHEMA = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": NON_EMPTY, "en": NON_EMPTY},
    "additionalProperties": False,
}


def is_single_line(value: str) -> bool:
    """No control character (line breaks and tabs included) and no Unicode line or
    paragraph separator: what a name, an address or a code may hold. Such characters
    in a name end up in mail headers and file names, where they break what follows."""
    return not any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in value)
