"""Verifying a submitted round: its consultant or a centre verifier goes through the
answers with their evidence, records a finding on each, and completes the review;
the organisation's owners are told."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.journey import Journey
from maturity.core.refusals import Refused
from maturity.mail import notices
from maturity.models import Assessment, ReviewMethod, ReviewOutcome
from maturity.services import evidence, verification
from maturity.services.results import questionnaire_for
from maturity.web import current_locale
from maturity.web.messages import refusal_message


def _verifiable(assessment_id: int) -> Assessment:
    assessment = access.load(
        Assessment, assessment_id, lambda a: access.can_verify(current_user, a)
    )
    access.audit_read(current_user, assessment.organisation_id, "assessment", assessment.id)
    return assessment


def _finding(question_id: str) -> verification.Finding | None:
    """The finding the form gives for one answer, or None when it gives none."""
    outcome = request.form.get(f"outcome-{question_id}", "")
    if not outcome:
        return None
    raw_level = request.form.get(f"adjusted-{question_id}", "")
    raw_day = request.form.get(f"day-{question_id}", "")
    try:
        day = date.fromisoformat(raw_day) if raw_day else None
    except ValueError:
        day = None
    return verification.Finding(
        question_id=question_id,
        outcome=outcome,
        adjusted=int(raw_level) if raw_level.isdigit() and len(raw_level) == 1 else None,
        note=request.form.get(f"note-{question_id}", ""),
        method=request.form.get(f"method-{question_id}", ""),
        checked_on=day,
    )


@bp.route("/assessments/<int:assessment_id>/verify", methods=["GET", "POST"])
@login_required
def verify(assessment_id: int) -> str | Response | tuple[str, int]:
    assessment = _verifiable(assessment_id)
    questionnaire = questionnaire_for(assessment)
    errors: dict[str, str] = {}
    if request.method == "POST":
        for question in questionnaire.questions:
            finding = _finding(question.id)
            if finding is None:
                continue
            try:
                verification.review(assessment, finding, current_user)
            except Refused as error:
                errors[question.id] = refusal_message(error)
        if not errors:
            flash(_("The findings are saved."), "success")
            return redirect(url_for("assessments.verify", assessment_id=assessment.id))
    journey = Journey.of(assessment)
    return render_template(
        "assessments/verify.html",
        assessment=assessment,
        questionnaire=questionnaire,
        journey=journey,
        verified=verification.verified_round(assessment, questionnaire),
        evidence_files=evidence.files_by_question(assessment),
        errors=errors,
        outcomes=list(ReviewOutcome),
        methods=list(ReviewMethod),
        today=date.today(),
        locale=current_locale(),
    ), (400 if errors else 200)


@bp.post("/assessments/<int:assessment_id>/verify/complete")
@login_required
def complete_verification(assessment_id: int) -> Response:
    assessment = _verifiable(assessment_id)
    try:
        found = verification.complete(assessment, current_user, request.form.get("note", ""))
    except Refused as error:
        flash(refusal_message(error), "error")
        return redirect(url_for("assessments.verify", assessment_id=assessment.id))
    notices.verification_completed(assessment, found)
    flash(_("The verification is complete; the organisation's owners are told."), "success")
    return redirect(url_for("assessments.verify", assessment_id=assessment.id))


@bp.post("/assessments/<int:assessment_id>/verify/reopen")
@login_required
def reopen_verification(assessment_id: int) -> Response:
    assessment = _verifiable(assessment_id)
    verification.reopen(assessment, current_user)
    flash(_("The verification is open again: findings can be changed."), "info")
    return redirect(url_for("assessments.verify", assessment_id=assessment.id))
