"""Copy the user guides' pictures from the browser tests' screenshots into docs/.

Usage: python scripts/docs_screenshots.py [SCREENSHOTS_DIR]
Run the page sweep first (it saves every page of every role, zh and en, phone and desktop):
    .venv/bin/pytest -m slow tests/browser/test_every_page.py
The guides show what a user sees first: each picture is the top of its page, cut to a
screen or so, in 256 colours (a tenth of the size, no visible difference for a UI).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Picture:
    visit: str  # the sweep's file name up to the locale: role, index, path
    viewport: str  # phone or desktop
    height: int  # pixels kept from the top of the page
    name: str  # the file in docs/<locale>/img/


PICTURES = (
    Picture("manager-06-", "desktop", 1500, "manager-results"),
    Picture("manager-04-", "desktop", 1100, "manager-compare"),
    Picture("manager-08-", "phone", 1300, "manager-question-phone"),
    Picture("consultant-01-", "phone", 1300, "consultant-clients-phone"),
    Picture("reviewer-03-", "desktop", 1500, "reviewer-dashboard"),
    Picture("admin-02-", "desktop", 1000, "administrator-audit"),
)


def find(pages: Path, picture: Picture, locale: str) -> Path:
    matches = sorted(pages.glob(f"{picture.visit}*-{locale}-{picture.viewport}.png"))
    if len(matches) != 1:
        raise SystemExit(f"expected one screenshot for {picture.visit} {locale}, found {matches}")
    return matches[0]


def main() -> None:
    pages = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "artifacts" / "screenshots" / "pages"
    for locale in ("zh", "en"):
        target = ROOT / "docs" / locale / "img"
        target.mkdir(exist_ok=True)
        for picture in PICTURES:
            with Image.open(find(pages, picture, locale)) as shot:
                top = shot.convert("RGB").crop((0, 0, shot.width, min(shot.height, picture.height)))
            out = target / f"{picture.name}.png"
            top.quantize(colors=256).save(out, optimize=True)
            print(
                f"{out.relative_to(ROOT)}: {top.width}×{top.height}, {out.stat().st_size // 1024} KB"
            )


if __name__ == "__main__":
    main()
