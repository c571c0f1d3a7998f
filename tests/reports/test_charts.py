"""The radar's labels: wrapped evenly, and never outside the drawing."""

from __future__ import annotations

import re

import pytest

from maturity.reports.charts import Series, radar_svg, text_width, wrapped

DIMENSIONS_ZH = [
    "产品设计数字化",
    "生产流程数字化",
    "市场开发数字化",
    "经营决策数字化",
    "数字化基础与保障",
]
DIMENSIONS_EN = [
    "Product design",
    "Production process",
    "Market development",
    "Business decisions",
    "Digital foundations and safeguards",
]


def test_chinese_labels_break_into_even_lines_and_latin_ones_between_words() -> None:
    assert wrapped("产品设计数字化", 130, 26) == ["产品设计", "数字化"]
    assert wrapped("数字化基础与保障", 130, 26) == ["数字化基", "础与保障"]
    assert wrapped("产品设计数字化", 150, 15) == ["产品设计数字化"]
    lines = wrapped("Digital foundations and safeguards", 150, 15)
    assert " ".join(lines) == "Digital foundations and safeguards"
    assert all(text_width(line, 15) <= 150 for line in lines)


@pytest.mark.parametrize("axes", [DIMENSIONS_ZH, DIMENSIONS_EN])
@pytest.mark.parametrize(("label_size", "wrap"), [(15, 150), (26, 130)])
def test_every_label_line_lies_inside_the_drawing(
    axes: list[str], label_size: float, wrap: float
) -> None:
    svg = radar_svg(
        axes,
        [Series("now", [40.0] * len(axes), "current")],
        title="t",
        label_size=label_size,
        wrap=wrap,
    )
    width, height = (float(v) for v in re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())  # type: ignore[union-attr]
    for x, y, text in re.findall(r'<tspan x="([\d.-]+)" y="([\d.-]+)">([^<]*)</tspan>', svg):
        assert label_size <= float(y) <= height, text  # the glyphs' tops are inside
        assert 0 <= float(x) <= width, text
