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
    # Before a joining word, not inside one (数字化基 / 础与保障).
    assert wrapped("数字化基础与保障", 130, 26) == ["数字化基础", "与保障"]
    assert wrapped("产品研发与设计", 100, 26) == ["产品研发", "与设计"]
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


def test_the_ring_values_are_readable_and_drawn_over_the_series() -> None:
    """On the page the chart is scaled down about twofold: its ring values grow with the
    labels, sit between the first two axes and come after the polygons, with a halo."""
    svg = radar_svg(
        [
            "产品设计数字化",
            "生产流程数字化",
            "市场开发数字化",
            "经营决策数字化",
            "数字化基础与保障",
        ],
        [Series("当前得分", [38.9, 44.3, 40.0, 47.7, 50.0], "current")],
        title="t",
        label_size=26,
        wrap=130,
    )
    assert ".ring{font-size:20.8px" in svg and "paint-order:stroke" in svg
    assert svg.index('class="current"') < svg.index('class="ring"')
    assert "<tspan" in svg and ">数字化基础</tspan>" in svg and ">与保障</tspan>" in svg
    pdf = radar_svg(["a", "b", "c"], [], title="t")
    assert ".ring{font-size:12.0px" in pdf
