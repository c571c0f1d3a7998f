from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.messages import error_message
from maturity.core.questionnaire import Dimension, Questionnaire
from maturity.core.roadmap import PHASE_MONTHS
from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus, Organisation
from maturity.models.assessment import OVERALL
from maturity.reports.charts import Series, radar_svg
from maturity.services import assessments as service
from maturity.services import consultants
from maturity.web import current_locale


def load_assessment(assessment_id: int) -> Assessment:
    return access.visible_assessment(current_user, assessment_id)


def load_organisation(organisation_id: int) -> Organisation:
    return access.visible_organisation(current_user, organisation_id)


def progress(questionnaire: Questionnaire, answers: dict[str, Answer]) -> dict[str, Any]:
    per_dimension = {
        d.id: (sum(1 for q in d.questions if q.id in answers), len(d.questions))
        for d in questionnaire.dimensions
    }
    answered = sum(done for done, _total in per_dimension.values())
    total = len(questionnaire.questions)
    return {
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "dimensions": per_dimension,
    }


def resume_target(
    questionnaire: Questionnaire, answers: dict[str, Answer]
) -> tuple[str, str | None]:
    """The dimension and question where the user left off."""
    for question in questionnaire.questions:
        if question.id not in answers:
            return question.dimension_id, question.id
    return questionnaire.dimensions[-1].id, None


@bp.post("/organisations/<int:organisation_id>/assessments")
@login_required
def start(organisation_id: int) -> Response:
    organisation = load_organisation(organisation_id)
    if not access.can_start_assessment(current_user, organisation):
        abort(403)
    try:
        assessment = service.start_or_resume(organisation, current_user)
    except service.AssessmentError as error:
        flash(error_message(error), "error")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return redirect(url_for("assessments.resume", assessment_id=assessment.id))


@bp.get("/assessments/<int:assessment_id>")
@login_required
def resume(assessment_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.results", assessment_id=assessment.id))
    questionnaire = service.questionnaire_for(assessment)
    dimension_id, question_id = resume_target(questionnaire, service.answers_of(assessment))
    anchor = f"q-{question_id}" if question_id else None
    return redirect(
        url_for(
            "assessments.dimension_page",
            assessment_id=assessment.id,
            dimension_id=dimension_id,
            _anchor=anchor,
        )
    )


def _neighbours(
    questionnaire: Questionnaire, dimension: Dimension
) -> tuple[str | None, str | None]:
    ids = [d.id for d in questionnaire.dimensions]
    index = ids.index(dimension.id)
    return (ids[index - 1] if index > 0 else None, ids[index + 1] if index + 1 < len(ids) else None)


@bp.route("/assessments/<int:assessment_id>/dimensions/<dimension_id>", methods=["GET", "POST"])
@login_required
def dimension_page(assessment_id: int, dimension_id: str) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    questionnaire = service.questionnaire_for(assessment)
    try:
        dimension = questionnaire.dimension(dimension_id)
    except KeyError:
        abort(404)
    editable = access.can_answer(current_user, assessment)
    previous_id, next_id = _neighbours(questionnaire, dimension)
    errors: dict[str, str] = {}
    conflicts: dict[str, Answer] = {}
    submitted_values: dict[str, str] = {}
    if request.method == "POST":
        if not editable:
            abort(403)
        # Plain per-page save (works without JavaScript): every question on the page.
        unknown = [
            key[2:]
            for key in request.form
            if key.startswith("q-") and not any(q.id == key[2:] for q in dimension.questions)
        ]
        if unknown:
            return render_template(
                "errors/message.html", message=error_message(service.UnknownQuestion(unknown[0]))
            ), 400
        for question in dimension.questions:
            raw = request.form.get(f"q-{question.id}")
            note = request.form.get(f"note-{question.id}", "")
            if raw is None:
                continue
            submitted_values[question.id] = raw
            try:
                value, not_applicable = service.parse_value(raw)
                revision = int(request.form.get(f"rev-{question.id}", "0") or 0)
                service.save_answer(
                    assessment,
                    questionnaire,
                    service.AnswerInput(question.id, value, not_applicable, note, revision),
                    current_user,
                )
            except ValueError:
                errors[question.id] = error_message(service.InvalidValue("revision"))
            except service.Conflict as conflict:
                conflicts[question.id] = conflict.current
                errors[question.id] = error_message(conflict)
            except service.AssessmentError as error:
                errors[question.id] = error_message(error)
        if not errors:
            flash(_("Your answers on this page are saved."), "success")
            if request.form.get("action") == "next" and next_id:
                target = url_for(
                    "assessments.dimension_page", assessment_id=assessment.id, dimension_id=next_id
                )
            elif request.form.get("action") == "next":
                target = url_for("assessments.review", assessment_id=assessment.id)
            else:
                target = url_for(
                    "assessments.dimension_page",
                    assessment_id=assessment.id,
                    dimension_id=dimension.id,
                )
            return redirect(target)
    answers = service.answers_of(assessment)
    return render_template(
        "assessments/dimension.html",
        assessment=assessment,
        questionnaire=questionnaire,
        dimension=dimension,
        answers=answers,
        progress=progress(questionnaire, answers),
        editable=editable,
        previous_id=previous_id,
        next_id=next_id,
        errors=errors,
        conflicts=conflicts,
        submitted_values=submitted_values,
        locale=current_locale(),
    ), (400 if errors else 200)


@bp.post("/assessments/<int:assessment_id>/answers")
@login_required
def save_answer_json(assessment_id: int) -> tuple[Response, int]:
    """Background save of one answer: {question_id, value, note, revision}."""
    assessment = load_assessment(assessment_id)
    if not access.can_answer(current_user, assessment):
        message = (
            error_message(service.NotEditable(""))
            if assessment.status == AssessmentStatus.SUBMITTED
            else _("You are not allowed to do this.")
        )
        return jsonify(error="forbidden", message=message), 403
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("question_id"), str):
        return jsonify(error="bad_request", message=_("The answer could not be read.")), 400
    questionnaire = service.questionnaire_for(assessment)
    note = payload.get("note")
    revision = payload.get("revision", 0)
    if (
        (note is not None and not isinstance(note, str))
        or isinstance(revision, bool)
        or not isinstance(revision, int)
    ):
        return jsonify(error="bad_request", message=_("The answer could not be read.")), 400
    try:
        value, not_applicable = service.parse_value(payload.get("value"))
        answer = service.save_answer(
            assessment,
            questionnaire,
            service.AnswerInput(payload["question_id"], value, not_applicable, note, revision),
            current_user,
        )
    except service.Conflict as conflict:
        current = conflict.current
        return jsonify(
            error="conflict",
            message=error_message(conflict),
            current={
                "value": "na" if current.not_applicable else current.value,
                "note": current.note or "",
                "revision": current.revision,
                "by": current.answered_by.name if current.answered_by else "",
            },
        ), 409
    except service.AssessmentError as error:
        return jsonify(error=error.code, message=error_message(error)), 400
    return jsonify(
        revision=answer.revision,
        saved_at=format_datetime(answer.answered_at, "short"),
        answered=service.answered_count(assessment),
        total=len(questionnaire.questions),
    ), 200


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def review(assessment_id: int) -> str | Response:
    assessment = load_assessment(assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.results", assessment_id=assessment.id))
    questionnaire = service.questionnaire_for(assessment)
    answers = service.answers_of(assessment)
    if request.method == "POST":
        if not access.can_answer(current_user, assessment):
            abort(403)
        try:
            service.submit(assessment, questionnaire, current_user)
        except service.Incomplete:
            flash(error_message(service.Incomplete([])), "error")
        except service.AssessmentError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Assessment submitted. Here are your results."), "success")
            return redirect(url_for("assessments.results", assessment_id=assessment.id))
        answers = service.answers_of(assessment)
    return render_template(
        "assessments/review.html",
        assessment=assessment,
        questionnaire=questionnaire,
        missing=service.missing_questions(questionnaire, answers),
        progress=progress(questionnaire, answers),
        editable=access.can_answer(current_user, assessment),
        locale=current_locale(),
    )


def radar_for(evaluation: Any, locale: str) -> str:
    questionnaire = evaluation.questionnaire
    scores = evaluation.scores.dimensions
    targets = evaluation.roadmap.targets
    return radar_svg(
        [d.label.get(locale) for d in questionnaire.dimensions],
        [
            Series(
                _("Current score"),
                [scores[d.id].score for d in questionnaire.dimensions],
                "current",
            ),
            Series(
                _("Target level"),
                [20 * targets[d.id] if d.id in targets else None for d in questionnaire.dimensions],
                "target",
            ),
        ],
        title=_("Scores by dimension"),
    )


@bp.route("/assessments/<int:assessment_id>/results", methods=["GET", "POST"])
@login_required
def results(assessment_id: int) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    if assessment.status != AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    questionnaire = service.questionnaire_for(assessment)
    plan_error = None
    if request.method == "POST":
        if not access.can_plan(current_user, assessment):
            abort(403)
        targets: dict[str, int] = {}
        for dimension in questionnaire.dimensions:
            raw = request.form.get(f"target-{dimension.id}")
            if raw is None or raw == "":
                continue
            if not raw.isdigit():
                plan_error = _("A target must be one of the levels 0 to 5.")
                break
            targets[dimension.id] = int(raw)
        goals = request.form.getlist("goals")
        if plan_error is None:
            if len(goals) > questionnaire.max_goals:
                plan_error = _(
                    "Choose at most %(count)d business goals.", count=questionnaire.max_goals
                )
            else:
                try:
                    service.set_plan(assessment, targets, goals)
                except service.AssessmentError:
                    db.session.rollback()
                    plan_error = _("These targets or goals are not valid for this assessment.")
        if plan_error is None:
            flash(_("Targets and goals saved; the roadmap has been updated."), "success")
            return redirect(
                url_for("assessments.results", assessment_id=assessment.id, _anchor="roadmap")
            )
    evaluation = service.evaluation_of(assessment)
    locale = current_locale()
    return render_template(
        "assessments/results.html",
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluation,
        benchmark=service.benchmark_of(assessment),
        radar=radar_for(evaluation, locale),
        phases=PHASE_MONTHS,
        can_plan=access.can_plan(current_user, assessment),
        can_write_findings=access.can_write_findings(current_user, assessment),
        findings=consultants.findings_of(assessment),
        overall_key=OVERALL,
        plan_error=plan_error,
        locale=locale,
    ), (400 if plan_error else 200)


@bp.get("/organisations/<int:organisation_id>/history")
@login_required
def history(organisation_id: int) -> str:
    organisation = load_organisation(organisation_id)
    return render_template(
        "assessments/history.html",
        organisation=organisation,
        assessments=service.history_of(organisation),
        locale=current_locale(),
    )


@bp.get("/organisations/<int:organisation_id>/compare")
@login_required
def compare(organisation_id: int) -> str | tuple[str, int]:
    organisation = load_organisation(organisation_id)
    rounds = {a.id: a for a in service.submitted_rounds(organisation)}
    earlier = rounds.get(request.args.get("earlier", type=int) or -1)
    later = rounds.get(request.args.get("later", type=int) or -1)
    if earlier is None or later is None or earlier.id == later.id:
        return render_template(
            "errors/message.html",
            message=_("Choose two different submitted rounds of this organisation to compare."),
        ), 400
    if earlier.round > later.round:
        earlier, later = later, earlier
    return render_template(
        "assessments/compare.html",
        organisation=organisation,
        earlier=earlier,
        later=later,
        comparison=service.comparison_of(earlier, later),
        earlier_questionnaire=service.questionnaire_for(earlier),
        questionnaire=service.questionnaire_for(later),
        locale=current_locale(),
    )
