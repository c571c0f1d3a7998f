"""sme-digital 3.0.0: the content that answers the domain review of 2.0.0
(CONTENT-REVIEW.md), checked against the review's findings one by one."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
import yaml

from maturity.core.applicability import applicability
from maturity.core.evaluation import evaluate, evaluation_json, parse_input, questionnaire_json
from maturity.core.items.level import MAX_LEVEL
from maturity.core.questionnaire import Catalogue, load_file
from maturity.core.roadmap_items import ItemRoadmap
from tests.conftest import ROOT

DIRECTORY = ROOT / "questionnaires" / "sme-digital"
PATH = DIRECTORY / "3.0.0.yaml"
Q = load_file(PATH)
VERSION_2 = load_file(DIRECTORY / "2.0.0.yaml")


def wordings():  # type: ignore[no-untyped-def]
    """Every question's general wording and each of its variants, with a label."""
    for question in Q.questions:
        yield question, "general", question.wording()
        for variant_id, wording in question.variants.items():
            yield question, variant_id, wording


def _zh_texts(data: object) -> list[str]:
    if isinstance(data, dict):
        return [
            text
            for key, value in data.items()
            for text in ([value] if key == "zh" and isinstance(value, str) else _zh_texts(value))
        ]
    if isinstance(data, list):
        return [text for value in data for text in _zh_texts(value)]
    return []


def test_new_rounds_use_3_0_0_and_the_older_versions_stay() -> None:
    catalogue = Catalogue.scan(ROOT / "questionnaires")
    assert catalogue.versions("sme-digital") == ["1.0.0", "2.0.0", "3.0.0"]
    assert catalogue.resolve("sme-digital") == ("sme-digital", "3.0.0")
    assert Q.file_format == 3 and Q.phase_capacity == (4, 6, 8)


def test_at_most_10_questions_a_dimension_and_45_in_all_foundations_first() -> None:
    assert [d.id for d in Q.dimensions] == [
        "foundations", "product_design", "production_process", "market_development",
        "business_decisions",
    ]  # fmt: skip
    assert all(len(d.questions) <= 10 for d in Q.dimensions)
    assert len(Q.questions) <= 45
    # The review's change 1: the plan and cybersecurity weigh 1.5.
    assert Q.question("fd_strategy").weight == Q.question("fd_cybersecurity").weight == 1.5
    # Human-resources management added; equipment asked as two shares.
    for added in ("bd_hr_management", "fd_equipment_digitised", "fd_equipment_connectivity"):
        assert Q.has_question(added), added
    assert not Q.has_question("md_flow_coordination")  # merged into core systems and logistics
    for dimension in Q.dimensions[1:]:
        assert all(q.article_ref.startswith("2(") for q in dimension.questions)


# The words the review flagged, and those it asked for instead.
FLAGGED = {
    "逐年下降": "an outcome, not a practice",
    "唯一数据源": "统一数据源",
    "用户参与与价值共创": "客户参与产品改进",
    "产品流、物资流、信息流与资金流": "订单—发货—开票—回款",
    "管理者和员工用数据工作": "管理层与员工的数据应用",
    "没有采购记录": "unrealistic",
    "常态化经营": "social accounts are 运营",
}


def test_no_ladder_uses_the_words_the_review_flagged() -> None:
    for question, variant, wording in wordings():
        texts = [wording.title.zh, wording.help.zh, *(level.zh for level in wording.levels)]
        texts += [r.text.zh for r in wording.recommendations.values()]
        for flagged in FLAGGED:
            assert not any(flagged in text for text in texts), (question.id, variant, flagged)
        english = [wording.title.en, *(level.en for level in wording.levels)]
        assert not any("year on year" in text for text in english), (question.id, variant)
    glossary = {term.term.zh: term.term.en for term in Q.glossary}
    assert glossary["钻取"] == "drill-down"
    everything = PATH.read_text(encoding="utf-8")
    for wanted in ("统一数据源", "客户参与产品改进", "订单—发货—开票—回款", "数据资产入表"):
        assert wanted in everything, wanted
    assert Q.question("bd_data_literacy").title.zh == "管理层与员工的数据应用"
    assert Q.question("md_co_creation").title.zh == "客户参与产品改进"


# One observable condition a level (review §1, "levels with several conditions"): in
# the questions whose levels joined two conditions, no level from 1 joins a second
# one on with 并, 可以, 且, 同时 or a semicolon (", with" or ";" in English), and the
# second conditions the review found are gone. Many other levels say "measure, and
# act on it" (…，并据此…), so the joiners are checked only in these questions.
ONE_CONDITION = (
    "md_logistics", "bd_analytics", "pd_design_knowledge", "pp_smart_lines",
    "pp_purchasing", "fd_talent",
)  # fmt: skip
JOINED_ZH = re.compile(r"，(?:并|可以|可|且|同时|以及)|并且|；")
JOINED_EN = re.compile(r", with |;")
SECOND_CONDITIONS = {("md_logistics", 3): "库位", ("bd_analytics", 3): "钻取"}


def test_the_levels_that_joined_two_conditions_have_one() -> None:
    for question, variant, wording in wordings():
        if question.id not in ONE_CONDITION:
            continue
        for level in range(1, MAX_LEVEL + 1):
            statement = wording.levels[level]
            assert not JOINED_ZH.search(statement.zh), (question.id, variant, level)
            assert not JOINED_EN.search(statement.en), (question.id, variant, level)
            evidence = wording.evidence[level]
            assert evidence is not None and not JOINED_ZH.search(evidence.zh)
    for (question_id, level), removed in SECOND_CONDITIONS.items():
        assert removed not in Q.question(question_id).levels[level].zh, question_id
        proof = Q.question(question_id).evidence[level]
        assert proof is not None and removed not in proof.zh, question_id
    # md_logistics L3 was pp_warehousing L3 in 2.0.0, word for word.
    warehousing = VERSION_2.question("pp_warehousing").levels[3].zh
    assert Q.question("md_logistics").levels[3].zh != warehousing
    # Drill-down is still explained where the analytics question uses it.
    analytics = Q.question("bd_analytics").help
    assert "钻取" in analytics.zh and "drill-down" in analytics.en


# Each level presupposes the one below (review §3, "not monotonic"): the reworded level
# names what the level below introduced.
BUILDS_ON = {
    ("pd_design_knowledge", None, 4): "设计软件",  # L3: rules built into the design software
    ("pd_design_knowledge", None, 5): "设计软件",
    ("pp_smart_lines", None, 4): "输送",  # L3: automatic material handling
    ("pp_smart_lines", None, 5): "检测",  # L4: in-line inspection
    ("pp_smart_lines", "process", 4): "系统自动",  # L3: transfer under system control
    ("pp_purchasing", None, 4): "MRP",  # L3: MRP
    ("fd_talent", None, 5): "考核",  # L4: appraisal on the written skills
    ("fd_talent", "micro", 5): "考核",
}


def test_each_reworded_level_builds_on_the_one_below() -> None:
    for (question_id, variant, level), word in BUILDS_ON.items():
        levels = Q.question(question_id).wording(variant).levels
        assert word in levels[level - 1].zh, (question_id, variant, level - 1, word)
        assert word in levels[level].zh, (question_id, variant, level, word)
    for question_id, level in (("pp_smart_lines", 4), ("pp_purchasing", 4), ("fd_talent", 5)):
        old = VERSION_2.question(question_id).levels[level].zh
        assert Q.question(question_id).levels[level].zh != old, (question_id, level)


def _pairs(data: object) -> list[dict[str, str]]:
    """Every zh/en pair in the file."""
    if isinstance(data, dict):
        own = [data] if isinstance(data.get("zh"), str) and isinstance(data.get("en"), str) else []
        return own + [pair for value in data.values() for pair in _pairs(value)]
    if isinstance(data, list):
        return [pair for value in data for pair in _pairs(value)]
    return []


def test_yi_wei_zhu_is_translated_as_mainly() -> None:
    # 以…为主 says what prevails, not that everything is so (review §3, EN/ZH).
    pairs = _pairs(yaml.safe_load(PATH.read_text(encoding="utf-8")))
    found = [p for p in pairs if re.search(r"以[^，。；]*为主(?!要)", p["zh"])]
    assert len(found) >= 2  # the sector option and pp_smart_lines L0
    for pair in found:
        assert re.search(r"\b(mainly|mostly|chiefly)\b", pair["en"]), pair
    assert "mainly" in Q.question("pp_smart_lines").levels[0].en


def _cost_rank(band_id: str | None) -> int | None:
    """Rank among the CNY bands (revenue shares are compared among themselves)."""
    if band_id is None:
        return None
    band = Q.band("cost_bands", band_id)
    same_unit = [b.id for b in Q.bands["cost_bands"] if b.unit == band.unit]
    return same_unit.index(band_id)


def test_every_ladder_rises_in_cost() -> None:
    for question, variant, wording in wordings():
        previous: tuple[str | None, int] | None = None
        for level in range(1, MAX_LEVEL + 1):
            band = wording.recommendations[level].action.cost
            assert band is not None, (question.id, variant, level)
            unit = Q.band("cost_bands", band).unit
            rank = _cost_rank(band)
            assert rank is not None
            if previous is not None and previous[0] == unit:
                assert rank >= previous[1], (question.id, variant, level, band)
            previous = (unit, rank)


def test_the_level_defaults_rise_in_cost_and_effort() -> None:
    defaults = yaml.safe_load(PATH.read_text(encoding="utf-8"))["level_defaults"]
    ranks = [_cost_rank(defaults[str(level)]["cost"]) for level in range(1, 6)]
    assert ranks == sorted(rank or 0 for rank in ranks)
    efforts = [b.id for b in Q.bands["effort_bands"]]
    # fd_network names no band of its own: its steps take the defaults.
    steps = [Q.question("fd_network").recommendations[level].action for level in range(1, 6)]
    assert [_cost_rank(a.cost) for a in steps] == sorted(_cost_rank(a.cost) or 0 for a in steps)
    assert [efforts.index(a.effort or "") for a in steps] == sorted(
        efforts.index(a.effort or "") for a in steps
    )


def test_every_level_says_what_counts_as_evidence_and_every_step_how() -> None:
    for question, variant, wording in wordings():
        assert len(wording.evidence) == 6, (question.id, variant)
        for level in range(1, MAX_LEVEL + 1):
            proof = wording.evidence[level]
            assert proof is not None and proof.zh and proof.en, (question.id, variant, level)
        for level, recommendation in wording.recommendations.items():
            assert 2 <= len(recommendation.how) <= 4, (question.id, variant, level)
            restated = {recommendation.text.zh, wording.levels[level].zh}
            assert not restated & {step.zh for step in recommendation.how}
            if recommendation.project is not None:
                Q.project(recommendation.project)  # known


def test_the_erp_steps_are_one_project_and_spending_is_priced_from_revenue() -> None:
    # The four level-2 steps the review found to be one ERP/进销存 purchase (order to
    # cash is now part of the core systems).
    for question_id in ("bd_core_systems", "pp_purchasing", "md_logistics", "fd_systems_coverage"):
        assert Q.question(question_id).recommendations[2].project == "erp", question_id
    erp = Q.project("erp")
    assert set(erp.cost) == {"large", "medium", "small", "micro"}
    assert erp.solutions.zh and erp.label.zh.startswith("ERP/进销存")
    catalogue = {p.id for p in Q.projects}
    assert {"erp", "mes", "crm", "plm", "cad_cam", "equipment_network", "security_baseline",
            "data_governance", "bi", "e_commerce", "training", "lean"} <= catalogue  # fmt: skip
    used = {r.project for q in Q.questions for w in (q.wording(), *q.variants.values())
            for r in w.recommendations.values() if r.project}  # fmt: skip
    assert used == catalogue
    # "Raise digital spending to 1%–2%": 860,000 to 1,720,000 CNY for 86 million of revenue.
    raise_to_one = Q.question("fd_investment").recommendations[3]
    band = Q.band("cost_bands", raise_to_one.action.cost or "")
    assert band.priced_from_revenue
    assert band.cny_range(Decimal(86_000_000)) == (Decimal(860_000), Decimal(1_720_000))
    for level in (2, 3, 4, 5):
        cost = Q.question("fd_investment").recommendations[level].action.cost or ""
        assert Q.band("cost_bands", cost).priced_from_revenue


def test_quick_wins_are_decidable() -> None:
    plan = Q.question("fd_strategy").recommendations[1].action
    assert Q.is_quick_win(plan)  # under 50,000 CNY in 1–4 weeks
    assert not Q.is_quick_win(Q.question("pp_smart_lines").recommendations[3].action)
    assert all(b.high is not None for b in Q.bands["effort_bands"])


def test_goals_name_questions_and_the_security_goal_names_the_security_questions() -> None:
    for goal in Q.goals:
        assert goal.questions and not goal.dimensions, goal.id
        assert all(Q.has_question(question_id) for question_id in goal.questions)
    assert Q.goal("security_compliance").questions == ("fd_cybersecurity", "fd_data_security")
    assert not Q.goal("security_compliance").serves(Q.question("fd_network"))


def test_the_prerequisites_the_review_found_missing() -> None:
    def needs(question_id: str, level: int) -> set[tuple[str, int]]:
        return {(r.question_id, r.level) for r in Q.question(question_id).requirements_for(level)}

    assert ("fd_equipment_connectivity", 2) in needs("pp_equipment_maintenance", 3)
    assert ("bd_core_systems", 2) in needs("pp_purchasing", 3)
    assert ("fd_strategy", 1) in needs("bd_core_systems", 2)
    assert ("fd_cybersecurity", 2) in needs("fd_equipment_connectivity", 2)
    # And those the new ladders imply: separated networks before wide connection, an
    # inventory before data rules, a baseline before protecting data by grade.
    assert ("fd_cybersecurity", 3) in needs("fd_equipment_connectivity", 3)
    assert ("fd_data_security", 1) in needs("bd_data_governance", 2)
    assert ("fd_cybersecurity", 1) in needs("fd_data_security", 3)
    # Cheap first steps wait for nothing.
    for first_step in ("fd_strategy", "fd_cybersecurity", "fd_data_security", "bd_target_budget"):
        assert needs(first_step, 2) == set(), first_step


def test_the_prerequisites_the_new_ladders_imply() -> None:
    def needs(question_id: str, level: int) -> set[tuple[str, int]]:
        return {(r.question_id, r.level) for r in Q.question(question_id).requirements_for(level)}

    # Changes made in the model reach process and purchasing data only through the
    # design BOM converted automatically (pd_product_data L3).
    assert ("pd_product_data", 3) in needs("pd_cad_modelling", 4)
    assert needs("pd_cad_modelling", 3) == set()
    # The reverse requirement (BOM conversion on 3D models) would close a cycle, and a
    # build-to-print shop converts BOMs without modelling: it is gone.
    assert all(r.question_id != "pd_cad_modelling" for r in Q.question("pd_product_data").requires)
    # Design revisions from field data need that data collected on a platform.
    assert ("md_remote_monitoring", 3) in needs("pd_service_design", 4)
    assert ("md_after_sales_service", 2) in needs("pd_service_design", 4)
    assert needs("pd_service_design", 3) == set()
    # Test results recorded against the design version need versioned product data.
    assert ("pd_product_data", 2) in needs("pd_rapid_prototyping", 3)
    assert needs("pd_rapid_prototyping", 2) == set()
    # Unconnected products: remote monitoring does not apply, so nothing waits for it.
    unconnected = applicability(Q, {"after_sales": "unconnected_products"})
    assert "md_remote_monitoring" in unconnected.not_applicable


def test_the_security_ladders_follow_the_review() -> None:
    data = [level.zh for level in Q.question("fd_data_security").levels]
    assert "数据台账" in data[1]
    assert "GB/T 43697-2024" in data[2] and "分类分级" in data[2]
    assert "按级别" in data[3]
    assert "每年" in data[4] and "风险评估" in data[4]
    assert "个人信息保护法" in Q.question("fd_data_security").help.zh
    network = [level.zh for level in Q.question("fd_cybersecurity").levels]
    assert "基线" in network[1]
    assert "制度" in network[2]
    assert "隔离" in network[3]
    assert "监测" in network[4]
    assert "演练" in network[5]
    # 等级保护 is part of the baseline where it applies, never the top level.
    assert "等级保护" in (Q.question("fd_cybersecurity").evidence[1] or network[1]).zh
    assert "等级保护" not in network[5]


def test_the_double_questions_ask_one_thing() -> None:
    reporting = Q.question("pp_shop_floor_reporting")
    assert reporting.title.zh == "生产进度与报工"
    assert not any("异常" in level.zh for level in reporting.levels)
    cad = Q.question("pd_cad_modelling")
    assert cad.title.zh == "三维建模" and not any("图档" in level.zh for level in cad.levels)
    concurrent = Q.question("pd_concurrent_engineering")
    assert not any("平台" in level.zh for level in concurrent.levels)
    coverage = [level.zh for level in Q.question("fd_systems_coverage").levels]
    assert not any("云" in level for level in coverage)  # cloud is not another level
    assert "财务软件也算" in Q.question("fd_systems_coverage").help.zh
    talent = Q.question("fd_talent")
    assert "外包" in talent.wording("micro").levels[2].zh  # micro firms: outsourced IT counts


def test_the_review_s_rewritten_levels_are_new() -> None:
    for question_id, levels in (
        ("pd_cad_modelling", (4,)),
        ("pd_concurrent_engineering", (3, 4)),
        ("pd_design_knowledge", (4,)),
        ("pd_rapid_prototyping", (4,)),
        ("pd_mass_customisation", (3, 5)),
        ("pd_simulation", (1, 3)),
        ("pp_smart_lines", (3, 4)),
        ("pp_purchasing", (0, 4)),
        ("fd_data_security", (1, 2, 3, 5)),
        ("fd_cybersecurity", (1, 2, 3, 4, 5)),
        ("fd_systems_coverage", (0, 5)),
        ("fd_talent", (5,)),
        ("bd_analytics", (3,)),
    ):
        for level in levels:
            old = VERSION_2.question(question_id).levels[level].zh
            assert Q.question(question_id).levels[level].zh != old, (question_id, level)


def test_applicability_rules_of_the_profile() -> None:
    sizes = Q.profile[0]
    assert sizes.id == "size" and sizes.derived_from == "size_class"
    assert [item.id for item in Q.profile] == [
        "size", "sector", "customers", "designs_products", "after_sales",
    ]  # fmt: skip
    # Service design with sensors only for connectable products.
    unconnected = applicability(Q, {"after_sales": "unconnected_products"})
    wording = Q.question("pd_service_design").wording(unconnected.variant)
    assert not any("传感" in level.zh for level in wording.levels)
    assert any("传感" in level.zh for level in Q.question("pd_service_design").levels)
    # Several variants at once: a micro process manufacturer selling to businesses.
    chosen = applicability(
        Q, {"size": "micro", "sector": "process", "customers": "businesses"}
    ).variant
    assert chosen == ("micro", "process", "b2b")
    assert Q.question("fd_talent").wording(chosen) == Q.question("fd_talent").variants["micro"]
    assert Q.question("pp_smart_lines").wording(chosen).title.zh == "装置联动与物料输送自动化"
    assert (
        Q.question("md_digital_marketing")
        .wording(chosen)
        .levels[2]
        .zh.startswith("有专人负责在行业平台")
    )
    # The process variant counts DCS once: in the automatic-control rate only.
    for question_id in ("pp_digital_process", "pp_smart_lines"):
        process = Q.question(question_id).variants["process"]
        assert not any("DCS" in level.zh for level in process.levels), question_id
    assert Q.question("fd_equipment_digitised").variants["process"].title.zh == "自控率"
    # Services: no production, no equipment.
    services = applicability(Q, {"sector": "services"}).not_applicable
    assert {"pp_scheduling", "fd_equipment_digitised", "fd_equipment_connectivity"} <= set(services)
    # A data-literate front line is not only for team leaders in a factory.
    assert "门店" in Q.question("bd_data_literacy").levels[4].zh


def test_outcomes_follow_the_official_definitions() -> None:
    ids = [item.id for item in Q.outcomes]
    assert "cost_of_sales_per_100_revenue" in ids and "expenses_per_100_revenue" in ids
    cost = Q.outcome("cost_of_sales_per_100_revenue")
    assert cost.help is not None and "不含" in cost.help.zh and "国家统计局" in cost.help.zh
    energy = Q.outcome("energy_per_10k_revenue")
    assert energy.unit.zh == "吨标准煤/万元"
    assert {item.id for item in Q.outcomes if item.allow_na} == {
        "first_pass_yield", "development_lead_time",
    }  # fmt: skip
    assert all(item.baseline and item.crosswalk for item in Q.outcomes)
    assert all(set(item.crosswalk or {}) == {"miit_2024", "gbt_39116"} for item in Q.outcomes)


def test_crosswalk_corrections_of_the_review() -> None:
    def crosswalk(question_id: str) -> dict[str, str]:
        return dict(Q.question(question_id).crosswalk or {})

    assert crosswalk("pp_smart_lines")["gbt_39116"] == "资源·装备"
    assert crosswalk("pp_digital_process") == {
        "miit_2024": "数字化经营·工艺设计", "gbt_39116": "制造·设计·工艺设计",
    }  # fmt: skip
    assert crosswalk("pp_lean") == {"miit_2024": "none", "gbt_39116": "none"}
    assert crosswalk("bd_target_budget") == {
        "miit_2024": "数字化经营·财务管理（预算）", "gbt_39116": "none",
    }  # fmt: skip
    assert crosswalk("bd_office_collaboration")["gbt_39116"] == "none"
    assert crosswalk("fd_systems_coverage")["gbt_39116"] == "none"
    assert crosswalk("md_supply_chain_sharing")["gbt_39116"] == "制造·生产·采购；制造·销售"
    assert crosswalk("fd_network")["miit_2024"] == "none"
    assert crosswalk("bd_hr_management")["miit_2024"] == "数字化经营·人力资源管理"
    assert all(set(crosswalk(q.id)) == {"miit_2024", "gbt_39116"} for q in Q.questions)


def test_the_level_names_are_cited_and_not_a_certification() -> None:
    assert Q.levels_source is not None
    assert "GB/T 39116-2020" in Q.levels_source.zh and "不是" in Q.levels_source.zh
    assert "neither" in Q.levels_source.en


def test_chinese_texts_use_chinese_punctuation_and_glossary_terms_are_used() -> None:
    texts = _zh_texts(yaml.safe_load(PATH.read_text(encoding="utf-8")))
    assert len(texts) > 1000
    # Addresses are not prose: their ASCII colon and slashes stay.
    prose = [re.sub(r"https?://\S+", "", text) for text in texts]
    assert [text for text in prose if re.search(r"[,;:?!()]", text)] == []
    shown = [[wording.title, wording.help, *wording.levels] for _q, _v, wording in wordings()] + [
        [item.label, *(o.label for o in item.options)] for item in Q.profile
    ]
    for term in Q.glossary:
        for locale in ("zh", "en"):
            used = [t for t in shown if term in Q.terms_in([x.get(locale) for x in t], locale)]
            assert used, term.term.get(locale)


def test_the_export_carries_every_format_3_field() -> None:
    data = questionnaire_json(Q)
    assert (data["format"], data["phase_capacity"]) == (3, [4, 6, 8])
    questions = [q for d in data["dimensions"] for q in d["questions"]]
    for question in questions:
        for wording in (question, *question["wordings"].values()):
            assert all(level["evidence"] for level in wording["levels"][1:]), question["id"]
            for recommendation in wording["recommendations"].values():
                assert 2 <= len(recommendation["how"]) <= 4
                assert recommendation.get("project") in {None, *(p["id"] for p in data["projects"])}
    assert {"id", "label", "solutions", "cost"} <= set(data["projects"][0])
    assert all(set(p["cost"]) == {"large", "medium", "small", "micro"} for p in data["projects"])
    assert all("questions" in goal and "dimensions" not in goal for goal in data["goals"])
    assert all({"crosswalk", "allow_na", "baseline", "help"} <= set(o) for o in data["outcomes"])
    assert data["cost_bands"][4] == {
        "id": "revenue_0_5_1",
        "label": {"zh": "每年营业收入的0.5%至1%", "en": "0.5% to 1% of revenue a year"},
        "unit": "revenue_percent",
        "low": 0.5,
        "high": 1,
    }
    assert data["profile"][0]["derived"] == "size_class"


@pytest.mark.parametrize("version", ["1.0.0", "2.0.0"])
def test_the_export_of_formats_1_and_2_is_byte_identical(version: str) -> None:
    exported = questionnaire_json(load_file(DIRECTORY / f"{version}.yaml"))
    expected = (ROOT / "tests" / "fixtures" / "exports" / f"sme-digital-{version}.json").read_text(
        encoding="utf-8"
    )
    assert json.dumps(exported, ensure_ascii=False, indent=2) + "\n" == expected


def test_a_3_0_0_round_scores_and_is_planned_by_roadmap_3() -> None:
    answers = {q.id: 1 for q in Q.questions}
    given = parse_input(
        Q,
        {
            "answers": answers,
            "goals": ["security_compliance"],
            "profile": {"size": "small", "sector": "discrete", "customers": "both"},
            "outcomes": {
                "first_pass_yield": "na",
                "on_time_delivery": 91,
                "on_time_delivery:previous": 88,
            },
        },
    )
    evaluation = evaluate(Q, given)
    output = evaluation_json(evaluation)
    assert output["outcomes"] == {"on_time_delivery": 91.0, "first_pass_yield": "na"}
    assert output["baselines"] == {"on_time_delivery": 88.0}
    roadmap = evaluation.roadmap
    assert output["roadmap_version"] == "3" and isinstance(roadmap, ItemRoadmap)
    assert roadmap.capacity == (4, 6, 8)
    assert all(len(roadmap.items_in(phase)) <= c for phase, c in ((1, 4), (2, 6), (3, 8)))
    goal_steps = {step.question_id for step in evaluation.roadmap.steps if "goal" in step.reasons}
    assert goal_steps == {"fd_cybersecurity", "fd_data_security"}


def test_energy_ladder_ends_in_carbon_accounting() -> None:
    # Review §4 "环保 and carbon": production already has 10 questions, so carbon is
    # folded into the energy ladder: metering → per-unit analysis → carbon per unit.
    energy = Q.question("pp_energy")
    assert energy.title.zh == "能源与碳排放管理" and "carbon" in energy.title.en
    assert "GB/T 32150" in energy.help.zh and "GB/T 32150" in energy.help.en
    levels = [level.zh for level in energy.levels]
    assert "单位产品能耗" in levels[4]  # L4: energy per unit, which L5 builds on
    assert "单位产品能耗" in levels[5] and "碳排放" in levels[5]
    assert not any("碳" in level for level in levels[:5])
    assert not any("电价" in level for level in levels)  # tariff scheduling is gone
    proof = energy.evidence[5]
    assert proof is not None and "排放因子" in proof.zh
    step = energy.recommendations[5]
    assert "碳排放" in step.text.zh
    assert any("GB/T 32150" in action.zh for action in step.how)
    assert any("GB/T 24067-2024" in action.zh for action in step.how)
    assert not any("电价" in action.zh for action in step.how)
    assert len(Q.dimension("production_process").questions) == 10


def test_integration_architecture_is_asked() -> None:
    # Review §4 "integration architecture": one question in business decisions,
    # from re-keying to files, interfaces, one platform, monitoring and chained flows.
    question = Q.question("bd_system_integration")
    assert question.dimension_id == "business_decisions"
    assert question.article_ref == "2(4)" and question.weight == 1
    assert dict(question.crosswalk or {}) == {"miit_2024": "none", "gbt_39116": "技术·集成"}
    levels = [level.zh for level in question.levels]
    for level, word in enumerate(("人工重新录入", "文件", "接口", "集成平台", "监控", "自动衔接")):
        assert word in levels[level], (level, word)
    for level in range(4, MAX_LEVEL + 1):  # each level above 3 builds on the platform
        assert "集成平台" in levels[level], level
    for level in range(1, MAX_LEVEL + 1):
        proof = question.evidence[level]
        assert proof is not None and proof.zh and proof.en, level
        step = question.recommendations[level]
        assert 2 <= len(step.how) <= 4 and step.project is None, level

    def needs(level: int) -> set[tuple[str, int]]:
        return {(r.question_id, r.level) for r in question.requirements_for(level)}

    assert needs(1) == set()
    assert needs(2) == {("fd_systems_coverage", 2)}
    assert ("fd_systems_coverage", 3) in needs(3)
    assert Q.goal("better_decisions").serves(question)
    assert [len(d.questions) for d in Q.dimensions] == [10, 9, 10, 7, 8]
    assert len(Q.questions) == 44


def test_the_cybersecurity_help_says_how_industrial_control_systems_count() -> None:
    # Review §4 "OT/industrial-control security": no question of its own; the help
    # says control stations and networks fall under the baseline and the separation.
    help_text = Q.question("fd_cybersecurity").help
    assert "工程师站" in help_text.zh and "控制网络属于生产网" in help_text.zh
    assert "工信部网安〔2024〕14号" in help_text.zh and "工信部网安〔2024〕14号" in help_text.en
    assert "engineering and operator stations" in help_text.en
    assert "生产网" in Q.question("fd_cybersecurity").levels[3].zh


def test_the_specialised_sme_goal_names_where_its_programme_is_described() -> None:
    goal = next(g for g in Q.goals if g.id == "specialised_sme")
    assert goal.source is not None
    assert (
        "https://zjtx.miit.gov.cn" in goal.source.zh
        and "https://zjtx.miit.gov.cn" in goal.source.en
    )
    exported = next(g for g in questionnaire_json(Q)["goals"] if g["id"] == goal.id)
    assert exported["source"] == goal.source.as_dict()
