from __future__ import annotations

import re
from pathlib import Path

import pytest

from maturity.core.questionnaire import (
    Catalogue,
    QuestionnaireError,
    content_hash,
    load_file,
    parse,
)
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
        requires = {q.id: dict(q.requires) for q in self.questionnaire.questions if q.requires}
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
