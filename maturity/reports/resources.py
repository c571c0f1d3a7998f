"""Where the report's static files (stylesheet, fonts, images) live: the only files
a rendering may read."""

from __future__ import annotations

from pathlib import Path

REPORT_STATIC = Path(__file__).resolve().parent.parent / "static" / "reports"
