"""Evidence files beside answers: uploaded from the question page, opened as
downloads by those who may see the answer, removed while the round is open for it."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.core.refusals import Refusal, Refused
from maturity.models import Assessment, EvidenceFile
from maturity.services import evidence
from maturity.services.results import questionnaire_for
from maturity.web.downloads import evidence_download, sandboxed
from maturity.web.messages import refusal_message

# Room for the form's other fields around the file itself.
FORM_OVERHEAD = 64 * 1024


def back_to_question(assessment: Assessment, question_id: str) -> Response:
    """The question's page, at its evidence."""
    questionnaire = questionnaire_for(assessment)
    question = next((q for q in questionnaire.questions if q.id == question_id), None)
    if question is None:
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    return redirect(
        url_for(
            "assessments.dimension_page",
            assessment_id=assessment.id,
            dimension_id=question.dimension_id,
            _anchor=f"evidence-{question.id}",
        )
    )


@bp.post("/assessments/<int:assessment_id>/evidence/<question_id>")
@login_required
def upload_evidence(assessment_id: int, question_id: str) -> Response:
    assessment = access.visible_assessment(current_user, assessment_id)
    access.require(access.can_add_evidence(current_user, assessment), hide=False)
    request.max_content_length = evidence.file_limit() + FORM_OVERHEAD
    try:
        upload = request.files.get("file")
        data = upload.read() if upload else b""
        name = upload.filename or "" if upload else ""
        evidence.add(assessment, question_id, name, data, current_user)
    except RequestEntityTooLarge:
        flash(refusal_message(Refused(Refusal.TOO_LARGE, limit=evidence.file_limit())), "error")
    except Refused as error:
        flash(refusal_message(error), "error")
    else:
        flash(_("The evidence file is saved."), "success")
    return back_to_question(assessment, question_id)


def _visible_file(file_id: int) -> EvidenceFile:
    return access.load(
        EvidenceFile,
        file_id,
        lambda row: (
            access.can_view_assessment(current_user, row.assessment)
            or access.can_verify(current_user, row.assessment)
        ),
    )


@bp.get("/evidence/<int:file_id>")
@login_required
@sandboxed
def evidence_file(file_id: int) -> FlaskResponse:
    return evidence_download(_visible_file(file_id), current_user)


@bp.post("/evidence/<int:file_id>/remove")
@login_required
def remove_evidence(file_id: int) -> Response:
    row = _visible_file(file_id)
    assessment = row.assessment
    access.require(access.can_add_evidence(current_user, assessment), hide=False)
    question_id = row.question_id
    try:
        evidence.remove(row, current_user)
    except Refused as error:
        flash(refusal_message(error), "error")
    else:
        flash(_("The evidence file is removed."), "success")
    return back_to_question(assessment, question_id)
