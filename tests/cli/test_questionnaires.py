from __future__ import annotations

import json
import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from maturity.extensions import db
from maturity.models import QuestionnaireVersion
from tests.conftest import ROOT

SHIPPED = ROOT / "questionnaires" / "sme-digital" / "1.0.0.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "questionnaires"


def invoke(app: Flask, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def published(app: Flask) -> list[tuple[str, str, bool]]:
    with app.app_context():
        rows = db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.id))
        return [(r.key, r.version, r.is_current) for r in rows]


def test_validate_passes_on_the_shipped_file(app: Flask) -> None:
    result = invoke(app, "questionnaires", "validate", str(SHIPPED))
    assert result.exit_code == 0, result.output
    assert "OK sme-digital@1.0.0" in result.output
    assert (
        "product_design 6, production_process 6, market_development 6, business_decisions 5"
        in result.output
    )


def test_validate_fails_with_located_messages(app: Flask) -> None:
    result = invoke(app, "questionnaires", "validate", str(FIXTURES / "broken-references.yaml"))
    assert result.exit_code == 1
    assert "3 problem(s)" in result.output
    assert (
        "line 42, dimensions[0].questions[1].requires.ghost: requires unknown question 'ghost'"
        in result.output
    )


def test_load_publishes_once_and_refuses_a_changed_published_version(
    app: Flask, tmp_path: Path
) -> None:
    directory = tmp_path / "questionnaires"
    (directory / "sme-digital").mkdir(parents=True)
    target = directory / "sme-digital" / "1.0.0.yaml"
    shutil.copy(SHIPPED, target)
    app.config["QUESTIONNAIRES_DIR"] = str(directory)

    first = invoke(app, "questionnaires", "load")
    assert first.exit_code == 0 and "published sme-digital@1.0.0" in first.output
    again = invoke(app, "questionnaires", "load")
    assert again.exit_code == 0 and "unchanged sme-digital@1.0.0" in again.output
    assert published(app) == [("sme-digital", "1.0.0", True)]

    # Reformatting is not a change; rewording a level statement is.
    target.write_text("# reformatted\n" + SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke(app, "questionnaires", "load").exit_code == 0
    target.write_text(
        SHIPPED.read_text(encoding="utf-8").replace("以手绘或二维图纸为主", "以手绘图纸为主"),
        encoding="utf-8",
    )
    listing = invoke(app, "questionnaires", "list")
    assert "FILE CHANGED since publication" in listing.output
    refused = invoke(app, "questionnaires", "load")
    assert refused.exit_code == 1
    assert "immutable" in refused.output and "new version" in refused.output

    # A new version is published (all or nothing) and becomes current.
    target.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    new_version = directory / "sme-digital" / "1.1.0.yaml"
    new_version.write_text(
        SHIPPED.read_text(encoding="utf-8")
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("以手绘或二维图纸为主", "以手绘图纸为主"),
        encoding="utf-8",
    )
    result = invoke(app, "questionnaires", "load")
    assert result.exit_code == 0, result.output
    assert published(app) == [("sme-digital", "1.0.0", False), ("sme-digital", "1.1.0", True)]


def test_load_writes_nothing_when_any_file_is_bad(app: Flask, tmp_path: Path) -> None:
    directory = tmp_path / "questionnaires"
    (directory / "sme-digital").mkdir(parents=True)
    (directory / "mini").mkdir()
    shutil.copy(SHIPPED, directory / "sme-digital" / "1.0.0.yaml")
    shutil.copy(FIXTURES / "broken-cycle.yaml", directory / "mini" / "0.1.0.yaml")
    app.config["QUESTIONNAIRES_DIR"] = str(directory)
    result = invoke(app, "questionnaires", "load")
    assert result.exit_code == 1 and "cycle" in result.output
    assert published(app) == []


def test_export_json_follows_the_public_contract(app: Flask) -> None:
    result = invoke(app, "questionnaires", "export", "sme-digital", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"key", "version", "gate", "levels", "dimensions", "goals"} <= set(data)
    assert (data["key"], data["version"], data["gate"]) == ("sme-digital", "1.0.0", 0.8)
    assert data["levels"][5] == {"value": 5, "label": {"zh": "引领级", "en": "Leading"}}
    dimension = data["dimensions"][0]
    assert {"id", "weight", "label", "questions"} <= set(dimension)
    q = next(q for q in dimension["questions"] if q["id"] == "pd_mass_customisation")
    assert q["requires"] == {"pd_virtual_design": 3}
    assert {"id", "weight", "allow_na", "requires", "article_ref", "title"} <= set(q)
    assert q["article_ref"] == "2(1)" and q["title"]["en"]
    assert all({"id", "dimensions"} <= set(goal) for goal in data["goals"])
    pinned = invoke(app, "questionnaires", "export", "sme-digital@1.0.0")
    assert json.loads(pinned.output) == data
    unknown = invoke(app, "questionnaires", "export", "sme-digital@9.9.9")
    assert unknown.exit_code == 2 and "has no version '9.9.9'" in unknown.output
