"""Merge translations from a Python dict file into a catalog (a helper for translators).

Usage: python scripts/fill_catalog.py TRANSLATIONS.py [LOCALE]
The dict file defines ZH = {"English msgid": "译文", ...}; existing translations are kept
unless the dict gives a new one. Then run `pybabel compile -d maturity/translations`.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

locale = sys.argv[2] if len(sys.argv) > 2 else "zh"
catalog_path = Path("maturity/translations") / locale / "LC_MESSAGES" / "messages.po"
translations = runpy.run_path(sys.argv[1])["ZH"]
with catalog_path.open("rb") as handle:
    catalog = read_po(handle, locale=locale)
missing = []
for message in catalog:
    if not message.id:
        continue
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in translations:
        if isinstance(message.id, (tuple, list)):
            message.string = tuple([translations[key]] * catalog.num_plurals)
        else:
            message.string = translations[key]
        message.flags.discard("fuzzy")
    elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
        missing.append(key)
with catalog_path.open("wb") as handle:
    write_po(handle, catalog, width=76)  # as `pybabel update` writes it
for key in missing:
    print(f"untranslated: {key}")
