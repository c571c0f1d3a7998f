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
    result = invoke(app, "questionnaires", "export", "sme-digital@1.0.0", "--format", "json")
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
    # Format 1 keeps the contract it was published with: nothing of format 2 appears.
    assert not {"format", "phase_capacity", "profile", "outcomes", "variants"} & set(data)
    assert "crosswalk" not in q
    unknown = invoke(app, "questionnaires", "export", "sme-digital@9.9.9")
    assert unknown.exit_code == 2 and "has no version '9.9.9'" in unknown.output


def test_export_of_version_2_adds_format_2(app: Flask) -> None:
    result = invoke(app, "questionnaires", "export", "sme-digital@2.0.0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["version"], data["format"], data["phase_capacity"]) == ("2.0.0", 2, [5, 8])
    assert {"zh", "en"} == set(data["levels_source"]) and "GB/T 39116" in data["levels_source"][
        "en"
    ]
    questions = [q for d in data["dimensions"] for q in d["questions"]]
    assert [d["id"] for d in data["dimensions"]][-1] == "foundations"
    assert len(questions) <= 45
    assert all(set(q["crosswalk"]) == {"miit_2024", "gbt_39116"} for q in questions)
    customisation = next(q for q in questions if q["id"] == "pd_mass_customisation")
    # Level-scoped: reaching level 3 needs CAD modelling at 3 first.
    assert customisation["requires"] == [{"from": 3, "question": "pd_cad_modelling", "level": 3}]
    production = next(item for item in data["profile"] if item["id"] == "production")
    process = next(o for o in production["options"] if o["id"] == "process")
    assert process["not_applicable"] == ["pd_mass_customisation"]
    assert process["variant"] == "process" and process["reason"]["en"]
    assert data["variants"] == [
        {"id": "process", "label": {"zh": "流程型制造", "en": "Process manufacturing"}}
    ]
    assert {o["id"] for o in data["outcomes"]} >= {"first_pass_yield", "on_time_delivery"}
    assert all({"unit", "min", "max", "decimals", "better"} <= set(o) for o in data["outcomes"])
    assert {"it_lead", "general_manager"} <= {r["id"] for r in data["roles"]}
    assert [b["id"] for b in data["cost_bands"]] == ["under_50k", "k50_200k", "k200k_1m", "over_1m"]
    assert data["effort_bands"][0]["label"] == {"zh": "1–4 周", "en": "1–4 weeks"}


def test_both_yaml_loaders_read_the_shipped_files_alike() -> None:
    # The C loader is used when PyYAML has it; the pure one must read the same data.
    import yaml

    for path in sorted((ROOT / "questionnaires").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=yaml.SafeLoader)
        if hasattr(yaml, "CSafeLoader"):
            assert yaml.load(text, Loader=yaml.CSafeLoader) == pure, path


def test_publishing_3_0_0_keeps_the_published_versions_unchanged(app: Flask) -> None:
    app.config["QUESTIONNAIRES_DIR"] = str(ROOT / "questionnaires")
    loaded = invoke(app, "questionnaires", "load")
    assert loaded.exit_code == 0, loaded.output
    assert published(app) == [
        ("sme-digital", "1.0.0", False),
        ("sme-digital", "2.0.0", False),
        ("sme-digital", "3.0.0", True),
    ]
    listing = invoke(app, "questionnaires", "list").output
    assert "FILE CHANGED" not in listing
    for version in ("1.0.0", "2.0.0", "3.0.0"):
        assert f"sme-digital@{version}" in listing
    again = invoke(app, "questionnaires", "load")
    assert again.exit_code == 0 and "unchanged sme-digital@2.0.0" in again.output


def test_export_of_the_current_version_is_format_3(app: Flask) -> None:
    result = invoke(app, "questionnaires", "export", "sme-digital", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["version"], data["format"], data["phase_capacity"]) == ("3.0.0", 3, [4, 6, 8])
    assert data["dimensions"][0]["id"] == "foundations"
    questions = {q["id"]: q for d in data["dimensions"] for q in d["questions"]}
    level = questions["fd_data_security"]["levels"][2]
    assert level["value"] == 2 and "GB/T 43697-2024" in level["statement"]["zh"]
    assert level["evidence"] == {
        "zh": "分类分级清单及其审批记录",
        "en": "The classification and grading list and its approval",
    }
    step = questions["bd_core_systems"]["recommendations"]["2"]
    assert step["project"] == "erp" and len(step["how"]) == 3 and step["cost"] == "under_50k"
    assert "project" not in questions["fd_strategy"]["recommendations"]["3"]
    assert questions["fd_talent"]["wordings"]["micro"]["levels"][2]["evidence"]["zh"]
    assert {p["id"] for p in data["projects"]} >= {"erp", "mes", "crm", "security_baseline"}
    security = next(g for g in data["goals"] if g["id"] == "security_compliance")
    assert security["questions"] == ["fd_cybersecurity", "fd_data_security"]
    assert questions["pp_lean"]["crosswalk"] == {"miit_2024": "none", "gbt_39116": "none"}
    energy = next(o for o in data["outcomes"] if o["id"] == "energy_per_10k_revenue")
    assert energy["unit"]["zh"] == "吨标准煤/万元" and energy["crosswalk"]["gbt_39116"] == "none"
