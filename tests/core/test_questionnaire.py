from __future__ import annotations

import re
from pathlib import Path

import pytest

from maturity.core.items.action import Action
from maturity.core.questionnaire import (
    Catalogue,
    QuestionnaireError,
    content_hash,
    from_document,
    load_file,
    parse,
    parse_with_document,
)
from maturity.core.text import Text
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "questionnaires"
SHIPPED = ROOT / "questionnaires" / "sme-digital" / "1.0.0.yaml"


def problems_of(name: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as error:
        load_file(FIXTURES / name)
    return [str(problem) for problem in error.value.problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "broken-ids.yaml",
            [
                "line 16, goals[0].dimensions[0]: unknown dimension 'design'",
                "line 18, dimensions[0].id: 'Design Team' is not a valid id (lower-case letters, digits and _, starting with a letter)",
                "line 40, dimensions[0].questions[1].id: duplicate question id 'first' (first at dimensions[0].questions[0].id)",
                "line 42, dimensions[0].questions[1].requires.first: a question cannot require itself",
            ],
        ),
        (
            "broken-texts.yaml",
            [
                "line 25, dimensions[0].questions[0].title: missing the English text (en)",
                "line 31, dimensions[0].questions[0].levels[3].zh: the text is empty",
                "line 38, dimensions[0].questions[0].recommendations.4: missing the Chinese text (zh)",
            ],
        ),
        (
            "broken-levels.yaml",
            ["line 46, dimensions[0].questions[1].levels: has 5 entries; exactly 6 are required"],
        ),
        (
            "broken-numbers.yaml",
            [
                "line 5, gate: 1.5 must be at most 1",
                "line 21, dimensions[0].weight: -2 must be greater than 0",
                "line 25, dimensions[0].questions[0].weight: 0 must be greater than 0",
            ],
        ),
        (
            "broken-references.yaml",
            [
                "line 16, goals[0].dimensions[1]: unknown dimension 'marketing'",
                "line 39, dimensions[0].questions[0].recommendations.5.services[1]: unknown service 'banking'",
                "line 42, dimensions[0].questions[1].requires.ghost: requires unknown question 'ghost'",
            ],
        ),
        (
            "broken-cycle.yaml",
            [
                "line 25, dimensions[0].questions[0].requires: prerequisites form a cycle: first → second → first"
            ],
        ),
        (
            "broken-yaml.yaml",
            [
                "line 4, (top): not valid YAML: while parsing a flow mapping; did not find expected ',' or '}'"
            ],
        ),
    ],
)
def test_broken_files_are_refused_with_every_problem_located(
    name: str, expected: list[str]
) -> None:
    assert problems_of(name) == expected


def test_gate_of_zero_and_missing_levels_are_refused() -> None:
    text = (FIXTURES / "valid-minimal.yaml").read_text(encoding="utf-8")
    problems = problems_of_text(text.replace("gate: 0.8", "gate: 0"))
    assert problems == ["line 5, gate: 0 must be greater than 0"]


def problems_of_text(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as error:
        parse(text)
    return [str(problem) for problem in error.value.problems]


def test_content_hash_ignores_layout_and_comments_but_not_content() -> None:
    text = (FIXTURES / "valid-minimal.yaml").read_text(encoding="utf-8")
    original = parse(text)
    assert (
        parse("# another comment\n" + text.replace("gate: 0.8", "gate:   0.8")).content_hash
        == original.content_hash
    )
    assert (
        parse(text.replace("en: to three", "en: to level three")).content_hash
        != original.content_hash
    )
    assert re.fullmatch(r"[0-9a-f]{64}", original.content_hash)
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})


def test_catalogue_resolves_latest_and_exact_versions(tmp_path: Path) -> None:
    text = (FIXTURES / "valid-minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini").mkdir()
    for version in ("0.1.0", "0.10.0", "0.9.0"):
        (tmp_path / "mini" / f"{version}.yaml").write_text(
            text.replace("version: 0.1.0", f"version: {version}"), encoding="utf-8"
        )
    catalogue = Catalogue.scan(tmp_path)
    assert catalogue.versions("mini") == ["0.1.0", "0.9.0", "0.10.0"]
    assert catalogue.resolve("mini") == ("mini", "0.10.0")
    assert catalogue.load("mini@0.9.0").version == "0.9.0"
    with pytest.raises(KeyError):
        catalogue.resolve("mini@2.0.0")
    with pytest.raises(KeyError):
        catalogue.resolve("other")


FORMAT_2 = (FIXTURES / "valid-format-2.yaml").read_text(encoding="utf-8")
CROSSWALK = "        crosswalk: {miit_2024: 产品设计, gbt_39116: 设计}\n"


def format_2_with(*replacements: tuple[str, str]) -> str:
    text = FORMAT_2
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def test_the_format_2_fixture_is_valid() -> None:
    questionnaire = parse(FORMAT_2)
    assert (questionnaire.file_format, questionnaire.phase_capacity) == (2, (2, 3))
    assert [item.id for item in questionnaire.profile] == ["production"]
    assert [item.id for item in questionnaire.outcomes] == ["yield_rate"]


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        (
            [("format: 2\n", "format: 1\n")],
            [
                "line 7, phase_capacity: phase_capacity needs format: 2",
                "line 16, variants: variants needs format: 2",
                "line 28, dimensions[0].questions[0].crosswalk: crosswalk needs format: 2",
                "line 45, dimensions[0].questions[0].variants: variants needs format: 2",
                "line 49, dimensions[0].questions[1].crosswalk: crosswalk needs format: 2",
                "line 51, dimensions[0].questions[1].requires: the list form of requires needs format: 2",
                "line 68, profile: profile needs format: 2",
                "line 78, outcomes: outcomes needs format: 2",
            ],
        ),
        (
            [(CROSSWALK + "        requires:", "        requires:")],
            [
                "line 47, dimensions[0].questions[1]: format 2 needs a crosswalk {miit_2024, gbt_39116} for every question"
            ],
        ),
        (
            [("variant: process", "variant: batch")],
            ["line 76, profile[0].options[1].variant: unknown variant 'batch'"],
        ),
        (
            [("          process:\n            title", "          batch:\n            title")],
            ["line 46, dimensions[0].questions[0].variants.batch: unknown variant 'batch'"],
        ),
        (
            [("        reason: {zh: 流程型企业不适用, en: Does not apply to process firms}\n", "")],
            [
                "line 72, profile[0].options[1]: an option that marks questions not applicable needs a reason"
            ],
        ),
        (
            [("not_applicable: [second]", "not_applicable: [ghost]")],
            [
                "line 74, profile[0].options[1].not_applicable[0]: 'ghost' is neither a question nor a dimension"
            ],
        ),
        (
            [("max: 100", "max: 0")],
            ["line 82, outcomes[0].max: max (0) must be greater than min (0)"],
        ),
        (
            [("  - id: yield_rate", "  - id: first")],
            [
                "line 78, outcomes[0].id: duplicate item id 'first' (first at dimensions[0].questions[0].id)"
            ],
        ),
        (
            [("phase_capacity: [2, 3]", "phase_capacity: [0, 3]")],
            ["line 7, phase_capacity[0]: 0 must be at least 1"],
        ),
        (
            [("from: 3, question: first, level: 3", "from: 3, question: second, level: 3")],
            [
                "line 51, dimensions[0].questions[1].requires[0].question: a question cannot require itself"
            ],
        ),
    ],
)
def test_format_2_rules_are_checked_and_located(
    replacements: list[tuple[str, str]], expected: list[str]
) -> None:
    assert problems_of_text(format_2_with(*replacements)) == expected


def test_more_outcomes_than_the_summaries_hold_are_refused() -> None:
    start = FORMAT_2.index("  - id: yield_rate")
    block = FORMAT_2[start:]
    extra = "".join(block.replace("yield_rate", f"figure_{i}") for i in range(8))
    problems = problems_of_text(FORMAT_2 + extra)
    assert problems == [
        "line 78, outcomes: has 9 outcome figures; at most 8 fit the result summaries "
        "that centre dashboards read"
    ]


class TestShippedQuestionnaire:
    """sme-digital 1.0.0: the four dimensions of the article's section 2."""

    questionnaire = load_file(SHIPPED)

    def test_identity_and_gate(self) -> None:
        assert self.questionnaire.label == "sme-digital@1.0.0"
        assert float(self.questionnaire.gate) == 0.8
        assert [level.label.zh for level in self.questionnaire.levels] == [
            "未开展", "规划级", "规范级", "集成级", "优化级", "引领级",
        ]  # fmt: skip

    def test_four_dimensions_of_section_2_with_5_to_7_questions(self) -> None:
        dimensions = self.questionnaire.dimensions
        assert [d.id for d in dimensions] == [
            "product_design", "production_process", "market_development", "business_decisions",
        ]  # fmt: skip
        assert [d.label.zh for d in dimensions] == [
            "产品设计数字化", "生产流程数字化", "市场开发数字化", "经营决策数字化",
        ]  # fmt: skip
        for number, dimension in enumerate(dimensions, start=1):
            assert 5 <= len(dimension.questions) <= 7
            assert all(q.article_ref == f"2({number})" for q in dimension.questions)

    def test_every_question_is_complete_and_bilingual(self) -> None:
        service_ids = {s.id for s in self.questionnaire.services}
        assert service_ids == {
            "technology_finance", "technology_transfer", "cloud_it", "data_services",
            "e_commerce", "management_consulting", "training",
        }  # fmt: skip
        for q in self.questionnaire.questions:
            assert len(q.levels) == 6
            assert len({level.zh for level in q.levels}) == 6, f"{q.id}: levels not distinct"
            assert len({level.en for level in q.levels}) == 6, f"{q.id}: levels not distinct"
            assert sorted(q.recommendations) == [1, 2, 3, 4, 5]
            for recommendation in q.recommendations.values():
                assert recommendation.services and set(recommendation.services) <= service_ids
            assert q.weight > 0
            # Chinese texts are Chinese, English texts are not.
            for text in (q.title, q.help, *q.levels):
                assert re.search(r"[\u4e00-\u9fff]", text.zh), f"{q.id}: {text.zh}"
                assert not re.search(r"[\u4e00-\u9fff]", text.en), f"{q.id}: {text.en}"

    def test_every_service_is_used_and_prerequisites_exist(self) -> None:
        used = {
            s
            for q in self.questionnaire.questions
            for r in q.recommendations.values()
            for s in r.services
        }
        assert used == {s.id for s in self.questionnaire.services}
        requires = {
            q.id: {r.question_id: r.level for r in q.requires}
            for q in self.questionnaire.questions
            if q.requires
        }
        assert all(r.from_level == 1 for q in self.questionnaire.questions for r in q.requires)
        assert requires["pd_mass_customisation"] == {"pd_virtual_design": 3}
        assert requires["pp_smart_lines"] == {"pp_equipment_connectivity": 3}
        assert requires["md_supply_chain_sharing"] == {"bd_core_systems": 2}
        assert len(requires) >= 6

    def test_not_applicable_only_where_a_practice_can_truly_not_apply(self) -> None:
        allowed = {q.id for q in self.questionnaire.questions if q.allow_na}
        assert allowed == {
            "pd_rapid_prototyping", "pp_digital_process", "pp_smart_lines", "md_remote_services",
        }  # fmt: skip

    def test_goals_are_at_most_three_and_map_to_dimensions(self) -> None:
        assert self.questionnaire.max_goals == 3
        dimension_ids = {d.id for d in self.questionnaire.dimensions}
        assert len(self.questionnaire.goals) >= 6
        for goal in self.questionnaire.goals:
            assert goal.dimensions and set(goal.dimensions) <= dimension_ids
        served = {d for goal in self.questionnaire.goals for d in goal.dimensions}
        assert served == dimension_ids


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


class TestVersion2:
    """sme-digital 2.0.0: section 2's four dimensions, foundations, profile, outcomes."""

    path = ROOT / "questionnaires" / "sme-digital" / "2.0.0.yaml"
    questionnaire = load_file(path)

    def test_five_dimensions_and_at_most_45_questions(self) -> None:
        q = self.questionnaire
        assert [d.id for d in q.dimensions] == [
            "product_design", "production_process", "market_development",
            "business_decisions", "foundations",
        ]  # fmt: skip
        assert q.dimension("foundations").label.zh == "数字化基础与保障"
        assert len(q.questions) <= 45
        assert len(q.dimension("foundations").questions) >= 8
        # The practices the review found missing, each asked on its own.
        for added in (
            "pd_process_design", "pp_purchasing", "pp_warehousing", "pp_energy",
            "fd_network", "fd_equipment_connectivity", "fd_systems_coverage",
            "fd_data_collection", "fd_cybersecurity", "fd_data_security",
            "fd_strategy", "fd_talent", "fd_investment",
        ):  # fmt: skip
            assert q.has_question(added), added
        # Section 2's dimensions cite section 2 (purchasing and warehousing cite the
        # supply-chain paragraph 2(3)).
        for dimension in q.dimensions[:4]:
            assert all(question.article_ref.startswith("2(") for question in dimension.questions)

    def test_every_question_has_a_crosswalk_and_level_names_are_cited(self) -> None:
        q = self.questionnaire
        for question in q.questions:
            assert question.crosswalk is not None, question.id
            assert set(question.crosswalk) == {"miit_2024", "gbt_39116"}
            assert all(value.strip() for value in question.crosswalk.values())
        assert q.levels_source is not None and "GB/T 39116-2020" in q.levels_source.zh
        assert q.phase_capacity == (5, 8)

    def test_chinese_texts_use_chinese_punctuation(self) -> None:
        import yaml

        texts = _zh_texts(yaml.safe_load(self.path.read_text(encoding="utf-8")))
        assert len(texts) > 500
        offending = [text for text in texts if re.search(r"[,;:?!()]", text)]
        assert offending == []

    def test_glossary_terms_are_used(self) -> None:
        q = self.questionnaire
        assert len(q.glossary) >= 5
        texts = [
            [wording.title, wording.help, *wording.levels]
            for question in q.questions
            for wording in (question.wording(None), *question.variants.values())
        ] + [
            [item.label, *(o.label for o in item.options), *(o.reason for o in item.options if o.reason)]
            for item in q.profile
        ]  # fmt: skip
        for term in q.glossary:
            for locale in ("zh", "en"):
                used = [t for t in texts if term in q.terms_in([x.get(locale) for x in t], locale)]
                assert used, term.term.get(locale)

    def test_levels_differ_and_prerequisites_are_level_scoped(self) -> None:
        q = self.questionnaire
        for question in q.questions:
            assert len({level.zh for level in question.levels}) == 6, question.id
        scoped = [r for question in q.questions for r in question.requires]
        assert scoped and all(r.from_level >= 2 for r in scoped)
        # The review's false dependencies are gone: cheap first steps wait for nothing.
        for first_step in ("bd_target_budget", "pp_lean", "fd_strategy"):
            assert q.question(first_step).requirements_for(2) == ()

    def test_goals_services_profile_and_outcomes(self) -> None:
        q = self.questionnaire
        goals = {goal.id for goal in q.goals}
        assert {"green_low_carbon", "security_compliance", "specialised_sme"} <= goals
        assert "network_data_security" in {service.id for service in q.services}
        used = {
            s
            for question in q.questions
            for r in question.recommendations.values()
            for s in r.services
        }
        assert used == {service.id for service in q.services}
        assert [item.id for item in q.profile] == ["designs_products", "production", "after_sales"]
        assert 5 <= len(q.outcomes) <= 8
        for outcome in q.outcomes:
            assert outcome.minimum < outcome.maximum and outcome.unit.zh and outcome.unit.en


ACTIONS = """roles:
  - {id: it_lead, label: {zh: IT负责人, en: Head of IT}}
effort_bands:
  - {id: weeks_1_4, label: {zh: 1–4 周, en: 1–4 weeks}}
cost_bands:
  - {id: under_50k, label: {zh: 5万元以下, en: "under 50,000 CNY"}}
  - {id: over_1m, label: {zh: 100万元以上, en: over 1 million CNY}}
level_defaults:
  "1": {effort: weeks_1_4, cost: under_50k}
"""
FIRST_TITLE = "        title: {zh: 第一题, en: First}\n"


def test_steps_say_who_acts_how_long_how_much_and_what_to_watch() -> None:
    text = (
        format_2_with(
            (FIRST_TITLE, "        owner: it_lead\n        watch: yield_rate\n" + FIRST_TITLE),
            (
                "          2: {zh: 到二, en: to two, services: [training]}",
                "          2: {zh: 到二, en: to two, services: [training], cost: over_1m, watch: {zh: 停机时长, en: downtime}}",
            ),
        )
        + ACTIONS
    )
    questionnaire = parse(text)
    first = questionnaire.question("first")
    # Level 1: the question's owner and figure, the level's defaults.
    assert first.recommendations[1].action == Action(
        "it_lead", "weeks_1_4", "under_50k", "yield_rate"
    )
    # Level 2 has no defaults; its own cost and figure win.
    assert first.recommendations[2].action == Action(
        "it_lead", None, "over_1m", Text("停机时长", "downtime")
    )
    assert questionnaire.question("second").recommendations[3].action.empty
    assert questionnaire.band("cost_bands", "over_1m").label.zh == "100万元以上"


@pytest.mark.parametrize(
    ("replacements", "extra", "expected"),
    [
        (
            [(FIRST_TITLE, "        owner: ceo\n        watch: profit\n" + FIRST_TITLE)],
            ACTIONS,
            [
                "line 29, dimensions[0].questions[0].owner: unknown owner 'ceo'",
                "line 30, dimensions[0].questions[0].watch: unknown outcome figure 'profit'",
            ],
        ),
        (
            [],
            ACTIONS.replace('"1": {effort: weeks_1_4', '"1": {effort: years'),
            ["line 93, level_defaults.1.effort: unknown effort 'years'"],
        ),
        (
            [("format: 2\n", "format: 1\n"), ("profile:", "profile_x:")],
            "",
            None,  # checked below: the owner needs format 2
        ),
    ],
)
def test_action_names_are_checked(
    replacements: list[tuple[str, str]], extra: str, expected: list[str] | None
) -> None:
    if expected is None:
        problems = problems_of_text(
            format_2_with((FIRST_TITLE, "        owner: it_lead\n" + FIRST_TITLE), *replacements)
        )
        assert "line 29, dimensions[0].questions[0].owner: owner needs format: 2" in problems
        return
    assert problems_of_text(format_2_with(*replacements) + extra) == expected


def test_a_published_questionnaire_reloads_from_its_document_only_if_unchanged() -> None:
    for path in sorted(SHIPPED.parent.glob("*.yaml")):
        validated, document = parse_with_document(path.read_text(encoding="utf-8"), str(path))
        # Equal in every part, in the file's order (variants, recommendations, levels).
        assert from_document(document, validated.content_hash, "stored") == validated
        tampered = document.replace(f'"version":"{validated.version}"', '"version":"9.9.9"', 1)
        assert tampered != document
        with pytest.raises(QuestionnaireError, match="content hash does not match"):
            from_document(tampered, validated.content_hash, "stored")
