"""Every user-facing string has its Chinese text (English is the source text)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [("maturity/**.py", "python"), ("maturity/templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    messages = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def test_every_message_has_a_chinese_translation() -> None:
    with (ROOT / "maturity/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and m.string and "fuzzy" not in m.flags
    }
    missing = sorted(source_messages() - translated)
    assert missing == [], "run scripts/i18n update and translate:\n" + "\n".join(missing)
