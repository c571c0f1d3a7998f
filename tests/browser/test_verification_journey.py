"""Evidence, attestation and verification in the browser, in Chinese and in English: a
manager adds evidence to two answers and submits with the attestation; the consultant
opens the evidence, verifies one answer and adjusts another; the manager sees both
scores and the adjusted answer's note, and the PDF says the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maturity.extensions import db
from maturity.models import Membership, MembershipRole, Organisation, User
from maturity.services import assessments as service
from tests.browser.conftest import LiveServer, pdf_text
from tests.helpers import PASSWORD, current_questionnaire, fill_round, make_organisation, make_user
from tests.mailbox import Mailbox

pytestmark = pytest.mark.slow

QUESTIONNAIRE = current_questionnaire()
FIRST, SECOND = QUESTIONNAIRE.questions[0], QUESTIONNAIRE.questions[1]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

WORDS = {
    "zh": {
        "saved": "证据文件已保存",
        "submit": "提交评估",
        "partly": "部分核验",
        "attested": "作出真实性承诺",
        "pdf_status": "部分核验",
        "pdf_adjusted": "核验员调整为",
    },
    "en": {
        "saved": "The evidence file is saved.",
        "submit": "Submit the assessment",
        "partly": "Partly verified",
        "attested": "Attested as true by",
        "pdf_status": "Partlyverified",
        "pdf_adjusted": "Adjustedbytheverifierto",
    },
}


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()


def a_draft_with_every_answer(live: LiveServer, language: str) -> tuple[int, int]:
    app = live.app
    owner = make_user(app, "manager@example.com", "王经理", language)
    consultant = make_user(app, "consultant@example.com", "李顾问", language)
    organisation = make_organisation(app, owner, name="核验测试机械有限公司")
    with app.app_context():
        db.session.add(
            Membership(
                user_id=consultant, organisation_id=organisation, role=MembershipRole.CONSULTANT
            )
        )
        db.session.commit()
        draft = service.start_or_resume(
            db.session.get(Organisation, organisation), db.session.get(User, owner)
        )
        fill_round(draft.id, owner, 3)
        return organisation, draft.id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_evidence_attestation_and_verification(
    browser: Any, live: LiveServer, tmp_path: Path, mailbox: Mailbox, language: str
) -> None:
    words = WORDS[language]
    base = live.url
    _organisation, round_id = a_draft_with_every_answer(live, language)
    manager = browser.new_context(accept_downloads=True).new_page()
    log_in(manager, base, "manager@example.com")

    # Evidence beside two answers of the first dimension.
    manager.goto(f"{base}/assessments/{round_id}/dimensions/{FIRST.dimension_id}")
    for question, name, data in ((FIRST, "制度.pdf", PDF), (SECOND, "screen.png", PNG)):
        manager.goto(f"{base}/assessments/{round_id}/dimensions/{question.dimension_id}")
        manager.locator(f"#evidence-input-{question.id}").set_input_files(
            {"name": name, "mimeType": "application/octet-stream", "buffer": data}
        )
        manager.locator(f'button[form="evidence-form-{question.id}"]').click()
        assert words["saved"] in manager.content()
        assert name in manager.locator(f"#evidence-{question.id}").inner_text()

    # Submitted with the attestation: the role, and the box ticked.
    manager.goto(f"{base}/assessments/{round_id}/submit")
    manager.locator('input[name="role"]').fill("总经理" if language == "zh" else "General manager")
    manager.locator('input[name="confirm"]').check()
    manager.get_by_role("button", name=words["submit"]).click()
    assert words["attested"] in manager.locator("#verification").inner_text()

    # The consultant opens the evidence and records two findings, then completes.
    consultant = browser.new_context(accept_downloads=True).new_page()
    log_in(consultant, base, "consultant@example.com")
    consultant.goto(f"{base}/assessments/{round_id}/verify")
    with consultant.expect_download() as downloaded:
        consultant.locator(f"#q-{FIRST.id} ul.files a").click()
    assert Path(downloaded.value.path()).read_bytes() == PDF
    consultant.locator(f'select[name="outcome-{FIRST.id}"]').select_option("verified")
    consultant.locator(f'select[name="outcome-{SECOND.id}"]').select_option("adjusted")
    consultant.locator(f'select[name="adjusted-{SECOND.id}"]').select_option("1")
    consultant.locator(f'select[name="method-{SECOND.id}"]').select_option("on_site")
    consultant.locator(f'input[name="day-{SECOND.id}"]').fill("2026-11-30")
    consultant.locator(f'textarea[name="note-{SECOND.id}"]').fill("现场只见纸质记录")
    consultant.locator("#findings button[type=submit]").click()
    consultant.locator('form[action$="/verify/complete"] button[type=submit]').click()
    assert words["partly"] in consultant.content()
    assert mailbox.wait_for("manager@example.com")

    # The manager sees both scores and the adjusted answer with its note.
    manager.goto(f"{base}/assessments/{round_id}/results")
    shown = manager.locator("#verification")
    assert words["partly"] in shown.inner_text()
    declared = float(shown.locator("[data-declared-index]").inner_text())
    verified = float(shown.locator("[data-verified-index]").inner_text())
    assert declared == 60.0 and verified < declared
    assert "现场只见纸质记录" in shown.locator(f'[data-adjusted="{SECOND.id}"]').inner_text()

    # The report says the same.
    text = pdf_text(manager, f"{base}/assessments/{round_id}/report.pdf?lang={language}", tmp_path)
    assert words["pdf_status"] in text and words["pdf_adjusted"] in text
    # The appendix's note column wraps beside the "answered by" column, whose name
    # pdftotext reads into the middle of the note's lines.
    assert "现场只见纸质记录" in text.replace("王经理", "") and (
        "总经理" in text or "Generalmanager" in text
    )
