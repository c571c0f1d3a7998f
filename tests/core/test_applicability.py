"""What the profile of sme-digital 2.0.0 makes applicable, for the kinds of firm it asks about."""

from __future__ import annotations

from maturity.core.answers import NOT_APPLICABLE
from maturity.core.applicability import applicability, profile_problems, scored_answers
from maturity.core.questionnaire import load_file
from maturity.core.scoring import score
from tests.conftest import ROOT

QUESTIONNAIRE = load_file(ROOT / "questionnaires" / "sme-digital" / "2.0.0.yaml")
FULL_PROFILE = {
    "designs_products": "own_design",
    "production": "discrete",
    "after_sales": "connected_products",
}


def test_a_firm_that_does_everything_has_every_question() -> None:
    found = applicability(QUESTIONNAIRE, FULL_PROFILE)
    assert dict(found.not_applicable) == {} and found.variant is None
    assert dict(applicability(QUESTIONNAIRE, {}).not_applicable) == {}  # nothing chosen yet


def test_a_process_manufacturer() -> None:
    found = applicability(QUESTIONNAIRE, {**FULL_PROFILE, "production": "process"})
    assert list(found.not_applicable) == ["pd_mass_customisation"]
    reason = found.reason("pd_mass_customisation")
    assert reason is not None and "配方" in reason.zh and "recipe" in reason.en
    assert found.variant == "process"
    # Where the practice exists in another form, the question reads in that form.
    varied = [q for q in QUESTIONNAIRE.questions if "process" in q.variants]
    assert {q.id for q in varied} >= {"pp_digital_process", "pp_smart_lines"}
    for question in varied:
        wording = question.wording("process")
        assert wording != question.wording(None)
        assert len(wording.levels) == 6
    texts = " ".join(level.zh for q in varied for level in q.wording("process").levels) + " ".join(
        q.wording("process").title.zh for q in varied
    )
    assert "配方" in texts and ("DCS" in texts or "批记录" in texts)


def test_a_pure_service_firm() -> None:
    profile = {
        "designs_products": "no_products",
        "production": "no_physical_products",
        "after_sales": "no_after_sales",
    }
    found = applicability(QUESTIONNAIRE, profile)
    expected = {
        q.id
        for q in QUESTIONNAIRE.questions
        if q.dimension_id in ("product_design", "production_process")
    } | {"fd_equipment_connectivity", "md_after_sales_service", "md_remote_monitoring"}
    assert set(found.not_applicable) == expected
    # The first answer in profile order gives the reason.
    assert found.reason("pd_cad_modelling") == QUESTIONNAIRE.profile[0].option("no_products").reason
    answers = {q.id: 2 for q in QUESTIONNAIRE.questions}
    scored = scored_answers(QUESTIONNAIRE, answers, profile)
    assert all(scored[qid] == NOT_APPLICABLE for qid in expected)
    result = score(QUESTIONNAIRE, scored)
    assert not result.dimensions["product_design"].assessed
    assert not result.dimensions["production_process"].assessed
    assert result.dimensions["foundations"].assessed
    assert result.overall_index == 40.0


def test_a_firm_that_builds_to_print_keeps_what_it_still_does() -> None:
    found = applicability(QUESTIONNAIRE, {**FULL_PROFILE, "designs_products": "build_to_print"})
    # Process design and rapid prototyping apply to a firm that makes others' designs.
    assert "pd_process_design" not in found.not_applicable
    assert "pd_product_data" not in found.not_applicable
    assert "pd_cad_modelling" in found.not_applicable


def test_unknown_profile_answers_are_named() -> None:
    assert profile_problems(QUESTIONNAIRE, {"production": "x", "colour": "blue"}) == [
        "profile: production: 'x' is not one of discrete, process, outsourced, no_physical_products",
        "profile: unknown item 'colour'",
    ]
