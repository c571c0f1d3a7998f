"""Evidence beside answers, the submitter's attestation, and a verifier's review:
what a centre may rely on, and the refusals that keep it so."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.models import AnswerReview, Assessment, AuditEvent, EvidenceFile, ResultSummary
from tests.api.test_api import token_for
from tests.helpers import PASSWORD
from tests.web.world import EVIDENCE_PDF, QUESTIONNAIRE, SECRET_A, World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIRST, SECOND = (q.id for q in QUESTIONNAIRE.questions[:2])


def upload(client, assessment_id: int, question_id: str, data: bytes, name: str = "制度.pdf"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/assessments/{assessment_id}/evidence/{question_id}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def stored_files(app: Flask) -> list[str]:
    folder = Path(app.config["EVIDENCE_DIR"])
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def added_files(app: Flask, world: World) -> list[str]:
    with app.app_context():
        own = db.session.get(EvidenceFile, world.ids["evidence"])
        assert own is not None
        return [name for name in stored_files(app) if name != own.stored_name]


def evidence_rows(app: Flask, world: World) -> list[EvidenceFile]:
    """The evidence files the test added (the world has one of its own on round a1)."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(EvidenceFile)
                .where(EvidenceFile.id != world.ids["evidence"])
                .order_by(EvidenceFile.id)
            )
        )


def name_verifier(world: World, role: str) -> None:
    response = world.client("admin").post(
        f"/admin/centres/{world.ids['centre']}/staff",
        data={"email": f"{role}@example.com", "role": "verifier"},
    )
    assert response.status_code == 302


def test_evidence_is_stored_under_a_generated_name_and_served_only_as_a_download(
    app: Flask, world: World
) -> None:
    owner, a2 = world.client("owner"), world.ids["a2"]
    page = upload(owner, a2, FIRST, PDF, "安全制度.pdf").get_data(as_text=True)
    assert "证据文件已保存" in page and "安全制度.pdf" in page
    assert upload(owner, a2, SECOND, PNG, "screen.png").status_code == 200
    rows = evidence_rows(app, world)
    assert [(r.question_id, r.kind, r.size) for r in rows] == [
        (FIRST, "pdf", len(PDF)),
        (SECOND, "png", len(PNG)),
    ]
    # On disk under generated names only: nothing a user typed reaches the path.
    assert added_files(app, world) == sorted(r.stored_name for r in rows)
    assert all(name.startswith("evidence-") for name in stored_files(app))

    download = owner.get(f"/evidence/{rows[0].id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("upload_evidence") == 3  # the world's own and these two
    assert actions[-1] == "download_evidence"


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh", "无论文件名"), ("en", "whatever its name says")],
)
def test_a_file_of_another_type_renamed_pdf_is_refused_and_the_answer_kept(
    app: Flask, world: World, language: str, message: str
) -> None:
    owner, a2 = world.client("owner"), world.ids["a2"]
    owner.get(f"/lang/{language}")
    saved = owner.post(
        f"/assessments/{a2}/answers",
        json={"question_id": FIRST, "value": 3, "note": "已有制度", "revision": 0},
    )
    assert saved.status_code == 200
    page = upload(owner, a2, FIRST, b"MZ\x90\x00 an executable", "制度.pdf")
    assert message in page.get_data(as_text=True)
    assert evidence_rows(app, world) == [] and added_files(app, world) == []
    with app.app_context():
        assessment = db.session.get(Assessment, a2)
        kept = {a.question_id: (a.value, a.note) for a in assessment.answers}
    assert kept[FIRST] == (3, "已有制度")


def test_an_oversized_file_and_the_101st_megabyte_are_refused(app: Flask, world: World) -> None:
    app.config.update(EVIDENCE_FILE_MB=1, EVIDENCE_ROUND_MB=2)
    owner, a2 = world.client("owner"), world.ids["a2"]
    megabyte = PDF + b"0" * (1024 * 1024 - len(PDF))
    too_big = upload(owner, a2, FIRST, megabyte + b"0").get_data(as_text=True)
    assert "文件过大：最多 1 MB。" in too_big
    assert upload(owner, a2, FIRST, megabyte).status_code == 200
    assert upload(owner, a2, SECOND, megabyte).status_code == 200
    full = upload(owner, a2, SECOND, PDF).get_data(as_text=True)
    assert "超过 2 MB" in full
    assert len(evidence_rows(app, world)) == 2 and len(added_files(app, world)) == 2


def test_nobody_adds_evidence_to_another_organisation_s_answer(app: Flask, world: World) -> None:
    a2 = world.ids["a2"]
    for role in ("other_owner", "stranger", "reviewer"):
        response = world.client(role).post(
            f"/assessments/{a2}/evidence/{FIRST}",
            data={"file": (io.BytesIO(PDF), "x.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code in (403, 404), role
    assert evidence_rows(app, world) == []


def test_a_verifier_reads_evidence_only_while_consent_is_in_force(app: Flask, world: World) -> None:
    a1, file_id = world.ids["a1"], world.ids["evidence"]
    # The centre's reviewer sees the consenting organisation's answers, so its
    # evidence too, but is no verifier unless an administrator names them one.
    reviewer = world.client("reviewer")
    assert reviewer.get(f"/evidence/{file_id}").data == EVIDENCE_PDF
    assert reviewer.get(f"/assessments/{a1}/verify").status_code == 404
    name_verifier(world, "stranger")
    verifier = world.client("stranger")
    assert verifier.get(f"/evidence/{file_id}").data == EVIDENCE_PDF
    assert verifier.get(f"/assessments/{a1}/verify").status_code == 200
    revoked = world.client("owner").post(
        f"/organisations/{world.ids['org_a']}/centres/{world.ids['centre']}/consent",
        data={"action": "revoke"},
    )
    assert revoked.status_code == 302
    for client in (verifier, reviewer):
        assert client.get(f"/evidence/{file_id}").status_code == 404
    assert verifier.get(f"/assessments/{a1}/verify").status_code == 404


def test_submitting_needs_the_attestation_and_the_role(app: Flask, world: World) -> None:
    from tests.helpers import fill_round

    a2 = world.ids["a2"]
    with app.app_context():
        fill_round(a2, world.ids["user_owner"], 3)
    owner = world.client("owner")
    unticked = owner.post(f"/assessments/{a2}/submit", data={"role": "总经理"})
    assert unticked.status_code == 400 and "请勾选此项" in unticked.get_data(as_text=True)
    no_role = owner.post(f"/assessments/{a2}/submit", data={"confirm": "final", "role": " "})
    assert no_role.status_code == 400 and "请填写您在企业的职务" in no_role.get_data(as_text=True)
    done = owner.post(f"/assessments/{a2}/submit", data={"confirm": "final", "role": "总经理"})
    assert done.status_code == 302
    results = owner.get(f"/assessments/{a2}/results").get_data(as_text=True)
    assert "owner（总经理）" in results or "owner (总经理)" in results


def test_a_consultant_verifies_one_answer_and_adjusts_another(
    app: Flask, world: World, mailbox
) -> None:  # type: ignore[no-untyped-def]
    a1 = world.ids["a1"]
    consultant = world.client("consultant")
    declared_page = consultant.get(f"/assessments/{a1}/verify")
    assert declared_page.status_code == 200 and "自我声明" in declared_page.get_data(as_text=True)
    # An adjustment needs the level found and a note; nothing is saved without them.
    refused = consultant.post(
        f"/assessments/{a1}/verify",
        data={f"outcome-{SECOND}": "adjusted", f"adjusted-{SECOND}": "0", f"method-{SECOND}": "documents"},
    )  # fmt: skip
    assert refused.status_code == 400 and "请在备注中说明" in refused.get_data(as_text=True)
    saved = consultant.post(
        f"/assessments/{a1}/verify",
        data={
            f"outcome-{FIRST}": "verified", f"method-{FIRST}": "on_site", f"day-{FIRST}": "2026-11-30",
            f"outcome-{SECOND}": "adjusted", f"adjusted-{SECOND}": "0", f"method-{SECOND}": "documents",
            f"note-{SECOND}": "制度未见签发",
        },
    )  # fmt: skip
    assert saved.status_code == 302
    with app.app_context():
        reviews = {r.question_id: r for r in db.session.scalars(select(AnswerReview))}
    assert reviews[FIRST].outcome == "verified" and str(reviews[FIRST].checked_on) == "2026-11-30"
    assert reviews[SECOND].adjusted_value == 0 and reviews[SECOND].note == "制度未见签发"

    completed = consultant.post(f"/assessments/{a1}/verify/complete", data={"note": ""})
    assert completed.status_code == 302
    mail = mailbox.wait_for("owner@example.com")[0]
    assert "部分核验" in mail.text and "制度未见签发" not in mail.text

    owner_page = world.client("owner").get(f"/assessments/{a1}/results").get_data(as_text=True)
    assert "data-verified-index" in owner_page and "data-declared-index" in owner_page
    assert f'data-adjusted="{SECOND}"' in owner_page and "制度未见签发" in owner_page
    with app.app_context():
        summary = db.session.scalar(select(ResultSummary).where(ResultSummary.assessment_id == a1))
        assert summary is not None and summary.verified is False  # partly: one of many checked
        assert summary.verified_index is not None and summary.verified_index < summary.overall_index

    # A completed verification closes the round to new evidence and findings.
    closed = upload(world.client("owner"), a1, FIRST, PDF).get_data(as_text=True)
    assert "核验已完成" in closed and evidence_rows(app, world) == []

    body = (
        world.client("anonymous")
        .get(f"/api/v1/assessments/{a1}/results", headers=token_for(app, "owner"))
        .get_json()
    )
    assert body["verification"]["status"] == "partly_verified"
    assert body["verification"]["answers"][SECOND] == {
        "outcome": "adjusted", "adjusted_to": 0, "note": "制度未见签发", "method": "documents",
        "checked_on": None,
    }  # fmt: skip
    assert body["attestation"]["role"] == "总经理"

    pdf = world.client("owner").get(f"/assessments/{a1}/report.pdf?lang=zh")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    assert "真实性" in text or "承诺" in text
    assert "部分核验" in text and "制度未见签发" in text


def test_the_organisation_s_own_people_never_verify(app: Flask, world: World) -> None:
    a1 = world.ids["a1"]
    for role in ("owner", "member", "other_owner"):
        assert world.client(role).get(f"/assessments/{a1}/verify").status_code in (403, 404)
    with app.app_context():
        assert db.session.scalar(select(func.count(AnswerReview.id))) == 0


def test_deleting_the_organisation_removes_every_evidence_file(app: Flask, world: World) -> None:
    owner = world.client("owner")
    upload(owner, world.ids["a1"], FIRST, PDF)
    upload(owner, world.ids["a2"], SECOND, PNG, "截图.png")
    before = stored_files(app)
    assert len(before) == 3  # with the world's own
    deleted = owner.post(
        f"/organisations/{world.ids['org_a']}/delete", data={"name": SECRET_A, "password": PASSWORD}
    )
    assert deleted.status_code == 302
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_evidence_is_removed_by_those_who_answer_and_nobody_else(app: Flask, world: World) -> None:
    upload(world.client("owner"), world.ids["a2"], FIRST, PDF)
    row = evidence_rows(app, world)[0]
    for role in ("other_owner", "stranger", "reviewer"):
        assert world.client(role).post(f"/evidence/{row.id}/remove").status_code in (403, 404)
    assert len(added_files(app, world)) == 1
    removed = world.client("member").post(f"/evidence/{row.id}/remove", follow_redirects=True)
    assert "证据文件已删除" in removed.get_data(as_text=True)
    assert evidence_rows(app, world) == [] and added_files(app, world) == []


def test_the_data_export_lists_the_evidence_and_the_zip_holds_it(app: Flask, world: World) -> None:
    import json
    import zipfile

    owner, a = world.client("owner"), world.ids["org_a"]
    listed = json.loads(owner.get(f"/organisations/{a}/data.json").data)["tables"]
    assert [row["original_name"] for row in listed["evidence_file"]] == ["制度.pdf"]
    assert "stored_name" not in listed["evidence_file"][0]
    assert [row["role"] for row in listed["attestation"]] == ["总经理"]
    archive = zipfile.ZipFile(io.BytesIO(owner.get(f"/organisations/{a}/data.zip").data))
    held = [name for name in archive.namelist() if name.startswith("evidence/")]
    assert held == [f"evidence/round-1/{FIRST}/{world.ids['evidence']}-制度.pdf"]
    assert archive.read(held[0]) == EVIDENCE_PDF
    # Every entry is dated when its content came to be (a year of 1980 is no date).
    assert all(info.date_time[0] >= 2026 for info in archive.infolist())
    # ... and unzips as a file its owner can read and write, not 0600 or 0000.
    assert {info.external_attr >> 16 for info in archive.infolist()} == {0o644}
