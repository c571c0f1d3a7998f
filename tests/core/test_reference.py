from __future__ import annotations

from decimal import Decimal

import pytest

from maturity.core import reference
from maturity.core.reference import CreditCodeError, MissingMeasure, SizeClass, classify_size


def test_industry_classification_has_all_sections_and_divisions() -> None:
    assert [s.code for s in reference.sections()] == list("ABCDEFGHIJKLMNOPQRST")
    codes = {d.code for d in reference.divisions()}
    # Divisions 01-97; real estate (70) is split into its groups for the size rules.
    assert codes == {f"{n:02d}" for n in range(1, 98) if n != 70} | {
        "701",
        "702",
        "703",
        "704",
        "709",
    }
    assert reference.division("34").section == "C"  # type: ignore[union-attr]
    assert reference.division("C") is None and reference.division("98") is None


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y43", None),
        ("91330100MA2D3M0P14", None),
        ("91350100M000100Y44", CreditCodeError.CHECK_DIGIT),
        ("91350100M000100Y4", CreditCodeError.LENGTH),
        ("91350100M000100O43", CreditCodeError.CHARACTERS),
        ("913501A0M000100Y43", CreditCodeError.REGION),
    ],
)
def test_credit_code(code: str, problem: CreditCodeError | None) -> None:
    assert reference.credit_code_problem(code) is problem


def test_credit_code_normalisation() -> None:
    assert reference.normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("division", "employees", "revenue", "assets", "expected"),
    [
        # Industry: SME below 1000 staff or 40,000 revenue; medium at 300 staff and 2,000.
        ("34", 1000, 40000, None, SizeClass.LARGE),
        ("34", 999, 90000, None, SizeClass.MEDIUM),
        ("34", 300, 2000, None, SizeClass.MEDIUM),
        ("34", 300, 1999, None, SizeClass.SMALL),
        ("34", 20, 300, None, SizeClass.SMALL),
        ("34", 19, 5000, None, SizeClass.MICRO),
        # Retail: medium at 50 staff and 500; micro below 10 staff or 100.
        ("52", 50, 500, None, SizeClass.MEDIUM),
        ("52", 10, 99, None, SizeClass.MICRO),
        ("52", 300, 20000, None, SizeClass.LARGE),
        # Software: small from 10 staff and 50.
        ("65", 10, 50, None, SizeClass.SMALL),
        # Agriculture: revenue only.
        ("01", None, Decimal("49.99"), None, SizeClass.MICRO),
        ("01", None, Decimal(500), None, SizeClass.MEDIUM),
        # Construction: revenue and assets.
        ("47", None, 6000, 5000, SizeClass.MEDIUM),
        ("47", None, 6000, 299, SizeClass.MICRO),
        # Property management vs real-estate development.
        ("702", 300, 1000, None, SizeClass.MEDIUM),
        ("701", None, 1000, 5000, SizeClass.MEDIUM),
        # Leasing and business services: employees and assets.
        ("72", 100, None, 8000, SizeClass.MEDIUM),
        # Everything else: employees only.
        ("83", 99, None, None, SizeClass.SMALL),
        ("83", 300, None, None, SizeClass.LARGE),
    ],
)
def test_size_classes_follow_the_2011_rules(
    division: str, employees: int | None, revenue: int | Decimal | None,
    assets: int | None, expected: SizeClass,
) -> None:  # fmt: skip
    result = classify_size(
        division,
        employees=employees,
        revenue=None if revenue is None else Decimal(revenue),
        assets=None if assets is None else Decimal(assets),
    )
    assert result is expected


def test_missing_measure_is_named() -> None:
    with pytest.raises(MissingMeasure) as error:
        classify_size("47", employees=10, revenue=Decimal(100))
    assert error.value.measure == "assets"
    assert reference.measures_needed("47") == ("revenue", "assets")
    assert reference.measures_needed("83") == ("employees",)


def test_regions() -> None:
    provinces = {p.code: p for p in reference.provinces()}
    assert len(provinces) == 34
    assert (
        provinces["330000"].name("zh") == "浙江省" and provinces["330000"].name("en") == "Zhejiang"
    )
    hangzhou = {c.code: c for c in reference.cities("330000")}["330100"]
    assert (hangzhou.name_zh, hangzhou.name_en) == ("杭州市", "Hangzhou")
    assert [c.code for c in reference.cities("110000")] == ["110100"]


def test_core_imports_neither_flask_nor_sqlalchemy() -> None:
    import ast
    from pathlib import Path

    core = Path(reference.__file__).parent
    for path in core.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug"}, path
                assert not name.startswith(("maturity.models", "maturity.extensions")), path
