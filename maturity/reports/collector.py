"""The garbage collector around rendering.

Rendering the demo report sets off some 250 collections, and the full ones among them
walked, besides the render's own objects, the 150,000 that live as long as the
process: the modules (Flask, SQLAlchemy, WeasyPrint …), the app and its caches.
Frozen (``gc.freeze``), those are skipped: each full collection during a render then
walks only what the render made, at the same peak memory (`flask bench report` and
docs/operations/reports.md give the figures).

Freezing also keeps whatever cyclic garbage exists at that moment, so it is done
where little can exist: once per process before its first render, and at the start of
a one-off command.
"""

from __future__ import annotations

import gc
from functools import cache


def freeze_long_lived_objects() -> None:
    """Exempt every object alive now from the collector's passes (for good)."""
    gc.freeze()


@cache
def freeze_before_first_render() -> None:
    """Once per process, after WeasyPrint is imported and before it first renders."""
    freeze_long_lived_objects()
