"""A dashboard table with no publishable row is not drawn: one sentence says why in
its place, on the page and in every export; the release's total has one name; export
files are named after what they hold; the filters speak the reader's language; the
sheet's columns have widths and its scores one decimal."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import force_locale
from openpyxl import load_workbook

from maturity.centres.routes import version_labels
from maturity.reports.tables import Table, build_tables
from maturity.reports.words import withheld_reason
from maturity.services import dashboard
from tests.web.dashboards import LAST_YEAR
from tests.web.test_dashboard import QUESTIONNAIRE, parse_csv
from tests.web.test_dashboard_exports import pdf_text


def tables_of(app: Flask, centre_id: int, args: dict[str, str], locale: str) -> list[Table]:
    with app.test_request_context(), force_locale(locale):
        view = dashboard.centre_dashboard(centre_id, args, date.today())
        return build_tables(view, locale)


def sheet_rows(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def test_a_table_with_no_publishable_row_says_why_instead_on_the_page_and_in_every_export(
    app: Flask, synthetic: dict[str, Any], tmp_path: Path
) -> None:
    # Centre B (about 40 organisations): under k micro organisations, and no city
    # with k organisations of its own.
    client, centre_id = synthetic["client_b"], synthetic["b"]
    client.get("/lang/en")
    for query, args, key in (("?size=micro", {"size": "micro"}, "cell"), ("", {}, "city")):
        table = next(t for t in tables_of(app, centre_id, args, "en") if t.key == key)
        assert table.withheld is not None, table
        assert "too few organisations" in table.withheld and "at least 10" in table.withheld
        if args:
            assert "no filter shows more" in table.withheld
        base = f"/centres/{centre_id}/dashboard"
        page = client.get(base + query).get_data(as_text=True)
        assert f'<p class="table-withheld" data-table="{key}" data-withheld>' in page
        assert table.withheld.replace("'", "&#39;") in page
        assert f'<table class="table" data-table="{key}"' not in page
        _facts, csv_tables = parse_csv(client.get(base + ".csv" + query).get_data(as_text=True))
        assert csv_tables[table.title] == [[table.withheld]]  # no header row, no rows
        rows = sheet_rows(client.get(base + ".xlsx" + query).data)
        at = rows.index([table.title])
        assert rows[at + 1] == [table.withheld]
        assert rows[at + 2 : at + 3] in ([], [[]])  # a blank row, or the sheet's end
        pdf = pdf_text(client.get(base + ".pdf" + query).data, tmp_path)
        assert re.sub(r"\s+", "", table.withheld) in pdf
        # Nothing withheld comes back: neither the group's mark nor a count under k.
        assert "fewer than 10" not in "".join(str(c) for row in rows[at : at + 3] for c in row)


def test_a_table_with_a_publishable_row_is_drawn_as_before(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    tables = {t.key: t for t in tables_of(app, synthetic["a"], {}, "en")}
    assert tables["headline"].withheld is None and tables["scores"].withheld is None
    assert tables["section"].withheld is None and tables["section"].rows[-1][0] == "Total"
    small = tables_of(app, synthetic["a"], {"size": "small"}, "en")
    assert [t.withheld for t in small] == [None]


def test_the_sentence_says_what_would_show_more() -> None:
    assert "year's release or no filter" in withheld_reason("2026-Q3", True, 10)
    assert "year's release shows more" in withheld_reason("2026-Q3", False, 10)
    assert "no filter shows more" in withheld_reason("2026", True, 10)
    assert "shows more" not in withheld_reason("2026", False, 10)


def test_the_releases_total_has_one_name_and_the_legend_explains_it(
    app: Flask, synthetic: dict[str, Any], tmp_path: Path
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    for locale, total in (("zh", "合计"), ("en", "Total")):
        client.get(f"/lang/{locale}")
        for args in ({"section": "C"}, {}):
            for table in tables_of(app, centre_id, args, locale):
                if table.key in ("cell", "section", "size", "province", "section_size"):
                    assert table.rows[-1][0] == total, table
                    assert any(note.startswith(f"“{total}”") for note in table.notes)
        _facts, one = parse_csv(
            client.get(f"/centres/{centre_id}/dashboard.csv?section=C").get_data(as_text=True)
        )
        assert next(iter(one.values()))[2][0] == total
        page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
        legend = page[page.index('<dl class="legend-list">') : page.index("</dl>")]
        assert f"<dt>{total}</dt>" in legend
        assert legend.count("<dt>") == 5 and legend.count('<span class="up">+</span>') == 1
        assert "+ / −" not in legend  # one entry for the signs, not two meanings
        pdf = pdf_text(client.get(f"/centres/{centre_id}/dashboard.pdf?section=C").data, tmp_path)
        assert total in pdf and "Allorganisations" not in pdf
        assert "全部企业，" not in pdf  # no row of that name ("全部企业" is in the note's words)


def test_an_export_is_named_after_its_period_filters_and_language(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    today = date.today().isoformat()
    with app.test_request_context():
        view = dashboard.centre_dashboard(centre_id, {}, date.today())
    # The fixture's release holds two questionnaire versions: the one shown is named too.
    assert len(view.versions) > 1 and view.version_key is not None
    version = view.version_key.replace("@", "-")
    names = set()
    for locale in ("zh", "en"):
        client.get(f"/lang/{locale}")
        for query, words in (
            ("", ""),
            ("?size=small", "-size-small"),
            ("?section=C", "-section-C"),
        ):
            for ext in ("csv", "xlsx", "pdf"):
                response = client.get(f"/centres/{centre_id}/dashboard.{ext}{query}")
                name = f"dashboard-{centre_id}-{LAST_YEAR.code}-{version}{words}-{locale}-{today}.{ext}"
                assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
                assert re.fullmatch(r"[A-Za-z0-9.-]+", name)
                names.add(name)
    assert len(names) == 18


def test_the_filters_name_the_questionnaire_and_the_section_as_the_tables_do(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    key = f"sme-digital@{QUESTIONNAIRE.version}"
    with app.test_request_context():
        assert version_labels([key, "gone@1.0.0"], "zh") == {
            key: f"{QUESTIONNAIRE.title.get('zh')} {QUESTIONNAIRE.version}",
            "gone@1.0.0": "gone@1.0.0",
        }
        assert version_labels([key], "en")[key] == (
            f"{QUESTIONNAIRE.title.get('en')} {QUESTIONNAIRE.version}"
        )
    client, centre_id = synthetic["client_a"], synthetic["a"]
    page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    assert (
        f'<option value="{key}" selected>{QUESTIONNAIRE.title.get("zh")} {QUESTIONNAIRE.version}</option>'
        in page
    )
    assert f">{key}</option>" not in page
    assert '<option value="C">制造业</option>' in page
    section = next(t for t in tables_of(app, centre_id, {}, "zh") if t.key == "section")
    assert "制造业" in [row[0] for row in section.rows]
    assert "C 制造业" not in page


def test_the_sheet_has_column_widths_one_decimal_scores_and_the_mean_overall_index(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    client.get("/lang/en")
    data = client.get(f"/centres/{centre_id}/dashboard.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows())
    titles = [i for i, row in enumerate(rows) if row[0].value == "Scores (0–100)"]
    (at,) = titles
    overall = rows[at + 2]
    assert overall[0].value == "Overall" and isinstance(overall[1].value, int)
    assert overall[1].number_format == "General"  # a count stays an integer
    assert isinstance(overall[2].value, float) and overall[2].number_format == "0.0"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    assert all(width and width >= 10 for width in widths.values()), widths
    assert widths["A"] >= 36
    # The headline holds the mean overall index the page's card shows.
    (head,) = [i for i, row in enumerate(rows) if row[0].value == "Organisations and assessments"]
    assert [c.value for c in rows[head + 1]][:3] == [
        "Organisations",
        "Assessments",
        "Mean overall index",
    ]
    assert rows[head + 2][2].number_format == "0.0"
    _facts, csv_tables = parse_csv(
        client.get(f"/centres/{centre_id}/dashboard.csv").get_data(as_text=True)
    )
    assert csv_tables["Organisations and assessments"][0][2] == "Mean overall index"
