"""Breakdowns read in their natural order: size classes from large to micro."""

from __future__ import annotations

from maturity.core.dashboard import _breakdown_order


def test_size_classes_go_from_large_to_micro() -> None:
    ordered = sorted(
        ["micro", "large", "small", "medium"], key=lambda v: _breakdown_order("size_class", v)
    )
    assert ordered == ["large", "medium", "small", "micro"]  # 大, 中, 小, 微


def test_other_breakdowns_go_by_code() -> None:
    ordered = sorted(["F", "C", "M"], key=lambda v: _breakdown_order("industry_section", v))
    assert ordered == ["C", "F", "M"]
