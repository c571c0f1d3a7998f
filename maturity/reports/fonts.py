"""The report's Chinese font, cut down once to the characters Chinese text uses.

Noto Sans CJK (Debian's fonts-noto-cjk) comes as collections of 20 MB holding
65,000 glyphs for four languages; WeasyPrint reads the whole collection of every
weight it embeds, which cost a report 75 MB of memory and a fifth of a second of
subsetting. `build` writes its Simplified Chinese faces reduced to GB 2312 (every
character of modern Chinese text), Latin, punctuation and symbols: about 3 MB per
weight. The report's font list keeps the full font after it, so a rarer character
(in a name, say) still prints, from the full font.

Run by ``./dev`` (``python -m maturity.reports.fonts``); a no-op when the fonts are
up to date. Without them, reports use the full system font: slower, same text.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from maturity.reports.resources import REPORT_STATIC

FONTS = REPORT_STATIC / "fonts"
FAMILY = "Report CJK"
SOURCE_FAMILY = "Noto Sans CJK SC"
WEIGHTS = {400: "regular", 700: "bold"}
STAMP = FONTS / "fonts.json"
CHARACTER_SET_VERSION = 1
# Besides the GB 2312 characters: Latin, punctuation, arrows, maths, enclosed
# numbers, shapes, symbols, CJK punctuation and full-width forms.
EXTRA_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0x24F),
    (0x2000, 0x206F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2600, 0x26FF),
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
)


def file_name(weight: int) -> str:
    return f"report-cjk-{WEIGHTS[weight]}.otf"


def characters() -> set[int]:
    found: set[int] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    for first, last in EXTRA_RANGES:
        found.update(range(first, last + 1))
    return found


def source_of(weight: int) -> tuple[Path, int] | None:
    """The system font file (and face index in its collection) for a weight."""
    style = "Bold" if weight >= 700 else "Regular"
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}", f"{SOURCE_FAMILY}:style={style}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return None
    if len(found) < 3 or SOURCE_FAMILY not in found[2]:
        return None
    return Path(found[0]), int(found[1] or 0)


def _wanted() -> dict[str, object] | None:
    """What the built fonts must be made of: their sources and the character set."""
    sources: dict[str, object] = {}
    for weight in WEIGHTS:
        source = source_of(weight)
        if source is None:
            return None
        path, index = source
        status = path.stat()
        sources[str(weight)] = [str(path), index, status.st_size, int(status.st_mtime)]
    return {"characters": CHARACTER_SET_VERSION, "family": FAMILY, "sources": sources}


def available() -> bool:
    """The built fonts are there (the report's stylesheet then declares them)."""
    return STAMP.is_file() and all((FONTS / file_name(w)).is_file() for w in WEIGHTS)


def stamp() -> str:
    """What the fonts were built from: part of the renderer's version."""
    return STAMP.read_text(encoding="utf-8") if available() else ""


def build(force: bool = False) -> str:
    """Write the reduced fonts unless they are up to date; says what it did."""
    wanted = _wanted()
    if wanted is None:
        return f"{SOURCE_FAMILY} not found (fonts-noto-cjk): reports use the system fonts"
    if not force and available() and json.loads(stamp()) == wanted:
        return "report fonts up to date"
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    FONTS.mkdir(parents=True, exist_ok=True)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    wanted_characters = characters()
    sources = wanted["sources"]
    assert isinstance(sources, dict)
    for weight in WEIGHTS:
        path, index, *_ = sources[str(weight)]
        font = (
            TTCollection(path, lazy=True).fonts[index]
            if str(path).endswith(".ttc")
            else TTFont(path, lazy=True)
        )
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted_characters)
        subsetter.subset(font)
        _rename(font)
        partial = FONTS / f".{file_name(weight)}.partial"
        font.save(str(partial))
        partial.replace(FONTS / file_name(weight))
    partial = STAMP.with_name(".fonts.json.partial")
    partial.write_text(json.dumps(wanted, sort_keys=True), encoding="utf-8")
    partial.replace(STAMP)
    return f"report fonts written to {FONTS}"


def _rename(font: Any) -> None:  # a fontTools TTFont (untyped)
    """Our family name, so that the cut-down face never stands in for the system's
    full font anywhere else."""
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4, 6):
            weight = "Bold" if "Bold" in record.toUnicode() else "Regular"
            record.string = f"{FAMILY} {weight}" if record.nameID != 6 else f"ReportCJK-{weight}"


def font_faces() -> str:
    """The @font-face rules of the built fonts (empty without them)."""
    if not available():
        return ""
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
        f"src: url(fonts/{file_name(weight)}); }}\n"
        for weight in WEIGHTS
    )


if __name__ == "__main__":
    print(build(force="--force" in sys.argv))
