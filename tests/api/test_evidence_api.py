"""Evidence and verification through the API: the pages' rules, in the API's shape."""

from __future__ import annotations

from flask import Flask

from maturity.models import TokenScope
from tests.api.test_api import token_for
from tests.web.world import EVIDENCE_PDF, QUESTIONNAIRE, World

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIRST, SECOND = (q.id for q in QUESTIONNAIRE.questions[:2])


def test_files_are_listed_uploaded_downloaded_and_deleted(app: Flask, world: World) -> None:
    api, owner = world.client("anonymous"), token_for(app, "owner")
    a2 = world.ids["a2"]
    stored = api.post(
        f"/api/v1/assessments/{a2}/evidence/{SECOND}?name=截图.png", data=PNG, headers=owner
    )
    assert stored.status_code == 201, stored.json
    file = stored.json
    assert (file["question_id"], file["name"], file["kind"], file["size"]) == (
        SECOND, "截图.png", "png", len(PNG),
    )  # fmt: skip
    listed = api.get(f"/api/v1/assessments/{a2}/evidence", headers=owner).json
    assert [f["id"] for f in listed["files"]] == [file["id"]]
    assert listed["used_bytes"] == len(PNG) and listed["file_limit"] == 10 * 1024 * 1024

    download = api.get(f"/api/v1/evidence/{file['id']}", headers=owner)
    assert download.data == PNG and download.mimetype == "image/png"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    assert api.delete(f"/api/v1/evidence/{file['id']}", headers=owner).status_code == 204
    assert api.get(f"/api/v1/evidence/{file['id']}", headers=owner).status_code == 404


def test_uploads_are_refused_with_the_reason(app: Flask, world: World) -> None:
    api, owner = world.client("anonymous"), token_for(app, "owner")
    a2 = world.ids["a2"]
    renamed = api.post(
        f"/api/v1/assessments/{a2}/evidence/{FIRST}?name=x.pdf", data=b"MZ\x90", headers=owner
    )
    assert renamed.status_code == 400 and renamed.json["error"]["code"] == "evidence_wrong_type"
    unknown = api.post(f"/api/v1/assessments/{a2}/evidence/nope", data=EVIDENCE_PDF, headers=owner)
    assert unknown.status_code == 404
    app.config["EVIDENCE_FILE_MB"] = 1
    too_big = api.post(
        f"/api/v1/assessments/{a2}/evidence/{FIRST}",
        data=EVIDENCE_PDF + b"0" * (1024 * 1024),
        headers=owner,
    )
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "too_large"
    stranger = api.post(
        f"/api/v1/assessments/{a2}/evidence/{FIRST}",
        data=EVIDENCE_PDF,
        headers=token_for(app, "other_owner"),
    )
    assert stranger.status_code == 404
    reader = token_for(app, "owner")  # a read-only token cannot upload
    from maturity.extensions import db
    from maturity.models import ApiToken

    with app.app_context():
        for token in db.session.scalars(db.select(ApiToken)):
            token.scope = TokenScope.READ
        db.session.commit()
    read_only = api.post(
        f"/api/v1/assessments/{a2}/evidence/{FIRST}", data=EVIDENCE_PDF, headers=reader
    )
    assert read_only.status_code == 403


def test_a_consultant_verifies_through_the_api(app: Flask, world: World, mailbox) -> None:  # type: ignore[no-untyped-def]
    api, consultant = world.client("anonymous"), token_for(app, "consultant")
    a1 = world.ids["a1"]
    base = f"/api/v1/assessments/{a1}/verification"
    assert api.get(base, headers=consultant).json["status"] == "self_declared"
    owner_try = api.put(
        f"{base}/answers/{FIRST}", json={"outcome": "verified"}, headers=token_for(app, "owner")
    )
    assert owner_try.status_code == 404  # the organisation's own people never verify
    no_note = api.put(
        f"{base}/answers/{SECOND}", json={"outcome": "adjusted", "adjusted_to": 0},
        headers=consultant,
    )  # fmt: skip
    assert no_note.status_code == 400 and no_note.json["error"]["code"] == "note_required"
    api.put(f"{base}/answers/{FIRST}", json={"outcome": "verified"}, headers=consultant)
    adjusted = api.put(
        f"{base}/answers/{SECOND}",
        json={"outcome": "adjusted", "adjusted_to": 0, "note": "未见记录", "method": "on_site",
              "checked_on": "2026-11-30"},
        headers=consultant,
    ).json  # fmt: skip
    assert adjusted["status"] == "partly_verified" and adjusted["checked"] == 2
    assert adjusted["answers"][SECOND]["checked_on"] == "2026-11-30"
    assert adjusted["verified_index"] < adjusted["self_declared_index"]
    done = api.post(f"{base}/complete", json={}, headers=consultant)
    assert done.status_code == 200 and done.json["completed_at"] is not None
    assert mailbox.wait_for("owner@example.com")
    closed = api.put(f"{base}/answers/{FIRST}", json={"outcome": "verified"}, headers=consultant)
    assert closed.status_code == 409 and closed.json["error"]["code"] == "verification_complete"
    assert api.post(f"{base}/reopen", headers=consultant).json["completed_at"] is None
