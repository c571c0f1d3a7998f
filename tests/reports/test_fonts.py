"""The cut-down report font holds every character our own Chinese text uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from maturity.reports import fonts

ROOT = Path(__file__).resolve().parents[2]


def test_the_cut_down_font_covers_the_questionnaire_and_the_interface_in_chinese() -> None:
    ours = "".join(
        path.read_text(encoding="utf-8") for path in ROOT.glob("questionnaires/**/*.yaml")
    )
    ours += (ROOT / "maturity/translations/zh/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    covered = fonts.characters()
    missing = sorted({char for char in ours if ord(char) >= 0x20 and ord(char) not in covered})
    assert ours and not missing, missing


def test_the_font_faces_are_declared_only_when_the_fonts_are_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "FONTS", tmp_path)
    monkeypatch.setattr(fonts, "STAMP", tmp_path / "fonts.json")
    assert not fonts.available() and fonts.font_faces() == "" and fonts.stamp() == ""
    for weight in fonts.WEIGHTS:
        (tmp_path / fonts.file_name(weight)).write_bytes(b"font")
    (tmp_path / "fonts.json").write_text("{}")
    faces = fonts.font_faces()
    assert faces.count("@font-face") == 2 and "fonts/report-cjk-bold.otf" in faces
