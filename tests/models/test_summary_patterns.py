"""The summaries' pattern of "not applicable" answers (result_summary.not_applicable),
which the dashboard groups by: written with every summary, and what the migration
computes for rows written before it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Flask
from sqlalchemy import select, text, update

from maturity.core.questionnaire import MAX_QUESTIONS
from maturity.extensions import db
from maturity.models import ResultSummary
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.helpers import publish_questionnaires

MIGRATION = next((Path(__file__).parents[2] / "migrations" / "versions").glob("357dfcf82e7e_*.py"))


def patterns() -> dict[int, tuple[int, int]]:
    """Per summary: (its column, the pattern of its NULL answer columns)."""
    answers = [getattr(ResultSummary, f"answer_{p}") for p in range(1, MAX_QUESTIONS + 1)]
    found = {}
    for row in db.session.execute(
        select(ResultSummary.assessment_id, ResultSummary.not_applicable, *answers)
    ):
        expected = sum(1 << index for index, value in enumerate(row[2:]) if value is None)
        found[row[0]] = (row[1], expected)
    return found


def test_every_summary_records_which_answers_are_not_applicable(app: Flask) -> None:
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        assert version is not None
        generate(120, 7, "甲中心", version)
        found = patterns()
        assert len(found) >= 120
        assert all(column == expected for column, expected in found.values())
        # Some rows answer every question of the questionnaire, others not all of them.
        assert len({column for column, _ in found.values()}) > 3

        spec = importlib.util.spec_from_file_location("migration", MIGRATION)
        assert spec is not None and spec.loader is not None
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        db.session.execute(update(ResultSummary).values(not_applicable=0))
        db.session.execute(text(migration.BACKFILL))
        assert all(column == expected for column, expected in patterns().values())
        db.session.rollback()
