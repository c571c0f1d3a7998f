"""Centre dashboards: figures checked independently, suppression, exports, isolation."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import astuple
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from maturity.core.disclosure import SCORE_BOUND, Cell, publish_mean
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentResult,
    Centre,
    CentreMembership,
    CentreRegistration,
    ItemValue,
    Organisation,
    User,
)
from maturity.services import assessments as service
from maturity.services.questionnaires import current_version
from maturity.services.synthetic import generate
from tests.helpers import (
    FULL_PROFILE,
    current_questionnaire,
    log_in,
    make_user,
    publish_questionnaires,
)

QUESTIONNAIRE = current_questionnaire()


def reviewer_of(app: Flask, centre_name: str, email: str) -> tuple[int, Any]:
    user_id = make_user(app, email, f"审阅 {centre_name}")
    with app.app_context():
        centre_id = db.session.scalar(select(Centre.id).where(Centre.name == centre_name))
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre_id))
        db.session.commit()
    client = app.test_client()
    log_in(client, email)
    return centre_id, client


@pytest.fixture
def synthetic(app: Flask) -> dict[str, Any]:
    publish_questionnaires(app)
    with app.app_context():
        version = current_version("sme-digital")
        generate(120, 3, "甲中心", version)
        generate(40, 4, "乙中心", version)
    centre_a, client_a = reviewer_of(app, "甲中心", "a@example.com")
    centre_b, client_b = reviewer_of(app, "乙中心", "b@example.com")
    return {"a": centre_a, "b": centre_b, "client_a": client_a, "client_b": client_b}


def latest_results(
    app: Flask, centre_id: int
) -> list[tuple[Organisation, AssessmentResult, Assessment]]:
    """Computed independently of the dashboard: ORM, no summaries, no NumPy."""
    with app.app_context():
        organisations = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == centre_id)
        ).all()
        rows = []
        for organisation in organisations:
            assessment = db.session.scalars(
                select(Assessment)
                .where(Assessment.organisation_id == organisation.id)
                .order_by(Assessment.round.desc())
            ).first()
            rows.append((organisation, assessment.result if assessment else None, assessment))
        return [(o, r, a) for o, r, a in rows]


def published_headline(app: Flask, centre_id: int) -> list[str]:
    """The headline as the disclosure rule must publish it, computed independently:
    ORM rows of the centre's organisations with results, their record keys, the core's
    publish_count (and "少于 10" where it withholds)."""
    from maturity.core.disclosure import Cell, publish_count

    organisations = assessments = keys = round_keys = 0
    for organisation, _result, latest in latest_results(app, centre_id):
        if latest is None or latest.result is None:
            continue
        with app.app_context():
            rounds = db.session.scalar(
                select(func.count(Assessment.id)).where(
                    Assessment.organisation_id == organisation.id,
                    Assessment.status == "submitted",
                )
            )
        organisations += 1
        keys += organisation.record_key
        assessments += rounds
        round_keys += rounds * organisation.record_key
    counts = (
        publish_count(Cell(organisations, keys), 10),
        publish_count(Cell(assessments, round_keys), 10),
    )
    return ["少于 10" if n is None else str(n) for n in counts]


def trimmed(row: list[str]) -> list[str]:
    """A sheet pads every row to its widest and stores 43.0 as 43: compare without either."""

    def same(cell: str) -> str:
        try:
            return f"{float(cell):g}"
        except ValueError:
            return cell

    while row and row[-1] == "":
        row = row[:-1]
    return [same(cell) for cell in row]


def parse_csv(text: str) -> dict[str, list[list[str]]]:
    tables: dict[str, list[list[str]]] = {}
    title = None
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        if not row:
            title = None
        elif title is None:
            title = row[0]
            tables[title] = []
        else:
            tables[title].append(row)
    return tables


def test_figures_match_an_independent_computation(app: Flask, synthetic: dict[str, Any]) -> None:
    with app.app_context():
        pairs = []
        organisations = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == synthetic["a"])
        ).all()
        assessments = 0
        for organisation in organisations:
            rounds = db.session.scalars(
                select(Assessment)
                .where(Assessment.organisation_id == organisation.id)
                .order_by(Assessment.round)
            ).all()
            assessments += len(rounds)
            pairs.append((organisation, rounds[-1].result.overall_index, rounds))
        overall = sorted(p[1] for p in pairs)
        expected_mean = statistics.fmean(overall)
        q1, median, q3 = statistics.quantiles(overall, n=4, method="inclusive")
        # Weakest practice: the lowest mean applicable value over latest rounds.
        sums: dict[str, list[int]] = {}
        for _, _, rounds in pairs:
            for answer in db.session.scalars(
                select(Answer).where(Answer.assessment_id == rounds[-1].id)
            ):
                if not answer.not_applicable:
                    sums.setdefault(answer.question_id, []).append(answer.value)
        weakest = min(sums, key=lambda q: (statistics.fmean(sums[q]), q))
        keys = sum(organisation.record_key for organisation in organisations)
    response = synthetic["client_a"].get(f"/centres/{synthetic['a']}/dashboard.csv")
    tables = parse_csv(response.get_data(as_text=True))
    assert tables["企业与评估数量"][1] == published_headline(app, synthetic["a"])
    n = len(organisations)
    # Published figures are adjusted by the cell key: counts by at most 2, means and
    # quartiles by at most 50 / n points (core.disclosure) — and exactly so:
    overall_row = tables["得分（0–100）"][1]
    assert overall_row[0] == "总体" and abs(int(overall_row[1]) - n) <= 2
    cell = Cell(n, keys, sum(overall))
    assert float(overall_row[2]) == pytest.approx(
        round(publish_mean(cell, "overall", SCORE_BOUND, 0, 100, 10), 1), abs=0.051
    )
    bound = SCORE_BOUND / n + 0.051
    assert [float(x) for x in overall_row[2:]] == pytest.approx(
        [expected_mean, q1, median, q3], abs=bound
    )
    # The weakest practice shown: its published mean is within 2.5 / answered of the
    # truth, so it is among the truly weakest.
    first_weakest = tables["最薄弱的实践（平均等级最低）"][1]
    shown = next(q for q in sums if QUESTIONNAIRE.question(q).title.zh == first_weakest[0])
    true_mean = statistics.fmean(sums[shown])
    assert float(first_weakest[3]) == pytest.approx(true_mean, abs=2.5 / len(sums[shown]) + 0.006)
    assert true_mean <= statistics.fmean(sums[weakest]) + 2 * 2.5 / min(map(len, sums.values()))


def make_org(
    app: Flask, centre_id: int, division: str, employees: int, revenue: int, value: int, index: int
) -> None:
    """One organisation with one submitted round through the real services."""
    from decimal import Decimal

    from maturity.services.organisations import OrganisationProfile, apply_profile

    with app.app_context():
        organisation = Organisation()
        apply_profile(organisation, OrganisationProfile(
            name=f"手工企业 {index}", credit_code=None, industry_division=division, employees=employees,
            revenue=Decimal(revenue), total_assets=None, province_code="330000", city_code="330100",
        ))  # fmt: skip
        db.session.add(organisation)
        db.session.add(
            CentreRegistration(
                centre_id=centre_id, organisation=organisation, accepted_at=datetime.now(UTC)
            )
        )
        version = current_version("sme-digital")
        assessment = Assessment(
            organisation=organisation,
            questionnaire_version=version,
            questionnaire_hash=version.content_hash,
        )
        db.session.add(assessment)
        db.session.flush()
        for question in QUESTIONNAIRE.questions:
            db.session.add(
                Answer(assessment_id=assessment.id, question_id=question.id, value=value)
            )
        for item_id, option_id in FULL_PROFILE.items():
            db.session.add(ItemValue(assessment_id=assessment.id, item_id=item_id, value=option_id))
        db.session.commit()
        submitter = db.session.scalars(select(User)).first()
        service.submit(assessment, submitter)


def test_only_complementary_suppression_protects_a_cell(app: Flask) -> None:
    publish_questionnaires(app)
    user_id = make_user(app, "reviewer@example.com", "审阅")
    with app.app_context():
        centre = Centre(name="丙中心")
        db.session.add(centre)
        db.session.commit()
        db.session.add(CentreMembership(user_id=user_id, centre_id=centre.id))
        db.session.commit()
        centre_id = centre.id
    # Industry (division 34) size classes: 3 large, 12 medium, 25 small → total 40.
    plan = [(1500, 50000, 4)] * 3 + [(400, 5000, 3)] * 12 + [(50, 1000, 2)] * 25
    for index, (employees, revenue, value) in enumerate(plan):
        make_org(app, centre_id, "34", employees, revenue, value, index)
    client = app.test_client()
    log_in(client, "reviewer@example.com")
    tables = parse_csv(client.get(f"/centres/{centre_id}/dashboard.csv").get_data(as_text=True))
    by_size = {row[0]: row[1:] for row in tables["按企业规模"][1:]}
    assert by_size["大型"] == ["不显示", ""]  # 3 < 10: primary suppression
    assert by_size["中型"] == [
        "不显示",
        "",
    ]  # 12 >= 10, hidden only so that "large" cannot be derived
    # Shown cells are adjusted: 25 small organisations (all at index 40) within 2 and
    # 50 / 25 points; the total of 40 within 2.
    assert abs(int(by_size["小型"][0]) - 25) <= 2
    assert float(by_size["小型"][1]) == pytest.approx(40.0, abs=2.05)
    assert abs(int(by_size["合计"][0]) - 40) <= 2 and by_size["合计"][1] == ""
    # The levels table: level 4 (3 organisations) and its complement are hidden too.
    overall_levels = tables["等级分布（企业数）"][1]
    assert overall_levels[0] == "总体" and abs(int(overall_levels[-1]) - 40) <= 2
    assert overall_levels.count("不显示") >= 2


def test_exports_equal_what_is_shown(app: Flask, synthetic: dict[str, Any]) -> None:
    from maturity.reports.tables import build_tables
    from maturity.services import dashboard

    client = synthetic["client_a"]
    url = f"/centres/{synthetic['a']}/dashboard"
    query = "?section=C"
    html = client.get(url + query).get_data(as_text=True)
    csv_tables = parse_csv(client.get(url + ".csv" + query).get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get(url + ".xlsx" + query).data))
    xlsx_rows = [
        trimmed([("" if c is None else str(c)) for c in row])
        for row in workbook.active.iter_rows(values_only=True)
    ]
    with app.app_context(), app.test_request_context():
        version = current_version("sme-digital")
        data = dashboard.build(
            synthetic["a"], QUESTIONNAIRE, dashboard.Filters(version.id, industry_section="C"), 10
        )
        from flask_babel import force_locale

        with force_locale("zh"):
            tables = build_tables(data, QUESTIONNAIRE, "zh")
    for table in tables:
        assert table.title in html and table.title in csv_tables
        assert csv_tables[table.title][0] == table.columns
        for row in table.rows:
            text_row = ["" if c is None else str(c) for c in row]
            assert text_row in csv_tables[table.title]
            assert trimmed(text_row) in xlsx_rows
            for cell in row:
                if cell is not None:
                    assert str(cell) in html
    pdf = client.get(url + ".pdf" + query)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_outcome_changes_are_published_under_the_same_control(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    """The change of each business figure between an organisation's last two rounds,
    computed independently from the stored values, against the published table."""
    from decimal import Decimal

    changes: dict[str, list[Decimal]] = {}
    keys: dict[str, int] = {}
    with app.app_context():
        organisations = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == synthetic["a"])
        ).all()
        for organisation in organisations:
            rounds = db.session.scalars(
                select(Assessment)
                .where(Assessment.organisation_id == organisation.id)
                .order_by(Assessment.round)
            ).all()
            if len(rounds) < 2:
                continue
            figures = [
                {
                    v.item_id: Decimal(v.value)
                    for v in db.session.scalars(
                        select(ItemValue).where(ItemValue.assessment_id == a.id)
                    )
                    if v.item_id in {item.id for item in QUESTIONNAIRE.outcomes}
                }
                for a in rounds[-2:]
            ]
            for item in QUESTIONNAIRE.outcomes:
                if item.id in figures[0] and item.id in figures[1]:
                    changes.setdefault(item.id, []).append(
                        figures[1][item.id] - figures[0][item.id]
                    )
                    keys[item.id] = keys.get(item.id, 0) + organisation.record_key
    assert changes, "the synthetic data gives outcome figures in successive rounds"
    response = synthetic["client_a"].get(f"/centres/{synthetic['a']}/dashboard.csv")
    rows = parse_csv(response.get_data(as_text=True))["两轮之间经营成效的变化"]
    assert rows[0] == ["指标", "单位", "企业数", "平均变化"]
    shown = {row[0]: row for row in rows[1:]}
    assert sum(row[2] != "不显示" for row in shown.values()) >= 3  # most are published
    assert len(shown) == len(QUESTIONNAIRE.outcomes)
    for item in QUESTIONNAIRE.outcomes:
        row = shown[item.label.zh]
        values = changes.get(item.id, [])
        if len(values) < 10:
            assert row[2:] == ["不显示", ""], item.id
            continue
        cell = Cell(len(values), keys[item.id], float(sum(values)))
        expected = publish_mean(
            cell,
            f"outcome:{item.id}",
            float(item.span) / 2,
            -float(item.span),
            float(item.span),
            10,
        )
        assert abs(int(row[2]) - len(values)) <= 2
        assert float(row[3]) == pytest.approx(expected, abs=10**-item.decimals)
        # Within the bound of the method: half the figure's range over the group size.
        truth = float(sum(values)) / len(values)
        assert abs(float(row[3]) - truth) <= float(item.span) / 2 / len(values) + 10**-item.decimals


def test_a_reviewer_sees_only_their_centre(app: Flask, synthetic: dict[str, Any]) -> None:
    a, b = synthetic["a"], synthetic["b"]
    client_a = synthetic["client_a"]
    headline_a = parse_csv(client_a.get(f"/centres/{a}/dashboard.csv").get_data(as_text=True))[
        "企业与评估数量"
    ][1]
    assert headline_a == published_headline(app, a) and abs(int(headline_a[0]) - 120) <= 2
    for url in (
        f"/centres/{b}/dashboard",
        f"/centres/{b}/dashboard.csv",
        f"/centres/{b}/dashboard.xlsx",
        f"/centres/{b}/dashboard.pdf",
        f"/centres/{b}",
    ):
        assert client_a.get(url).status_code == 404, url
    headline_b = parse_csv(
        synthetic["client_b"].get(f"/centres/{b}/dashboard.csv").get_data(as_text=True)
    )["企业与评估数量"][1]
    assert headline_b == published_headline(app, b) and abs(int(headline_b[0]) - 40) <= 2


def test_small_filtered_groups_show_nothing_and_bad_filters_are_reported(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client = synthetic["client_a"]
    page = client.get(f"/centres/{synthetic['a']}/dashboard?section=R&size=large").get_data(
        as_text=True
    )
    assert "符合筛选条件的企业少于 10 家" in page
    assert "得分（0–100）" not in page
    bad = client.get(f"/centres/{synthetic['a']}/dashboard?section=ZZ&from=yesterday").get_data(
        as_text=True
    )
    assert "部分筛选条件无法识别" in bad and "得分（0–100）" in bad


def test_synthetic_data_is_realistic_and_reproducible(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    with app.app_context():
        organisations = db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == synthetic["a"])
        ).all()
        sections = {o.industry_section for o in organisations}
        assert "C" in sections and len(sections) >= 4
        rounds = db.session.scalars(
            select(Assessment).where(Assessment.organisation_id.in_([o.id for o in organisations]))
        ).all()
        second = [a for a in rounds if a.round == 2]
        assert 0.15 * len(organisations) < len(second) < 0.45 * len(organisations)
        firsts = {a.organisation_id: a for a in rounds if a.round == 1}
        gains = [
            a.result.overall_index - firsts[a.organisation_id].result.overall_index for a in second
        ]
        assert statistics.fmean(gains) > 0  # plausible progress
        # Answers correlate within an organisation: the spread of an organisation's answers
        # is smaller than the spread of all answers.
        values = db.session.execute(
            select(Answer.assessment_id, Answer.value).where(Answer.not_applicable.is_(False))
        ).all()
        by_assessment: dict[int, list[int]] = {}
        for assessment_id, value in values:
            by_assessment.setdefault(assessment_id, []).append(value)
        within = statistics.fmean(statistics.pstdev(v) for v in by_assessment.values())
        overall = statistics.pstdev([v for _, v in values])
        assert within < overall


def test_a_period_covering_everything_gives_the_same_figures(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client = synthetic["client_a"]
    url = f"/centres/{synthetic['a']}/dashboard.csv"
    everything = parse_csv(client.get(url).get_data(as_text=True))
    period = parse_csv(client.get(url + "?from=2000-01-01&to=2099-12-31").get_data(as_text=True))
    assert period == everything
    nothing = parse_csv(client.get(url + "?from=2099-01-01").get_data(as_text=True))
    assert nothing["企业与评估数量"][1] == ["少于 10", "少于 10"]  # never a count from 1 to 9


def test_rebuilding_summaries_reproduces_them(app: Flask, synthetic: dict[str, Any]) -> None:
    from maturity.models import ResultSummary

    def snapshot() -> list[tuple[Any, ...]]:
        with app.app_context():
            rows = db.session.scalars(
                select(ResultSummary).order_by(ResultSummary.assessment_id)
            ).all()
            return [
                tuple(getattr(r, c.key) for c in ResultSummary.__table__.c)  # type: ignore[attr-defined]
                for r in rows
            ]

    before = snapshot()
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0 and f"rebuilt {len(before)} result summaries" in result.output
    after = snapshot()
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        # Same values; floats may differ in the last bit after a database round trip.
        assert [pytest.approx(a) if isinstance(a, float) else a for a in old] == list(new)
    # In slices for the workers (here run at once: no broker), twice: the same rows.
    for _ in range(2):
        queued = app.test_cli_runner().invoke(
            args=["summaries", "rebuild", "--on-workers", "--slice", "7"]
        )
        assert queued.exit_code == 0 and "slices of up to 7 organisations" in queued.output
        sliced = snapshot()
        assert sliced == after


def test_cached_dashboard_follows_new_submissions_and_registrations(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client = synthetic["client_a"]
    url = f"/centres/{synthetic['a']}/dashboard.csv"
    first = parse_csv(client.get(url).get_data(as_text=True))["企业与评估数量"][1]
    assert first == published_headline(app, synthetic["a"])
    assert parse_csv(client.get(url).get_data(as_text=True))["企业与评估数量"][1] == first  # cached
    make_org(app, synthetic["a"], "34", 50, 1000, 3, 999)  # registers and submits
    after = parse_csv(client.get(url).get_data(as_text=True))["企业与评估数量"][1]
    # The figures of the new set of organisations, not the cached ones.
    assert after == published_headline(app, synthetic["a"])


def test_postgresql_aggregates_equal_the_numpy_computation(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    """PostgreSQL computes the figures in the database, SQLite reads the rows and
    uses NumPy. On PostgreSQL both paths can run over the same rows: every raw
    figure must agree, with and without filters and periods."""
    from datetime import timedelta

    from sqlalchemy import func

    from maturity.core.dashboard import Filters
    from maturity.models import ResultSummary
    from maturity.services.dashboard.in_database import stats_in_database
    from maturity.services.dashboard.in_python import stats_in_numpy

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the in-database path is PostgreSQL's")
        version = current_version("sme-digital")
        first, last = db.session.execute(
            select(func.min(ResultSummary.submitted_at), func.max(ResultSummary.submitted_at))
        ).one()
        middle = (first + (last - first) / 2).date()
        size, section = db.session.execute(
            select(ResultSummary.size_class, ResultSummary.industry_section).limit(1)
        ).one()
        cases = [
            Filters(version.id),
            Filters(version.id, size_class=size),
            Filters(version.id, industry_section=section, period_from=middle),
            Filters(version.id, period_to=middle),
            Filters(version.id, period_from=middle - timedelta(days=30), period_to=middle),
        ]

        def same(found_cell: Cell, expected_cell: Cell, where: object) -> None:
            # Counts and key sums exactly; totals up to float summation order.
            assert (found_cell.count, found_cell.key, found_cell.with_value) == (
                expected_cell.count,
                expected_cell.key,
                expected_cell.with_value,
            ), where
            assert found_cell.total == pytest.approx(expected_cell.total), where

        for filters in cases:
            expected = stats_in_numpy(
                db.session.connection(), synthetic["a"], QUESTIONNAIRE, filters
            )
            db.session.commit()
            found = stats_in_database(synthetic["a"], QUESTIONNAIRE, filters)
            assert expected.organisations.count > 0, filters

            same(found.organisations, expected.organisations, (filters, "organisations"))
            same(found.assessments, expected.assessments, (filters, "assessments"))
            for key, levels in expected.levels.items():
                for level, cell in levels.items():
                    same(found.levels[key][level], cell, (filters, (key, level)))
            for index, cell in enumerate(expected.practices):
                same(found.practices[index], cell, (filters, ("practice", index)))
            for key, spread in expected.measures.items():
                same(found.measures[key].cell, spread.cell, (filters, key))
                assert astuple(found.measures[key])[1:] == pytest.approx(
                    astuple(spread)[1:], nan_ok=True
                ), (filters, key)
            for key, cell in expected.progress.items():
                same(found.progress[key], cell, (filters, ("progress", key)))
            for by, groups in expected.breakdowns.items():
                assert found.breakdowns[by].keys() == groups.keys(), (filters, by)
                for value, cell in groups.items():
                    same(found.breakdowns[by][value], cell, (filters, (by, value)))


def test_the_page_draws_zero_based_bars_signs_changes_and_explains_its_marks(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    from maturity.services import dashboard

    html = synthetic["client_a"].get(f"/centres/{synthetic['a']}/dashboard").get_data(as_text=True)
    with app.app_context():
        data = dashboard.centre_dashboard(synthetic["a"], {}).dashboard
    # Mean scores on a 0–100 axis: a bar's length is its value, not its rank.
    means = html[html.index('data-chart="means"') :]
    means = means[: means.index("</ul>")]
    for measure in data.measures:
        assert f'style="width: {round(measure.mean, 1)}%"' in means
        assert f'<span class="bar-value">{measure.mean:.1f}</span>' in means
    # Headline figures as cards, changes with their sign, and a legend of the marks.
    assert 'data-table="headline"' in html and 'class="big-number"' in html
    progress = html[html.index('data-table="progress"') :]
    progress = progress[: progress.index("</table>")]
    for change in data.progress:
        if change.mean_delta is not None and change.mean_delta > 0:
            assert f">+{round(change.mean_delta, 1)}</td>" in progress
    assert "表中标记的含义" in html and "该单元格没有企业" in html
