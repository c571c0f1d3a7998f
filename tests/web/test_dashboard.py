"""Centre dashboards read from releases: the stored figures and nothing else, near
the truth, the same however often they are read, exports equal to the page, and
each centre's own."""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import event, select

from maturity.core.periods import Period, parse_period
from maturity.core.releases import VersionTables
from maturity.extensions import db
from maturity.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Centre,
    CentreMembership,
    CentreRegistration,
    ItemValue,
    Organisation,
    Release,
    User,
)
from maturity.services import assessments as service
from maturity.services import releases
from maturity.services.questionnaires import current_version
from tests.helpers import FULL_PROFILE, attested, current_questionnaire, make_user
from tests.web.dashboards import LAST_YEAR, compute, reviewer_of

QUESTIONNAIRE = current_questionnaire()


def stored_tables(app: Flask, centre_id: int) -> VersionTables:
    with app.app_context():
        stored = releases.latest(releases.centre_population(centre_id))
        assert stored is not None
        tables = stored.release.tables(f"sme-digital@{QUESTIONNAIRE.version}")
        assert tables is not None
        return tables


def truth(app: Flask, centre_id: int, period: Period) -> list[tuple[Organisation, Assessment]]:
    """Computed independently of releases (ORM, no summaries): each registered
    organisation's latest round submitted in the period."""
    with app.app_context():
        found = []
        for organisation in db.session.scalars(
            select(Organisation)
            .join(CentreRegistration)
            .where(CentreRegistration.centre_id == centre_id)
        ):
            rounds = [
                a
                for a in db.session.scalars(
                    select(Assessment)
                    .where(
                        Assessment.organisation_id == organisation.id,
                        Assessment.status == AssessmentStatus.SUBMITTED,
                    )
                    .order_by(Assessment.round)
                )
                if a.submitted_at is not None
                and period.first <= a.submitted_at.date() <= period.last
            ]
            if rounds:
                assert rounds[-1].result is not None
                found.append((organisation, rounds[-1]))
        db.session.expunge_all()
        return found


def parse_csv(text: str) -> tuple[list[str], dict[str, list[list[str]]]]:
    """(header lines, tables by title)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    blank = rows.index([])
    header = [row[0] for row in rows[:blank]]
    tables: dict[str, list[list[str]]] = {}
    title = None
    for row in rows[blank + 1 :]:
        if not row:
            title = None
        elif title is None:
            title = row[0]
            tables[title] = []
        else:
            tables[title].append(row)
    return header, tables


def dashboard_csv(client: Any, centre_id: int, query: str = "") -> dict[str, list[list[str]]]:
    response = client.get(f"/centres/{centre_id}/dashboard.csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return parse_csv(response.get_data(as_text=True))[1]


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


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the application sends while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lower())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_dashboard_shows_the_stored_release_and_it_is_near_the_truth(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    tables = stored_tables(app, synthetic["a"])
    shown = dashboard_csv(synthetic["client_a"], synthetic["a"])
    # Exactly what the release stores.
    assert shown["企业与评估数量"][0] == ["企业数", "评估", "总体指数平均值"]
    assert shown["企业与评估数量"][1] == [
        str(tables.headline.count),
        str(tables.assessments),
        str(round(tables.headline.mean or 0, 1)),
    ]
    overall = shown["得分（0–100）"][1]
    # A group of about 110 shows its count and mean; its quartiles would carry more
    # noise than a tenth of it, and are not published.
    assert tables.headline.quartiles is None
    assert overall == [
        "总体",
        str(tables.headline.count),
        str(round(tables.headline.mean or 0, 1)),
        *["不显示"] * 3,
    ]
    # Near the truth, computed here from the ORM: the count's noise has a standard
    # deviation of 2, the mean's about 1 point at this size.
    latest = truth(app, synthetic["a"], LAST_YEAR)
    indexes = [a.result.overall_index for _o, a in latest if a.result is not None]
    assert 100 <= len(latest) <= 120
    assert tables.headline.count is not None and abs(tables.headline.count - len(latest)) <= 8
    assert tables.headline.mean == pytest.approx(statistics.fmean(indexes), abs=5)
    # The practices' means of about 110 organisations would carry more noise than a
    # quarter of a level: the release withholds them and the table says why (their
    # order, lowest mean first, is tested where hundreds publish them: test_releases).
    weakest = shown["最薄弱的实践（平均等级最低）"]
    assert weakest == [["企业太少，实践等级无法在噪声中读出：企业达到数百家时才会显示。"]]
    assert all(p.mean is None for p in tables.practices)


def test_the_same_release_serves_the_same_figures_whatever_happens_after_it(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    first = dashboard_csv(client, centre_id)
    assert dashboard_csv(client, centre_id) == first
    # A new organisation registers and submits, another re-submits: the closed period's
    # release does not move (it would, by exactly their change, if it were recomputed).
    make_org(app, centre_id, "34", 50, 1000, 3, 999)
    assert dashboard_csv(client, centre_id) == first
    # An administrator's new computation of the period is a new revision, beside the
    # old one, with fresh noise; the page says which revision it shows.
    compute(app, centre_id)
    page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    assert "第 2 版" in page
    with app.app_context():
        revisions = db.session.scalars(
            select(Release.revision).where(
                Release.population == releases.centre_population(centre_id)
            )
        ).all()
    assert sorted(revisions) == [1, 2]


def test_no_figure_is_computed_from_answers_when_a_page_is_served(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    from tests.api.test_api import token_for

    make_user(app, "reader@example.com", "读者")
    with app.app_context():
        reader = db.session.scalar(select(User).where(User.email == "reader@example.com"))
        assert reader is not None
        db.session.add(CentreMembership(user_id=reader.id, centre_id=centre_id))
        db.session.commit()
    headers = token_for(app, "reader")
    urls = [
        f"/centres/{centre_id}/dashboard",
        f"/centres/{centre_id}/dashboard?section=C",
        f"/centres/{centre_id}/dashboard?section=C&size=small",
        f"/centres/{centre_id}/dashboard.csv?province=440000",
        f"/centres/{centre_id}/dashboard.xlsx",
    ]
    with statements(app) as seen:
        for url in urls:
            assert client.get(url).status_code == 200, url
        api = app.test_client().get(f"/api/v1/centres/{centre_id}/aggregates", headers=headers)
        assert api.status_code == 200, api.json
    read = " ".join(seen)
    assert "from release" in read
    for table in ("result_summary", "answer", "assessment_result", "item_value"):
        assert not re.search(rf"\b{table}\b", read), table


def test_the_api_names_its_release_and_refuses_what_has_none(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    from tests.api.test_api import token_for

    make_user(app, "reader@example.com", "读者")
    with app.app_context():
        reader = db.session.scalar(select(User).where(User.email == "reader@example.com"))
        assert reader is not None
        db.session.add(CentreMembership(user_id=reader.id, centre_id=synthetic["a"]))
        db.session.commit()
    headers = token_for(app, "reader")
    client = app.test_client()
    url = f"/api/v1/centres/{synthetic['a']}/aggregates"
    data = client.get(url, headers=headers).json
    assert data["release"]["period"] == LAST_YEAR.code and data["release"]["revision"] == 1
    assert data["release"]["from"] == LAST_YEAR.first.isoformat()
    assert data["next_release"] == releases.next_release_due(date.today()).isoformat()
    headline = next(t for t in data["tables"] if t["key"] == "headline")
    assert headline["rows"][0][0] == stored_tables(app, synthetic["a"]).headline.count
    missing = client.get(url + "?period=2001", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "no_release"
    bad = client.get(url + "?section=ZZ", headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["problems"] == ["section: 'ZZ'"]
    other = client.get(f"/api/v1/centres/{synthetic['b']}/aggregates", headers=headers)
    assert other.status_code == 404


def test_no_count_from_1_to_k_minus_1_in_any_table_export_or_the_api(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_b"], synthetic["b"]
    queries = ["", "?size=micro", "?section=C&size=small", "?province=110000", "?section=R"]
    for query in queries:
        _header, tables = parse_csv(
            client.get(f"/centres/{centre_id}/dashboard.csv{query}").get_data(as_text=True)
        )
        for title, rows in tables.items():
            columns = rows[0]
            for row in rows[1:]:
                for column, cell in zip(columns, row, strict=False):
                    if column in {"企业数", "评估数", "合计"} or re.fullmatch(r"\d · .*", column):
                        assert not re.fullmatch(r"[1-9]", cell), (query, title, row)
    with app.app_context():
        stored = releases.latest(releases.centre_population(centre_id))
        assert stored is not None
        document = stored.row.document
    counts = [int(n) for n in re.findall(r'"(?:count|total|assessments)": (\d+)', document)]
    assert counts and all(n == 0 or n >= 10 for n in counts)


def test_exports_equal_what_is_shown(app: Flask, synthetic: dict[str, Any]) -> None:
    from flask_babel import force_locale

    from maturity.reports.tables import build_tables
    from maturity.services import dashboard

    client = synthetic["client_a"]
    url = f"/centres/{synthetic['a']}/dashboard"
    html = client.get(url).get_data(as_text=True)
    header, csv_tables = parse_csv(client.get(url + ".csv").get_data(as_text=True))
    workbook = load_workbook(io.BytesIO(client.get(url + ".xlsx").data))
    xlsx_rows = [
        trimmed([("" if c is None else str(c)) for c in row])
        for row in workbook.active.iter_rows(values_only=True)
    ]
    with app.test_request_context():
        view = dashboard.centre_dashboard(synthetic["a"], {}, date.today())
        with force_locale("zh"):
            tables = build_tables(view, "zh")
    assert len(tables) >= 8
    for table in tables:
        assert table.title in html and table.title in csv_tables
        if table.withheld is not None:  # not drawn: the sentence that says why, everywhere
            assert csv_tables[table.title] == [[table.withheld]]
            assert [table.withheld] in xlsx_rows and table.withheld in html
            continue
        assert csv_tables[table.title][0] == table.columns
        for row in table.rows:
            text_row = ["" if c is None else str(c) for c in row]
            assert text_row in csv_tables[table.title]
            assert trimmed(text_row) in xlsx_rows
            for cell in row:
                if cell is not None:
                    assert str(cell) in html
    # Every export says which release it holds and when the next is due.
    assert any(LAST_YEAR.code in line and "第 1 版" in line for line in header)
    assert [trimmed([line]) for line in header] == xlsx_rows[: len(header)]
    pdf = client.get(url + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_reviewer_sees_only_their_centre(app: Flask, synthetic: dict[str, Any]) -> None:
    a, b = synthetic["a"], synthetic["b"]
    client_a = synthetic["client_a"]
    for url in (
        f"/centres/{b}/dashboard",
        f"/centres/{b}/dashboard.csv",
        f"/centres/{b}/dashboard.xlsx",
        f"/centres/{b}/dashboard.pdf",
        f"/centres/{b}",
    ):
        assert client_a.get(url).status_code == 404, url
    counts = {
        centre: int(dashboard_csv(client, centre)["企业与评估数量"][1][0])
        for centre, client in ((a, client_a), (b, synthetic["client_b"]))
    }
    assert abs(counts[a] - len(truth(app, a, LAST_YEAR))) <= 8
    assert abs(counts[b] - len(truth(app, b, LAST_YEAR))) <= 8


def test_a_filter_reads_one_published_table_and_nothing_else(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    tables = stored_tables(app, centre_id)
    section = tables.breakdown("section")
    code, cell = next((c, f) for c, f in section.cells if f.count)
    one = dashboard_csv(client, centre_id, f"?section={code}")
    assert list(one) == ["企业数与平均总体指数"]
    assert one["企业数与平均总体指数"][1][1:] == [str(cell.count), str(round(cell.mean or 0, 1))]
    # Two filters without a table of their own: said, never computed.
    crossed = client.get(f"/centres/{centre_id}/dashboard?section={code}&province=440000")
    text = crossed.get_data(as_text=True)
    assert crossed.status_code == 200 and "发布的数据中没有与这些筛选条件对应的表" in text
    assert "得分（0–100）" not in text
    bad = client.get(f"/centres/{centre_id}/dashboard?section=ZZ&period=1999")
    assert bad.status_code == 400 and "部分筛选条件无法识别" in bad.get_data(as_text=True)


def test_each_closed_period_has_its_release_and_none_before_the_first_close(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    quarter = parse_period(f"{LAST_YEAR.code}-Q2")
    assert quarter is not None
    compute(app, centre_id, quarter)
    page = client.get(f"/centres/{centre_id}/dashboard?period={quarter.code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"{LAST_YEAR.first.year} 年第 2 季度" in text
    quarter_count = dashboard_csv(client, centre_id, f"?period={quarter.code}")
    assert quarter_count != dashboard_csv(client, centre_id, f"?period={LAST_YEAR.code}")
    # A centre without a release yet says when its first is due.
    with app.app_context():
        db.session.add(Centre(name="丙中心"))
        db.session.commit()
    centre_c, client_c = reviewer_of(app, "丙中心", "c@example.com")
    empty = client_c.get(f"/centres/{centre_c}/dashboard").get_data(as_text=True)
    due = releases.next_release_due(date.today())
    assert "尚无发布" in empty and f"{due.year}年{due.month}月{due.day}日" in empty


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


def test_the_page_draws_zero_based_bars_signs_changes_and_names_its_release(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    html = synthetic["client_a"].get(f"/centres/{synthetic['a']}/dashboard").get_data(as_text=True)
    tables = stored_tables(app, synthetic["a"])
    # Mean scores on a 0–100 axis: a bar's length is its value, not its rank.
    means = html[html.index('data-chart="means"') :]
    means = means[: means.index("</ul>")]
    for measure in (tables.headline, *tables.dimensions):
        if measure.mean is not None:
            assert f'style="width: {round(measure.mean, 1)}%"' in means
            assert f'<span class="bar-value">{measure.mean:.1f}</span>' in means
    assert 'data-table="headline"' in html and 'class="big-number"' in html
    progress = html[html.index('data-table="progress"') :]
    progress = progress[: progress.index("</table>")]
    for change in tables.progress:
        if change.mean_change is not None and change.mean_change > 0:
            assert f">+{round(change.mean_change, 1)}</td>" in progress
    assert "表中标记的含义" in html
    assert f"{LAST_YEAR.first.year} 年" in html and "下一次发布" in html


def make_org(
    app: Flask, centre_id: int, division: str, employees: int, revenue: int, value: int, index: int
) -> None:
    """One organisation with one submitted round through the real services."""
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
        service.submit(assessment, submitter, attested())


def test_a_centre_without_a_release_says_once_when_its_first_comes(app: Flask) -> None:
    with app.app_context():
        db.session.add(Centre(name="新设服务中心"))
        db.session.commit()
    centre_id, client = reviewer_of(app, "新设服务中心", "first-reviewer@example.com")
    page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    assert page.count("尚无发布") == 1
    assert re.search(r"尚无发布：第一次发布将于 \d{4}年\d{1,2}月\d{1,2}日 计算。", page)
    assert "导出" not in page and 'class="flash flash-warning"' in page
