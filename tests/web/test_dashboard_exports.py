"""A dashboard export says what it holds (centre, release and period, filters in
words, day, methodology address) in zh and en; its breakdowns end with the
release's own total; every withheld figure has its reason; the filter lists offer
only values the release holds; changes are coloured by the figure's direction."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, render_template_string
from flask_babel import force_locale
from openpyxl import load_workbook

from maturity.core import reference
from maturity.extensions import db
from maturity.reports.tables import Table, build_tables
from maturity.services import dashboard
from maturity.web.dates import date_in_words
from tests.web.dashboards import LAST_YEAR
from tests.web.test_dashboard import QUESTIONNAIRE, make_org, parse_csv, stored_tables

METHODOLOGY = "http://localhost/centres/methodology"
LABELS = {
    "zh": {
        "centre": "服务中心：",
        "filters": "筛选条件：",
        "none": "筛选条件：无",
        "revision": "第 1 版",
    },
    "en": {
        "centre": "Centre: ",
        "filters": "Filters: ",
        "none": "Filters: none",
        "revision": "revision 1",
    },
}
FILTER_NAMES = {"zh": ("行业门类", "规模类型"), "en": ("Industry section", "Size class")}


def csv_facts(text: str) -> list[str]:
    return parse_csv(text)[0]


def xlsx_facts(data: bytes) -> list[str]:
    """The rows of the sheet above its first blank row, one cell each."""
    facts = []
    for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True):
        cells = [c for c in row if c is not None]
        if not cells:
            break
        assert len(cells) == 1, row
        facts.append(str(cells[0]))
    return facts


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text layer without any whitespace (pdftotext breaks long lines)."""
    path = tmp_path / "dashboard.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", "", text)


def long_date(app: Flask, locale: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return date_in_words(date.today(), "long")  # "6 December 2026", "2026年12月6日"


def in_words(locale: str) -> tuple[str, str]:
    return (
        reference.industries()["C"].name(locale),
        reference.size_class_label("small", locale),
    )


def test_every_export_states_centre_release_filters_day_and_method_in_zh_and_en(
    app: Flask, synthetic: dict[str, Any], tmp_path: Path
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    base = f"/centres/{centre_id}/dashboard"
    for locale in ("zh", "en"):
        client.get(f"/lang/{locale}")
        labels, day = LABELS[locale], long_date(app, locale)
        section, size = in_words(locale)
        filtered = {
            "csv": csv_facts(client.get(base + ".csv?section=C&size=small").get_data(as_text=True)),
            "xlsx": xlsx_facts(client.get(base + ".xlsx?section=C&size=small").data),
        }
        assert filtered["csv"] == filtered["xlsx"]
        facts = filtered["csv"]
        assert facts[0] == labels["centre"] + "甲中心"
        release = next(line for line in facts if labels["revision"] in line)
        assert str(LAST_YEAR.first.year) in release
        (chosen,) = [line for line in facts if line.startswith(labels["filters"])]
        for word in (*FILTER_NAMES[locale], section, size):
            assert word in chosen, (word, chosen)
        assert any(day in line for line in facts), (day, facts)
        assert facts[-1].endswith(METHODOLOGY)
        assert QUESTIONNAIRE.version in " ".join(facts)
        # Without a filter, the exports say so.
        plain = csv_facts(client.get(base + ".csv").get_data(as_text=True))
        assert labels["none"] in plain
        # The PDF states the same facts above its tables, with the address as a link.
        response = client.get(base + ".pdf?section=C&size=small")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        text = pdf_text(response.data, tmp_path)
        for fact in facts:
            assert re.sub(r"\s+", "", fact) in text, (fact, text[:600])
    # The print page the PDF is made from links the address.
    from maturity.centres import exports
    from maturity.models import Centre

    with app.test_request_context(), force_locale("en"):
        view = dashboard.centre_dashboard(centre_id, {"section": "C"}, date.today())
        centre = db.session.get(Centre, centre_id)
        assert centre is not None
        header = exports.export_header(centre, view, "en", date.today())
        html = exports.print_html(centre, view, build_tables(view, "en"), header, "en")
    assert f'<a href="{METHODOLOGY}">{METHODOLOGY}</a>' in html
    assert "<h1" in html and "Dashboard · 甲中心</h1>" in html


def test_a_breakdown_ends_with_the_releases_own_total(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    headline = stored_tables(app, centre_id).headline
    total = [str(headline.count), str(round(headline.mean or 0, 1))]
    _facts, tables = parse_csv(
        client.get(f"/centres/{centre_id}/dashboard.csv").get_data(as_text=True)
    )
    breakdowns = ["按行业门类", "按企业规模", "按省份", "按城市", "按行业门类与企业规模"]
    drawn = [title for title in breakdowns if len(tables[title]) > 1]
    assert len(drawn) >= 3  # the rest: no group of k organisations, one sentence says so
    for title in drawn:
        rows = [row for row in tables[title][1:] if len(row) == 3]
        assert rows[-1] == ["合计", *total], (title, rows)
        notes = [row[0] for row in tables[title][1:] if len(row) == 1]
        assert any(note.startswith("“合计”") for note in notes), notes
    # A filtered export sets its group beside the figure of all the organisations.
    client.get("/lang/en")
    _facts, one = parse_csv(
        client.get(f"/centres/{centre_id}/dashboard.csv?section=C").get_data(as_text=True)
    )
    (rows,) = one.values()
    assert rows[2] == ["Total", *total]


def test_every_withheld_figure_says_why(app: Flask, synthetic: dict[str, Any]) -> None:
    for client, centre_id in (
        (synthetic["client_a"], synthetic["a"]),
        (synthetic["client_b"], synthetic["b"]),
    ):
        for locale, marks in (("zh", ("不显示", "少于 10")), ("en", ("hidden", "fewer than 10"))):
            client.get(f"/lang/{locale}")
            _facts, tables = parse_csv(
                client.get(f"/centres/{centre_id}/dashboard.csv").get_data(as_text=True)
            )
            page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
            seen = set()
            for rows in tables.values():
                cells = {cell for row in rows[1:] if len(row) > 1 for cell in row[1:]}
                notes = [row[0] for row in rows[1:] if len(row) == 1]
                for mark in marks:
                    if mark in cells:
                        seen.add(mark)
                        (reason,) = [n for n in notes if n.startswith(f"“{mark}”")]
                        assert len(reason) > len(mark) + 10, reason
                        assert reason.replace("'", "&#39;") in page, reason
            # About 110 organisations publish no quartiles: "hidden" is always there.
            assert marks[0] in seen


def test_the_filter_lists_offer_only_values_the_release_holds(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    client, centre_id = synthetic["client_a"], synthetic["a"]
    tables = stored_tables(app, centre_id)

    def codes(by: str) -> set[str]:
        return {code for code, cell in tables.breakdown(by).cells if cell.count is not None}

    pairs = [code.split("/") for code in codes("section_size")]
    expected = {
        "section": codes("section") | {section for section, _size in pairs},
        "size": codes("size") | {size for _section, size in pairs},
        "province": codes("province"),
        "city": codes("city") - {""},
    }

    def offered(page: str, name: str) -> list[str]:
        select = re.search(rf'<select id="f-{name}" name="{name}">(.*?)</select>', page, re.S)
        assert select is not None, name
        return [v for v in re.findall(r'<option value="([^"]*)"', select.group(1)) if v]

    page = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    for name, values in expected.items():
        assert set(offered(page, name)) == values, name
    assert len(offered(page, "section")) < len(reference.sections())
    # In reference order; a value chosen stays offered, even where its group is too small.
    order = [s.code for s in reference.sections()]
    assert offered(page, "section") == sorted(expected["section"], key=order.index)
    absent = next(s.code for s in reference.sections() if s.code not in expected["section"])
    chosen = client.get(f"/centres/{centre_id}/dashboard?section={absent}").get_data(as_text=True)
    assert absent in offered(chosen, "section")
    assert f'<option value="{absent}" selected>' in chosen


def test_outcome_changes_are_coloured_by_the_figures_direction(
    app: Flask, synthetic: dict[str, Any]
) -> None:
    # The outcomes of the questionnaire declare which way is better; the table carries it.
    with app.test_request_context(), force_locale("en"):
        view = dashboard.centre_dashboard(synthetic["a"], {}, date.today())
        outcomes = next(t for t in build_tables(view, "en") if t.key == "outcomes")
    declared = {item.label.en: item.better for item in QUESTIONNAIRE.outcomes}
    assert {"higher", "lower"} <= set(declared.values())
    for row, better in zip(outcomes.rows, outcomes.better, strict=True):
        assert declared[str(row[0])] == better
        assert row[2] == f"{better} is better"
    # A cost falling is good, a revenue rising is good; the contrary bad; none neither.
    table = Table(
        "outcomes",
        "Change of business results between rounds",
        ["Figure", "Unit", "Which way is better", "Organisations", "Mean change"],
        [
            ["Cost per 100 CNY of revenue", "CNY", "lower is better", 120, -2.5],
            ["Revenue per employee", "10,000 CNY", "higher is better", 120, 3.0],
            ["Cost per 100 CNY of revenue", "CNY", "lower is better", 120, 1.5],
            ["Revenue per employee", "10,000 CNY", "higher is better", 120, -0.5],
            ["On-time delivery", "%", "higher is better", "fewer than 10", None],
        ],
        signed=frozenset({4}),
        better=("lower", "higher", "lower", "higher", "higher"),
    )
    assert [table.tone(row, 4) for row in range(5)] == ["good", "good", "bad", "bad", None]
    assert table.tone(0, 3) is None  # a count is no change
    with app.test_request_context(), force_locale("en"):
        html = render_template_string(
            '{% from "centres/_table.html" import data_table %}{{ data_table(table) }}',
            table=table,
        )
    tones = re.findall(
        r'<td class="num ?(up|down)?"(?: data-tone="(good|bad)")?>([^<]*)</td>', html
    )
    changes = [(cls, tone, text) for cls, tone, text in tones if text.startswith(("+", "-"))]
    assert changes == [
        ("up", "good", "-2.5"),
        ("up", "good", "+3.0"),
        ("down", "bad", "+1.5"),
        ("down", "bad", "-0.5"),
    ]
    # The spreadsheet colours them the same way.
    from maturity.centres.exports import BAD_COLOUR, GOOD_COLOUR, to_xlsx

    sheet = load_workbook(io.BytesIO(to_xlsx([table], ["Centre: 甲中心"]))).active
    colours = [
        sheet.cell(row=row, column=5).font.color.rgb[-6:]
        for row in range(5, 9)  # header, blank, title, columns, then the rows
    ]
    assert colours == [GOOD_COLOUR, GOOD_COLOUR, BAD_COLOUR, BAD_COLOUR]


def test_a_filtered_page_is_read_from_the_release(app: Flask, synthetic: dict[str, Any]) -> None:
    """The choices come from the stored release: a new organisation in a section the
    release does not hold changes nothing until the next release."""
    client, centre_id = synthetic["client_a"], synthetic["a"]
    before = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    make_org(app, centre_id, "01", 20, 500, 3, 998)  # section A, agriculture
    after = client.get(f"/centres/{centre_id}/dashboard").get_data(as_text=True)
    section = re.compile(r'<select id="f-section".*?</select>', re.S)
    found_before, found_after = section.search(before), section.search(after)
    assert found_before is not None and found_after is not None
    assert found_before.group(0) == found_after.group(0)


def test_the_change_columns_state_their_baseline_on_the_page_and_in_every_export(
    app: Flask, synthetic: dict[str, Any], tmp_path: Path
) -> None:
    """Every change of a release is an organisation's latest round of the period
    against its own previous round: the headings say so, and the notes say which
    organisations each row counts, wherever the tables are shown."""
    client, centre_id = synthetic["client_a"], synthetic["a"]
    base = f"/centres/{centre_id}/dashboard"
    headings = {
        "progress": "Mean change of score since the previous round",
        "outcomes": "Mean change since the previous round",
    }
    notes = {
        "progress": "Overall: only where that round was on the same questionnaire version.",
        "outcomes": "Only organisations that gave the figure in both rounds count",
    }
    for locale in ("en", "zh"):
        client.get(f"/lang/{locale}")
        with app.test_request_context(), force_locale(locale):
            view = dashboard.centre_dashboard(centre_id, {}, date.today())
            tables = {t.key: t for t in build_tables(view, locale) if t.key in headings}
        assert set(tables) == set(headings)
        page = client.get(base).get_data(as_text=True)
        _facts, csv_tables = parse_csv(client.get(base + ".csv").get_data(as_text=True))
        sheet = [
            [c for c in row if c is not None]
            for row in load_workbook(io.BytesIO(client.get(base + ".xlsx").data)).active.iter_rows(
                values_only=True
            )
        ]
        pdf = pdf_text(client.get(base + ".pdf").data, tmp_path)
        for key, table in tables.items():
            if table.withheld is not None:  # not drawn: why, in its place, everywhere
                assert table.withheld.replace("'", "&#39;") in page
                assert csv_tables[table.title] == [[table.withheld]]
                assert [table.withheld] in sheet
                assert re.sub(r"\s+", "", table.withheld) in pdf
                continue
            heading, note = table.columns[-1], table.notes[0]
            if locale == "en":
                assert heading == headings[key] and notes[key] in note
            assert f'<th scope="col">{heading}</th>' in page
            assert note.replace("'", "&#39;") in page
            assert csv_tables[table.title][0][-1] == heading
            assert [note] in csv_tables[table.title]
            assert table.columns in sheet and [note] in sheet
            assert re.sub(r"\s+", "", note) in pdf
