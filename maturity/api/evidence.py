"""Evidence files and verification through the API: the same services, access policy
and audit as the pages (``assessments.evidence``, ``assessments.verification``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user

from maturity import access
from maturity.api.blueprint import bp
from maturity.api.errors import ApiError
from maturity.api.lookups import visible_assessment
from maturity.api.serialisers import verification_json
from maturity.api.spec import json_response, operation, path_id, ref
from maturity.core.refusals import Refusal, Refused
from maturity.core.uploads import DocumentKind
from maturity.extensions import db
from maturity.mail import notices
from maturity.models import Assessment, AssessmentStatus, EvidenceFile
from maturity.services import evidence, verification
from maturity.web.downloads import evidence_download, sandboxed
from maturity.web.messages import refusal_message


def evidence_file_json(row: EvidenceFile) -> dict[str, Any]:
    return {
        "id": row.id,
        "question_id": row.question_id,
        "name": row.original_name,
        "kind": row.kind,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by.name if row.uploaded_by else None,
        "uploaded_at": row.uploaded_at.isoformat(),
    }


def _refused(error: Refused) -> ApiError:
    if error.code is Refusal.UNKNOWN_QUESTION:
        return ApiError(404, error.code, refusal_message(error))
    if error.code is Refusal.TOO_LARGE:
        return ApiError(413, error.code, refusal_message(error))
    if error.code in (Refusal.EVIDENCE_CLOSED, Refusal.VERIFICATION_COMPLETE):
        return ApiError(409, error.code, refusal_message(error))
    return ApiError(400, error.code, refusal_message(error))


def _visible_file(file_id: int) -> EvidenceFile:
    row = db.session.get(EvidenceFile, file_id)
    if row is None or not (
        access.can_view_assessment(current_user, row.assessment)
        or access.can_verify(current_user, row.assessment)
    ):
        raise ApiError(404, "not_found", "No such evidence file.")
    return row


def _for_evidence(assessment: Assessment) -> None:
    if not access.can_add_evidence(current_user, assessment):
        raise ApiError(403, "forbidden", "Only those who answer may add or remove evidence.")


@bp.get("/assessments/<int:assessment_id>/evidence")
def list_evidence(assessment_id: int) -> Response:
    found = visible_assessment(assessment_id)
    files = evidence.files_by_question(found)
    return jsonify(
        files=[evidence_file_json(row) for rows in files.values() for row in rows],
        used_bytes=evidence.used_bytes(found),
        file_limit=evidence.file_limit(),
        round_limit=evidence.round_limit(),
    )


@bp.post("/assessments/<int:assessment_id>/evidence/<question_id>")
def upload_evidence(assessment_id: int, question_id: str) -> tuple[Response, int]:
    found = visible_assessment(assessment_id)
    _for_evidence(found)
    limit = evidence.file_limit()
    if request.content_length is not None and request.content_length > limit:
        raise _refused(Refused(Refusal.TOO_LARGE, limit=limit))
    request.max_content_length = limit
    data = request.get_data(cache=False)
    name = request.args.get("name", "")
    if len(name) > evidence.NAME_LENGTH:
        raise _refused(Refused(Refusal.NAME_TOO_LONG, limit=evidence.NAME_LENGTH))
    try:
        row = evidence.add(found, question_id, name, data, current_user)
    except Refused as error:
        raise _refused(error) from None
    return jsonify(evidence_file_json(row)), 201


@bp.get("/evidence/<int:file_id>")
@sandboxed
def download_evidence(file_id: int) -> Response:
    return evidence_download(_visible_file(file_id), current_user)


@bp.delete("/evidence/<int:file_id>")
def delete_evidence(file_id: int) -> tuple[str, int]:
    row = _visible_file(file_id)
    _for_evidence(row.assessment)
    try:
        evidence.remove(row, current_user)
    except Refused as error:
        raise _refused(error) from None
    return "", 204


def _verifiable(assessment_id: int) -> Assessment:
    found = db.session.get(Assessment, assessment_id)
    if found is None or not access.can_verify(current_user, found):
        raise ApiError(404, "not_found", "No such assessment to verify.")
    access.audit_read(current_user, found.organisation_id, "assessment", found.id)
    return found


@bp.get("/assessments/<int:assessment_id>/verification")
def get_verification(assessment_id: int) -> Response:
    found = db.session.get(Assessment, assessment_id)
    if found is None or not (
        access.can_view_assessment(current_user, found) or access.can_verify(current_user, found)
    ):
        raise ApiError(404, "not_found", "No such assessment.")
    if found.status != AssessmentStatus.SUBMITTED:
        raise ApiError(409, "not_submitted", "The assessment has not been submitted yet.")
    return jsonify(verification_json(found))


def _finding(question_id: str, body: Any) -> verification.Finding:
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    adjusted, note = body.get("adjusted_to"), body.get("note", "")
    method, day = body.get("method", "documents"), body.get("checked_on")
    if (
        not isinstance(body.get("outcome"), str)
        or not (adjusted is None or (isinstance(adjusted, int) and not isinstance(adjusted, bool)))
        or not isinstance(note, str | None)
        or not isinstance(method, str)
        or not isinstance(day, str | None)
    ):
        raise ApiError(
            400,
            "bad_request",
            "The body must be {outcome, adjusted_to?, note?, method?, checked_on?}: "
            "adjusted_to a level 0..5, checked_on a date such as 2026-11-30.",
        )
    try:
        checked_on = date.fromisoformat(day) if day else None
    except ValueError:
        raise _refused(Refused(Refusal.VISIT_DATE_REQUIRED)) from None
    return verification.Finding(
        question_id, body["outcome"], adjusted, note or "", method, checked_on
    )


@bp.put("/assessments/<int:assessment_id>/verification/answers/<question_id>")
def put_finding(assessment_id: int, question_id: str) -> Response:
    found = _verifiable(assessment_id)
    if question_id not in verification.declared_answers(found):
        raise ApiError(404, "unknown_question", "This round has no such answer.")
    try:
        verification.review(
            found, _finding(question_id, request.get_json(silent=True)), current_user
        )
    except Refused as error:
        raise _refused(error) from None
    return jsonify(verification_json(found))


@bp.post("/assessments/<int:assessment_id>/verification/complete")
def complete_verification(assessment_id: int) -> Response:
    found = _verifiable(assessment_id)
    body = request.get_json(silent=True)
    note = body.get("note", "") if isinstance(body, dict) else ""
    try:
        done = verification.complete(found, current_user, note if isinstance(note, str) else "")
    except Refused as error:
        raise _refused(error) from None
    notices.verification_completed(found, done)
    return jsonify(verification_json(found))


@bp.post("/assessments/<int:assessment_id>/verification/reopen")
def reopen_verification(assessment_id: int) -> Response:
    found = _verifiable(assessment_id)
    verification.reopen(found, current_user)
    return jsonify(verification_json(found))


def paths() -> dict[str, Any]:
    assessment_id, file_id = path_id("assessment_id"), path_id("file_id")
    question_id = {
        "name": "question_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 64},
    }
    name = {
        "name": "name",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": 200},
        "description": "The file's name, as the user knows it",
    }
    checked = json_response(ref("Verification"), "The round's verification")
    files = {
        "type": "object",
        "required": ["files", "used_bytes", "file_limit", "round_limit"],
        "properties": {
            "files": {"type": "array", "items": ref("EvidenceFile")},
            "used_bytes": {"type": "integer"},
            "file_limit": {"type": "integer"},
            "round_limit": {"type": "integer"},
        },
    }
    upload = operation(
        "Add an evidence file to an answer (PDF, PNG, JPEG, XLSX, DOCX or PPTX, the type read from the content)",
        {"201": json_response(ref("EvidenceFile"), "Stored")},
        [assessment_id, question_id, name],
    )
    upload["requestBody"] = {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    download = operation(
        "The file, as an attachment",
        {
            "200": {
                "description": "The file",
                "content": {kind.media_type: binary for kind in DocumentKind},
            }
        },
        [file_id],
    )
    body = {"type": "object", "properties": {"note": {"type": "string", "maxLength": 2000}}}
    return {
        "/assessments/{assessment_id}/evidence": {
            "get": {"operationId": "listEvidence", **operation("The evidence files of a round, and how much room is left", {"200": json_response(files, "Evidence files")}, [assessment_id])},
        },
        "/assessments/{assessment_id}/evidence/{question_id}": {
            "post": {"operationId": "uploadEvidence", **upload},
        },
        "/evidence/{file_id}": {
            "get": {"operationId": "downloadEvidence", **download},
            "delete": {"operationId": "deleteEvidence", **operation("Remove an evidence file (while the round is open for evidence)", {"204": {"description": "Removed"}}, [file_id])},
        },
        "/assessments/{assessment_id}/verification": {
            "get": {"operationId": "getVerification", **operation("The round's status, both scores and every finding", {"200": checked}, [assessment_id])},
        },
        "/assessments/{assessment_id}/verification/answers/{question_id}": {
            "put": {"operationId": "putFinding", **operation("Record the finding on one answer (its consultant or a centre verifier)", {"200": checked}, [assessment_id, question_id], ref("FindingInput"))},
        },
        "/assessments/{assessment_id}/verification/complete": {
            "post": {"operationId": "completeVerification", **operation("Complete the verification; the owners are told by mail", {"200": checked}, [assessment_id], body)},
        },
        "/assessments/{assessment_id}/verification/reopen": {
            "post": {"operationId": "reopenVerification", **operation("Reopen a completed verification", {"200": checked}, [assessment_id])},
        },
    }  # fmt: skip
