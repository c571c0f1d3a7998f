"""The PDF report as a reader sees it: text, fonts, resources, cache, downloads, batches."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from maturity.core.applicability import applicability
from maturity.extensions import db
from maturity.models import (
    Assessment,
    Finding,
)
from maturity.reports.pdf import StaticFilesOnly, html_to_pdf
from maturity.reports.render import cached_pdf, render_pdf
from maturity.services.reports import load_report_data
from maturity.storage import report_cache
from tests.helpers import in_a_fresh_process
from tests.reports.conftest import HOSTILE_NAME, PROCESS_PROFILE, QUESTIONNAIRE

pytestmark = pytest.mark.slow


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_text_of_page(path: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def squeeze(text: str) -> str:
    """pdftotext breaks lines where the page does: compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def page_fill(pdf_path: Path) -> list[float]:
    """How far down each page the content reaches, 0 to 1 of the space between the
    running header and the page number (pages drawn by pdftoppm, as a reader sees them)."""
    from PIL import Image

    prefix = pdf_path.with_name("fill")
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-png", str(pdf_path), str(prefix)], check=True
    )
    fills = []
    for page in sorted(pdf_path.parent.glob("fill-*.png")):
        image = Image.open(page).convert("L")
        width, height = image.size
        mm = height / 297
        top, bottom = int(22 * mm), int(height - 18 * mm)
        pixels = image.load()
        assert pixels is not None
        last = next(
            (
                y
                for y in range(bottom - 1, top, -1)
                if any(pixels[x, y] < 200 for x in range(int(15 * mm), int(width - 15 * mm)))  # type: ignore[operator]
            ),
            top,
        )
        fills.append((last - top) / (bottom - top))
    return fills


def pdf_fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return [line.split() for line in lines]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_report_text_fonts_and_escaping(
    app: Flask, reported: dict[str, int], tmp_path: Path, language: str, caplog: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    with app.app_context():
        data = load_report_data(reported["second"], language)
        pdf = render_pdf(data)
    text = pdf_text(pdf, tmp_path)
    flat = squeeze(text)
    assert squeeze(HOSTILE_NAME) in flat  # user text is printed as text, never interpreted
    assert squeeze("<b>王经理</b>") in flat and squeeze("备注 <i>不是标签</i>") in flat
    for dimension in QUESTIONNAIRE.dimensions:
        assert squeeze(dimension.label.get(language)) in flat
    for level in QUESTIONNAIRE.levels:
        assert squeeze(level.label.get(language)) in flat
    for step in data.evaluation.roadmap.steps:
        wording = QUESTIONNAIRE.question(step.question_id).wording("process")
        assert squeeze(wording.title.get(language)) in flat
    # The profile, its reason for the question it rules out, and the outcome trend.
    reason = applicability(QUESTIONNAIRE, PROCESS_PROFILE).reason("pd_mass_customisation")
    assert reason is not None and squeeze(reason.get(language)) in flat
    # Only the figures given appear: on-time delivery up 8.5 points, inventory down 15 days.
    on_time, inventory = (
        squeeze(
            f"{item.label.get(language)}（{item.unit.get(language)}）"
            if language == "zh"
            else f"{item.label.get(language)}({item.unit.get(language)})"
        )
        for item in map(QUESTIONNAIRE.outcome, ("on_time_delivery", "inventory_days"))
    )
    assert f"{on_time}82.591.0+8.5{inventory}4530-15" in flat
    yield_item = QUESTIONNAIRE.outcome("first_pass_yield")
    unit = {"zh": "（%）", "en": "(%)"}[language]
    assert squeeze(yield_item.label.get(language)) + unit not in flat  # no row for it
    expected = {
        "zh": [
            "目录",
            "摘要",
            "改进路线图",
            "与第 1 轮相比的进展",
            "附录：全部答案",
            "顾问意见：优先推进数据治理。",
            "企业概况",
            "经营成效",
            "第 2 阶段：第 6–18 个月",
        ],
        "en": [
            "Contents",
            "Executive summary",
            "Improvement roadmap",
            "Progress since round 1",
            "Appendix: every answer",
            "Phase 2: months 6–18",
            "About the firm",
            "Business results",
        ],
    }[language]
    for phrase in expected:
        assert squeeze(phrase) in flat, phrase
    assert f"{data.evaluation.scores.overall_index:.1f}" in flat
    pages = int(
        subprocess.run(
            ["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True
        )
        .stdout.split("Pages:")[1]
        .split()[0]
    )
    assert pages >= 10
    assert f"{pages}/{pages}" in flat  # page numbers "n / total"
    # Sections flow: apart from the cover and the last page, every page is at least a
    # third full; the contents share the summary's page.
    fills = page_fill(tmp_path / "report.pdf")
    print(f"{language}: {pages} pages, filled " + " ".join(f"{f:.2f}" for f in fills))
    assert all(fill >= 1 / 3 for fill in fills[1:-1]), fills
    # The contents close the summary, on its page or the next, which goes on with the
    # report: never a page of its own.
    summary_page, next_page = (
        squeeze(pdf_text_of_page(tmp_path / "report.pdf", n)) for n in (2, 3)
    )
    assert squeeze(expected[1]) in summary_page
    about_the_firm = squeeze({"zh": "企业概况", "en": "About the firm"}[language])
    assert squeeze(expected[0]) in summary_page or (
        squeeze(expected[0]) in next_page and about_the_firm in next_page
    )
    # Each entry of the contents gives the page its section starts on (read with the
    # spaces of the layout: the contents may close a page, above its page number).
    contents = "".join(pdf_text_of_page(tmp_path / "report.pdf", n) for n in (2, 3))
    for section in (expected[2], expected[4], {"zh": "方法说明", "en": "Method"}[language]):
        words = r"\s*".join(map(re.escape, squeeze(section)))
        found = re.search(words + r"\s+(\d+)", contents)
        assert found, section
        starts_on = int(found.group(1))
        assert squeeze(section) in squeeze(pdf_text_of_page(tmp_path / "report.pdf", starts_on))
        if starts_on > 4:  # not the page of the contents themselves
            before = squeeze(pdf_text_of_page(tmp_path / "report.pdf", starts_on - 1))
            assert squeeze(section) not in before, (section, starts_on)
    # The article and the questionnaire version are named once, in the method section.
    for question in QUESTIONNAIRE.questions:
        for cited in (
            f"(article section {question.article_ref})",
            f"（文章第 {question.article_ref} 节）",
        ):
            assert squeeze(cited) not in flat
    assert text.count(QUESTIONNAIRE.version) == 1
    if language == "zh":  # Chinese punctuation in Chinese text
        assert not re.search(r"[\u4e00-\u9fff][:,;]", text), re.findall(
            r".{8}[\u4e00-\u9fff][:,;].{8}", text
        )
    fonts = pdf_fonts(pdf, tmp_path)
    families = {row[0].split("+", 1)[1].split("-Bold")[0].split("-Regular")[0] for row in fonts}
    if language == "zh":  # the cut-down CJK font covers all of it
        assert families == {"Report-CJK"}, families
    else:  # a Latin font, and the CJK one only for the Chinese characters in names and notes
        assert "Liberation-Sans" in families, families
        assert families <= {"Liberation-Sans", "Report-CJK"}, families
    assert all(len(row[0].split("+")[0]) == 6 for row in fonts)  # subset prefix
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in fonts)  # embedded, subset, unicode
    messages = [record.getMessage() for record in caplog.records]
    assert not any("fontTools" in message for message in messages), messages
    assert not any("Failed to load" in message or "refused" in message for message in messages), (
        messages
    )


def test_a_character_beyond_the_cut_down_font_prints_from_the_full_one(tmp_path: Path) -> None:
    from maturity.reports import fonts

    assert fonts.available(), "run ./dev (python -m maturity.reports.fonts) first"
    assert ord("堃") not in fonts.characters()  # a name character outside GB 2312
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="report.css">'
        f"<style>{fonts.font_faces()}</style></head><body><p>王堃的报告</p></body></html>"
    )
    pdf = html_to_pdf(html)
    assert "王堃的报告" in squeeze(pdf_text(pdf, tmp_path))
    families = {row[0].split("+", 1)[1] for row in pdf_fonts(pdf, tmp_path)}
    assert families == {"Report-CJK", "Noto-Sans-CJK-SC"}, families


def test_a_process_freezes_what_lives_before_its_first_render_only(tmp_path: Path) -> None:
    """The objects a process holds before it first renders (modules, app) are frozen
    out of the collector's passes; a render's own objects never are, so the cyclic
    garbage of every later report is still collected."""
    script = (
        "import gc, weakref\n"
        "from maturity import create_app\n"
        "app = create_app()\n"
        "from maturity.reports.pdf import html_to_pdf\n"
        "before = gc.get_freeze_count()\n"
        "html = '<p>报告</p>'\n"
        "assert html_to_pdf(html).startswith(b'%PDF')\n"
        "first = gc.get_freeze_count()\n"
        "class Node: pass\n"
        "node = Node()\n"
        "node.itself = node  # cyclic garbage made after the first render\n"
        "alive = weakref.ref(node)\n"
        "del node\n"
        "assert html_to_pdf(html).startswith(b'%PDF')\n"
        "gc.collect()\n"
        "print(before, first > 10_000, gc.get_freeze_count() == first, alive() is None)\n"
    )
    assert in_a_fresh_process(script, tmp_path).split() == ["0", "True", "True", "True"]


def test_url_fetcher_serves_only_report_static_files(tmp_path: Path, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="weasyprint")
    fetcher = StaticFilesOnly()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG")
    html = (
        '<html><body><img src="logo.svg"><img src="http://example.com/track.png">'
        f'<img src="{secret.as_uri()}"><img src="../../../../../../../../../../etc/passwd">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></body></html>'
    )
    from weasyprint import HTML

    from maturity.reports.pdf import base_url

    HTML(string=html, base_url=base_url(), url_fetcher=fetcher).write_pdf()
    assert sorted(fetcher.refused) == sorted([
        "http://example.com/track.png", secret.as_uri(),
        "file:///etc/passwd", "https://cdn.example.com/x.css",
    ])  # fmt: skip
    assert html_to_pdf("<p>ok</p>").startswith(b"%PDF")


def test_report_data_needs_at_most_20_queries(
    app: Flask, reported: dict[str, int], count_queries: Any
) -> None:
    with app.app_context():
        start = count_queries.count
        load_report_data(reported["second"], "zh")
        used = count_queries.count - start
    print(f"queries to build one report: {used}")
    assert used <= 20


def test_pdf_is_cached_until_something_in_it_changes(app: Flask, reported: dict[str, int]) -> None:
    with app.app_context():
        started = time.perf_counter()
        path, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        fresh = time.perf_counter() - started
        with report_cache().open(path) as stored:
            assert not cached and stored.read().startswith(b"%PDF")
        started = time.perf_counter()
        again, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        served = time.perf_counter() - started
        assert cached and again == path
        print(f"fresh {fresh:.3f}s, cached {served:.4f}s")
        english, cached = cached_pdf(load_report_data(reported["second"], "en"), reported["second"])
        assert not cached and english != path
        finding = db.session.scalars(select(Finding)).one()
        finding.text = "改过的意见"
        db.session.commit()
        changed, cached = cached_pdf(load_report_data(reported["second"], "zh"), reported["second"])
        assert not cached and changed != path


def test_renderer_version_follows_a_changed_stylesheet(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version is remembered per process, keyed on the files' sizes and times: a
    stylesheet edited in place (same size) still gives a new version, so cached PDFs
    made with the old one are not served."""
    from maturity.reports import render
    from maturity.reports.resources import REPORT_STATIC

    static = tmp_path / "static"
    static.mkdir()
    for source in REPORT_STATIC.glob("*"):
        if source.is_file():
            (static / source.name).write_bytes(source.read_bytes())
    (static / "fonts").mkdir()  # a folder among the files is not read
    monkeypatch.setattr(render, "REPORT_STATIC", static)
    stylesheet = static / "report.css"
    with app.app_context():
        first = render.renderer_version()
        assert render.renderer_version() == first
        css = stylesheet.read_text()
        stylesheet.write_text(css.replace("a", "b", 1))  # same size, other content
        time.sleep(0.01)
        stylesheet.touch()
        changed = render.renderer_version()
        assert changed != first and render.renderer_version() == changed
        stylesheet.write_text(css)
        stylesheet.touch()
        assert render.renderer_version() == first


def test_report_command_for_an_assessment_and_offline(
    app: Flask, reported: dict[str, int], tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    target = tmp_path / "cli.pdf"
    result = runner.invoke(
        args=[
            "report",
            "pdf",
            "--assessment",
            str(reported["second"]),
            "--lang",
            "en",
            "-o",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Executive summary" in pdf_text(target.read_bytes(), tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"answers": {q.id: 3 for q in QUESTIONNAIRE.questions}, "goals": ["cut_costs"]}),
        encoding="utf-8",
    )
    offline = tmp_path / "offline.pdf"
    result = runner.invoke(
        args=[
            "report",
            "pdf",
            "--questionnaire",
            f"sme-digital@{QUESTIONNAIRE.version}",
            "--answers",
            str(answers),
            "--organisation-name",
            "离线示例公司",
            "--lang",
            "zh",
            "-o",
            str(offline),
        ]
    )
    assert result.exit_code == 0, result.output
    text = squeeze(pdf_text(offline.read_bytes(), tmp_path))
    assert "离线示例公司" in text and "60.0" in text and "无同行对标" in text
    bad = runner.invoke(
        args=["report", "pdf", "--questionnaire", "sme-digital", "-o", str(offline)]
    )
    assert bad.exit_code == 2 and "--answers" in bad.output
    missing = runner.invoke(args=["report", "pdf", "--assessment", "999999", "-o", str(offline)])
    assert missing.exit_code == 2 and "not submitted" in missing.output
    draft = runner.invoke(args=["report", "pdf", "--assessment", "0", "-o", str(offline)])
    assert draft.exit_code == 2
    with app.app_context():
        assert (
            db.session.scalar(select(Assessment).where(Assessment.id == reported["second"]))
            is not None
        )


def test_a_long_peer_label_stays_inside_its_row(app: Flask) -> None:
    """The label floats beside the bar: a label of two lines must push the row's
    bottom down, not run into the next row."""
    from flask import render_template_string
    from flask_babel import force_locale
    from weasyprint import HTML

    from maturity.core.releases.reading import Standing
    from maturity.reports.pdf import base_url

    standing = Standing(3, (30.0, 50.0, 60.0))
    with app.test_request_context(), force_locale("en"):
        rows = render_template_string(
            '{% import "reports/_benchmark.html" as peers %}<ul class="peer-rows">'
            '{{ peers.row("Digital foundations and safeguards", 50.0, standing, 10) }}'
            '{{ peers.row("Overall", 44.2, standing, 10) }}</ul>',
            standing=standing,
        )
    html = f'<html lang="en"><head><link rel="stylesheet" href="report.css"></head><body>{rows}</body></html>'
    page = HTML(string=html, base_url=base_url(), url_fetcher=StaticFilesOnly()).render().pages[0]

    def boxes(box: Any) -> list[Any]:
        children = getattr(box, "children", [])
        return [box] + [found for child in children for found in boxes(child)]

    def of_class(root: Any, name: str) -> list[Any]:
        """The outermost box of each element of that class (line and text boxes
        inside it share its element)."""
        found: dict[int, Any] = {}
        for box in boxes(root):
            if box.element is not None and name in (box.element.get("class") or "").split():
                found.setdefault(id(box.element), box)
        return list(found.values())

    first, second = of_class(page._page_box, "peer-row")
    (label,) = of_class(first, "peer-label")
    assert label.height > 20  # two lines at 9.5 pt
    first_bottom = first.position_y + first.margin_height()
    assert label.position_y + label.margin_height() <= first_bottom + 0.01
    assert second.position_y >= first_bottom - 0.01
