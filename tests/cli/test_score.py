"""`flask --app maturity score KEY[@VERSION] ANSWERS.json`: the public contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from maturity.core.questionnaire import load_file
from tests.conftest import ROOT, make_app

QUESTIONNAIRE = load_file(ROOT / "questionnaires" / "sme-digital" / "1.0.0.yaml")


def full_answers(value: Any = 2) -> dict[str, Any]:
    return {q.id: value for q in QUESTIONNAIRE.questions}


def run(app: Flask, tmp_path: Path, payload: Any, reference: str = "sme-digital@1.0.0"):  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["score", reference, str(path)])


@pytest.fixture
def offline_app(tmp_path: Path) -> Flask:
    """No database at all: the path cannot even be created."""
    return make_app(f"sqlite:///{tmp_path}/missing/dir/none.sqlite3", tmp_path)


def test_scores_without_a_database(offline_app: Flask, tmp_path: Path) -> None:
    answers = full_answers(2)
    answers["pd_rapid_prototyping"] = "na"
    answers["bd_core_systems"] = 4
    result = run(
        offline_app,
        tmp_path,
        {"answers": answers, "targets": {"business_decisions": 4}, "goals": ["better_decisions"]},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scoring_version"] == "1"
    assert data["questionnaire"] == {
        "key": "sme-digital",
        "version": "1.0.0",
        "hash": QUESTIONNAIRE.content_hash,
    }
    assert data["roadmap_version"] == "2"
    # Product design: every applicable answer 2 → score 40, level 2, default target 3.
    # Next level 3 needs 80% of the weight 5.5 (4.4) at 3: virtual design (1.5) and
    # three of weight 1, in questionnaire order → 4.5.
    assert data["dimensions"]["product_design"] == {
        "assessed": True,
        "score": 40.0,
        "level": 2,
        "target": 3,
        "next_level": {
            "level": 3,
            "needed": 4,
            "questions": [
                "pd_virtual_design", "pd_concurrent_engineering",
                "pd_mass_customisation", "pd_design_knowledge",
            ],
        },
    }  # fmt: skip
    # Business decisions: weights 1.5, 1, 1, 1, 1 → (1.5·80 + 4·40) / 5.5, unrounded.
    decisions = data["dimensions"]["business_decisions"]
    assert decisions["score"] == pytest.approx(280 / 5.5, abs=1e-12)
    assert decisions["score"] != round(decisions["score"], 1)
    assert (decisions["level"], decisions["target"]) == (2, 4)
    # Core systems (1.5) is at 4 already: 1.5 + three of weight 1 reach 4.4.
    assert decisions["next_level"]["needed"] == 3
    assert data["overall"]["level"] == 2
    roadmap = data["roadmap"]
    assert roadmap and set(roadmap[0]) == {
        "question", "dimension", "from", "to", "phase", "priority", "services",
        "reasons", "prerequisites",
    }  # fmt: skip
    # Every applicable answer of 2 gets a step to 3 (phase 2 by level); business
    # decisions, targeted at 4, also a step to 4 (phase 3). Priority: w_q × (T − v),
    # × 1.5 for the chosen goal's dimension. Phase 2 holds 8 (the questionnaire's
    # default capacity): the 13 last steps in order move to phase 3.
    steps = [(s["question"], s["from"], s["to"], s["phase"], s["priority"]) for s in roadmap]
    assert len(steps) == 5 + 6 + 6 + 4 * 2
    assert [s for s in steps if s[3] == 1] == []
    assert [s[0] for s in steps if s[3] == 2] == [
        "bd_integrated_management", "bd_data_asset", "bd_analytics", "bd_data_skills",
        "pd_virtual_design", "pp_equipment_connectivity", "md_demand_insight",
        "pd_concurrent_engineering",
    ]  # fmt: skip
    assert steps[8:12] == [
        ("bd_integrated_management", 3, 4, 3, 3.0),
        ("bd_data_asset", 3, 4, 3, 3.0),
        ("bd_analytics", 3, 4, 3, 3.0),
        ("bd_data_skills", 3, 4, 3, 3.0),
    ]
    assert roadmap[0]["services"] == ["management_consulting", "cloud_it"]
    assert not any(s[0] in ("pd_rapid_prototyping", "bd_core_systems") for s in steps)
    # Reasons and prerequisites: virtual design at 3 is needed by mass customisation's
    # step to 3 (not yet met); the analytics step's prerequisite is already met.
    by_step = {(s["question"], s["to"]): s for s in roadmap}
    assert by_step[("pd_virtual_design", 3)]["reasons"] == ["next_level", "prerequisite"]
    assert by_step[("bd_data_skills", 3)]["reasons"] == ["goal"]
    assert by_step[("pd_service_design", 3)]["reasons"] == []
    assert by_step[("pd_mass_customisation", 3)]["prerequisites"] == [
        {"question": "pd_virtual_design", "level": 3, "met": False}
    ]
    assert by_step[("bd_analytics", 3)]["prerequisites"] == [
        {"question": "bd_data_asset", "level": 2, "met": True}
    ]


def test_reads_standard_input(offline_app: Flask) -> None:
    result = offline_app.test_cli_runner().invoke(
        args=["score", "sme-digital@1.0.0", "-"], input=json.dumps({"answers": full_answers(0)})
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["overall"] == {"index": 0.0, "level": 0}
    # Level 0 everywhere → target 1 for every question, raised by prerequisites:
    # pd_virtual_design to 3 (pd_mass_customisation), pp_equipment_connectivity to 3
    # (pp_smart_lines), pd_service_design, bd_core_systems and bd_data_asset to 2:
    # 23 + 2 + 2 + 1 + 1 + 1 = 30 steps.
    steps = [(s["question"], s["to"], s["phase"]) for s in data["roadmap"]]
    assert len(steps) == 30
    # Phase 1 holds 5 steps: the highest priorities, w × (T − v): virtual design and
    # equipment connectivity (1.5 × 3) to 1 and 2, core systems (1.5 × 2) to 1.
    assert [s for s in steps if s[2] == 1] == [
        ("pd_virtual_design", 1, 1), ("pd_virtual_design", 2, 1),
        ("pp_equipment_connectivity", 1, 1), ("pp_equipment_connectivity", 2, 1),
        ("bd_core_systems", 1, 1),
    ]  # fmt: skip
    # Phase 2 holds 8: level-3 steps by level, then what capacity moved from phase 1.
    assert len([s for s in steps if s[2] == 2]) == 8
    assert ("pd_virtual_design", 3, 2) in steps and ("pp_equipment_connectivity", 3, 2) in steps
    # Steps that need a prerequisite's step wait for its phase, and capacity moved them on.
    assert ("pd_mass_customisation", 1, 3) in steps and ("pp_smart_lines", 1, 3) in steps
    assert ("pd_concurrent_engineering", 1, 3) in steps


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            "{not json",
            [
                "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"
            ],
        ),
        ("[1, 2]", ["input must be a JSON object"]),
        (
            {"answers": {**full_answers(), "nope": 1}},
            ["unknown question id 'nope'"],
        ),
        (
            {"answers": {**full_answers(), "pd_virtual_design": 6, "pd_mass_customisation": "3"}},
            [
                "pd_virtual_design: 6 is not a level from 0 to 5 or 'na'",
                "pd_mass_customisation: '3' is not a level",
            ],
        ),
        (
            {"answers": {**full_answers(), "bd_core_systems": "na"}},
            ["bd_core_systems: 'na' (not applicable) is not allowed here"],
        ),
        (
            {"answers": {k: v for k, v in full_answers().items() if k != "md_co_creation"}},
            ["md_co_creation: missing answer"],
        ),
        (
            {
                "answers": full_answers(),
                "targets": {"product_design": 7},
                "goals": ["a", "b", "c", "d"],
            },
            [
                "targets: product_design: 7 is not a level",
                "goals: unknown goal id 'a'",
                "goals: at most 3 goals",
            ],
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(
    offline_app: Flask, tmp_path: Path, payload: Any, expected: list[str]
) -> None:
    result = run(offline_app, tmp_path, payload)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines)
    for fragment in expected:
        assert any(fragment in line for line in lines), (fragment, lines)


def test_unknown_questionnaire_exits_2(offline_app: Flask, tmp_path: Path) -> None:
    result = run(offline_app, tmp_path, {"answers": {}}, reference="no-such-questionnaire")
    assert result.exit_code == 2
    assert result.output.strip() == "error: unknown questionnaire 'no-such-questionnaire'"


VERSION_2 = load_file(ROOT / "questionnaires" / "sme-digital" / "2.0.0.yaml")


def test_version_2_scores_with_a_profile_and_outcome_figures(
    offline_app: Flask, tmp_path: Path
) -> None:
    # A pure service firm: no products, no production, no after-sales service.
    profile = {
        "designs_products": "no_products",
        "production": "no_physical_products",
        "after_sales": "no_after_sales",
    }
    marked = {
        q.id
        for q in VERSION_2.questions
        if q.dimension_id in ("product_design", "production_process")
    } | {"fd_equipment_connectivity", "md_after_sales_service", "md_remote_monitoring"}
    answers = {q.id: 3 for q in VERSION_2.questions if q.id not in marked}
    payload = {
        "answers": answers,
        "profile": profile,
        "outcomes": {"on_time_delivery": "９６.５%", "inventory_days": 12},
    }
    result = run(offline_app, tmp_path, payload, reference="sme-digital@2.0.0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["questionnaire"]["version"] == "2.0.0"
    assert data["dimensions"]["product_design"] == {"assessed": False}
    assert data["dimensions"]["production_process"] == {"assessed": False}
    assert data["dimensions"]["foundations"]["score"] == 60.0
    assert data["overall"] == {"index": 60.0, "level": 3}
    assert set(data["not_applicable"]) == marked
    # Each marked question carries the profile's reason in both languages.
    assert all(set(reason) == {"zh", "en"} for reason in data["not_applicable"].values())
    assert data["outcomes"] == {"on_time_delivery": 96.5, "inventory_days": 12}
    assert not any(step["question"] in marked for step in data["roadmap"])
    # Each step says who acts, how long, how much and what to watch (band ids, and an
    # outcome id or a KPI in words).
    network = next(s for s in data["roadmap"] if s["question"] == "fd_network")
    assert (network["owner"], network["effort"], network["cost"]) == (
        "it_lead", "months_6_12", "k200k_1m",
    )  # fmt: skip
    assert network["watch"]["zh"] == "网络故障造成的停工时长"
    yield_step = next(s for s in data["roadmap"] if s["question"] == "md_flow_coordination")
    assert yield_step["watch"] == "on_time_delivery"

    # An answer for a question the profile rules out is not scored, and a figure
    # outside its range is refused with its unit.
    refused = run(
        offline_app,
        tmp_path,
        {**payload, "outcomes": {"on_time_delivery": 101}, "profile": {"production": "x"}},
        reference="sme-digital@2.0.0",
    )
    assert refused.exit_code == 2
    assert "outcomes: on_time_delivery: 101 is outside 0.0 to 100.0 %" in refused.output
    assert "production" in refused.output


VERSION_3 = load_file(ROOT / "questionnaires" / "sme-digital" / "3.0.0.yaml")
BUILD_TO_PRINT = {
    "size": "small",
    "sector": "discrete",
    "customers": "businesses",
    "designs_products": "build_to_print",
    "after_sales": "no_after_sales",
}


def test_version_3_plans_items_priced_for_the_organisation(
    offline_app: Flask, tmp_path: Path
) -> None:
    # A 60-person build-to-print shop: half its foundations at 0, the rest at 1, most
    # practices at 1; the security goal; 30 million CNY of revenue, 200,000 a year for
    # digital work.
    zero = ["fd_strategy", "fd_equipment_connectivity", "fd_cybersecurity", "fd_data_security",
            "fd_talent", "fd_investment", "md_digital_marketing", "md_co_creation"]  # fmt: skip
    answers = {q.id: 1 for q in VERSION_3.questions} | dict.fromkeys(zero, 0)
    answers |= {"pp_digital_process": 2, "bd_office_collaboration": 2}
    payload = {
        "answers": answers,
        "goals": ["security_compliance"],
        "profile": BUILD_TO_PRINT,
        "organisation": {"revenue": 30_000_000, "budget": 200_000},
    }
    result = run(offline_app, tmp_path, payload, reference="sme-digital@3.0.0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["roadmap_version"] == "3"
    roadmap = data["roadmap"]
    assert roadmap["organisation"] == {"size_class": "small", "revenue": 30000000, "budget": 200000}
    phases = roadmap["phases"]
    # The security baseline (the goal) and the digital plan (which the ERP needs) first,
    # all four cheap quick wins: phase 1 may cost 100,000 at midpoints.
    assert [i["id"] for i in phases[0]["items"]] == [
        "security_baseline@1", "digital_plan@1", "fd_equipment_connectivity:1", "training@1",
    ]  # fmt: skip
    assert phases[0]["cost"]["budget"] == 100000 and phases[0]["cost"]["midpoint"] == 100000
    assert phases[0]["cost"]["share_of_revenue"] == {"low": 0.0, "high": 0.6666666666666666}
    assert all(len(p["items"]) <= p["capacity"] for p in phases)
    assert [p["capacity"] for p in phases] == [4, 6, 8]
    # The ERP is one item of its steps, moved on by the budget, with the digital plan
    # as its enabler.
    erp = next(i for p in phases for i in p["items"] if i["project"] == "erp")
    assert [s["question"] for s in erp["steps"]] == [
        "fd_systems_coverage",
        "pp_purchasing",
        "bd_core_systems",
    ]
    assert erp["reasons"][-1] == {"code": "moved", "by": "budget"}
    plan = phases[0]["items"][1]
    assert {"code": "enabler", "items": [erp["id"]]} in plan["reasons"]
    assert plan["how"] and plan["evidence"] and plan["owner"] == "general_manager"
    # What does not fit is listed after the plan, by name only.
    assert roadmap["later"] and all(set(i) == {"id", "project", "steps"} for i in roadmap["later"])

    refused = run(
        offline_app,
        tmp_path,
        {**payload, "organisation": {"size_class": "medium", "budget": -5}},
        reference="sme-digital@3.0.0",
    )
    assert refused.exit_code == 2
    assert refused.output.splitlines() == [
        f"error: {tmp_path / 'answers.json'}: organisation: size_class: 'medium' is not the"
        " profile's size 'small'",
        f"error: {tmp_path / 'answers.json'}: organisation: budget: must be a number of CNY,"
        " 0 or more",
    ]
    # Older questionnaires keep roadmap 2, which prices nothing.
    older = run(offline_app, tmp_path, {"answers": full_answers(), "organisation": {}})
    assert older.exit_code == 2 and "unknown key 'organisation'" in older.output
