"""Server-rendered SVG charts, used as they are by the web pages and the PDF."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import gettext as _

from maturity.core.evaluation import Evaluation
from maturity.core.scoring import level_score

# 'Report CJK' is the PDF's cut-down Noto Sans CJK (reports/fonts.py); browsers skip it.
FONT = "'Report CJK', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
LATIN_FONT = "'Liberation Sans', Arial, 'Report CJK', 'Noto Sans CJK SC', sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # 0-100 per axis; None = not assessed
    css_class: str


LABEL_SIZE = 15


def text_width(text: str, font_size: float = LABEL_SIZE) -> float:
    """A generous estimate of rendered width: CJK glyphs are square, Latin ones narrower."""
    return sum(font_size if ord(char) > 0x2E80 else font_size * 0.6 for char in text)


# Where a Chinese label breaks best: before a joining word (数字化基础 / 与保障) or
# before the closing 数字化 (产品设计 / 数字化), never inside a word.
CHINESE_BREAKS = ("与", "和", "及", "数字化")


def _chinese_break(label: str, width: float, font_size: float) -> int | None:
    """The best place to break a Chinese label in two lines that each fit ``width``:
    before a joining word, the most even such place; None when there is none."""
    places = {
        index
        for word in CHINESE_BREAKS
        for index in range(1, len(label))
        if label.startswith(word, index)
    }
    fitting = [
        index
        for index in places
        if text_width(label[:index], font_size) <= width
        and text_width(label[index:], font_size) <= width
    ]
    return min(fitting, key=lambda index: abs(len(label) - 2 * index)) if fitting else None


def wrapped(label: str, width: float = 150, font_size: float = LABEL_SIZE) -> list[str]:
    """A label in lines of at most ``width`` (estimated): Latin text broken between
    words, Chinese before a joining word where two lines do (数字化基础 / 与保障,
    产品设计 / 数字化), else into lines of even length."""
    if " " not in label:
        total = text_width(label, font_size)
        count = max(1, math.ceil(total / width))
        if count == 2 and (index := _chinese_break(label, width, font_size)) is not None:
            return [label[:index], label[index:]]
        per_line = math.ceil(len(label) / count)
        return [label[i : i + per_line] for i in range(0, len(label), per_line)]
    lines: list[str] = []
    for word in label.split(" "):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, font_size) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.sin(angle), cy - radius * math.cos(angle)


def radar_svg(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    ring_labels: Sequence[str] = ("20", "40", "60", "80", "100"),
    size: int = 360,
    font: str = FONT,
    label_size: float = LABEL_SIZE,
    wrap: float = 150,
) -> str:
    """A radar chart of 0-100 values on the given axes (at least three).

    Text is escaped here; the caller may insert the result into a page as is.
    """
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least three axes")
    # Side labels sit beside the chart, in lines: leave room for the widest line.
    lines = [wrapped(axis, wrap, label_size) for axis in axes]
    margin = max(40.0, max(text_width(line, label_size) for axis in lines for line in axis) + 30)
    # Above and below the chart: room for the tallest label, which grows away from it.
    pad = max(40.0, 26 + max(len(axis) for axis in lines) * (label_size + 2))
    width = size + 2 * margin
    height = size + 2 * pad + 2 * label_size * len(series)
    cx, cy, radius = width / 2, pad + size / 2, size / 2
    step = 2 * math.pi / len(axes)
    # The ring values, as large as the labels allow (12 px in the PDF, more on a page
    # whose chart is scaled down), along the middle of the first two axes, where the
    # rings are furthest from the axis lines.
    ring_size = max(11.0, label_size * 0.8)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="radar-title" class="radar" font-family="{font}">',
        f'<title id="radar-title">{escape(title)}</title>',
        "<style>.grid{fill:none;stroke:#cbd2d9;stroke-width:1}"
        ".axis{stroke:#cbd2d9;stroke-width:1}"
        # The ring values stay readable where a series covers them: a white halo.
        f".ring{{font-size:{ring_size:.1f}px;fill:#52606d;stroke:#fff;stroke-width:{ring_size / 4:.1f}px;"
        "paint-order:stroke;stroke-linejoin:round}"
        f".label{{font-size:{label_size}px;fill:#1f2933}}"
        ".current{fill:rgba(11,110,153,.25);stroke:#0b6e99;stroke-width:2.5}"
        ".target{fill:none;stroke:#e4572e;stroke-width:2;stroke-dasharray:6 4}"
        ".peer{fill:none;stroke:#52606d;stroke-width:1.5;stroke-dasharray:2 3}"
        f".legend{{font-size:{label_size * 0.87:.1f}px;fill:#1f2933}}</style>",
    ]
    rings: list[str] = []
    for ring, ring_label in enumerate(ring_labels, start=1):
        r = radius * ring / len(ring_labels)
        points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, r, i * step) for i in range(len(axes)))
        )
        parts.append(f'<polygon class="grid" points="{points}"/>')
        rx, ry = _point(cx, cy, r * math.cos(step / 2), step / 2)
        rings.append(
            f'<text class="ring" x="{rx + 3:.1f}" y="{ry + ring_size * 0.35:.1f}">{escape(ring_label)}</text>'
        )
    for i, label_lines in enumerate(lines):
        x, y = _point(cx, cy, radius, i * step)
        parts.append(f'<line class="axis" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = _point(cx, cy, radius + 22, i * step)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        # A label above the chart grows upwards, one below or beside it downwards.
        top = (
            ly
            + 5
            - (label_size + 2)
            * (len(label_lines) - 1)
            * (1 if ly < cy - 1 else 0.5 if abs(ly - cy) < radius * 0.5 else 0)
        )
        spans = "".join(
            f'<tspan x="{lx:.1f}" y="{top + n * (label_size + 2):.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(label_lines)
        )
        parts.append(f'<text class="label" text-anchor="{anchor}">{spans}</text>')
    for item in series:
        points = " ".join(
            f"{x:.1f},{y:.1f}"
            for x, y in (
                _point(cx, cy, radius * max(0.0, min(100.0, value or 0.0)) / 100, i * step)
                for i, value in enumerate(item.values)
            )
        )
        parts.append(f'<polygon class="{escape(item.css_class)}" points="{points}"/>')
    parts.extend(rings)  # over the series, so that none hides them
    legend_y = pad + size + pad + label_size * 0.3
    for n, item in enumerate(series):
        y = legend_y + 1.75 * label_size * n
        parts.append(
            f'<rect class="{escape(item.css_class)}" x="{margin}" y="{y - 0.75 * label_size:.1f}" width="{1.5 * label_size:.0f}" height="{0.8 * label_size:.0f}"/>'
            f'<text class="legend" x="{margin + 2 * label_size:.0f}" y="{y:.1f}">{escape(item.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def score_radar(
    evaluation: Evaluation,
    locale: str,
    size: int = 360,
    label_size: float = LABEL_SIZE,
    wrap: float = 150,
) -> str:
    """The radar of a round's dimension scores and target levels (page and PDF)."""
    dimensions = evaluation.questionnaire.dimensions
    scores = evaluation.scores.dimensions
    targets = evaluation.roadmap.targets
    return radar_svg(
        [d.label.get(locale) for d in dimensions],
        [
            Series(_("Current score"), [scores[d.id].score for d in dimensions], "current"),
            Series(
                _("Target level"),
                [level_score(targets[d.id]) if d.id in targets else None for d in dimensions],
                "target",
            ),
        ],
        title=_("Scores by dimension"),
        size=size,
        font=FONT if locale == "zh" else LATIN_FONT,
        label_size=label_size,
        wrap=wrap,
    )
