from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.journey import Journey
from maturity.core.answers import (
    AnswerInput,
    AnswerRefused,
    parse_payload,
    parse_revision,
    parse_value,
)
from maturity.core.comparison import trend_rounds
from maturity.core.evaluation import strongest_and_weakest
from maturity.core.plan import StepState
from maturity.core.report import OVERALL
from maturity.core.roadmap import PHASE_MONTHS, InvalidPlanInput
from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus, Organisation
from maturity.reports.charts import score_radar
from maturity.services import assessments as service
from maturity.services import consultants, plans, providers
from maturity.services import results as results_service
from maturity.web import current_locale
from maturity.web.messages import plan_message, refusal_message


def step_state_labels() -> dict[str, str]:
    return {
        StepState.PLANNED.value: _("Planned"),
        StepState.IN_PROGRESS.value: _("In progress"),
        StepState.DONE.value: _("Done"),
    }


def load_assessment(assessment_id: int) -> Assessment:
    return access.visible_assessment(current_user, assessment_id)


def load_organisation(organisation_id: int) -> Organisation:
    return access.visible_organisation(current_user, organisation_id)


@bp.post("/organisations/<int:organisation_id>/assessments")
@login_required
def start(organisation_id: int) -> Response:
    organisation = load_organisation(organisation_id)
    if not access.can_start_assessment(current_user, organisation):
        abort(403)
    try:
        assessment = service.start_or_resume(
            organisation, current_user, from_previous=request.form.get("start") == "previous"
        )
    except service.AssessmentError as error:
        flash(refusal_message(error), "error")
        return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return redirect(url_for("assessments.resume", assessment_id=assessment.id))


@bp.get("/organisations/<int:organisation_id>/assessments/new")
@login_required
def new_round(organisation_id: int) -> str | Response:
    """Ask before a new round: it starts empty and the last one stays as it is."""
    organisation = load_organisation(organisation_id)
    access.require(access.can_start_assessment(current_user, organisation), hide=False)
    draft = service.draft_of(organisation)
    if draft is not None:
        return redirect(url_for("assessments.resume", assessment_id=draft.id))
    history = results_service.history_of(organisation)
    return render_template(
        "assessments/new_round.html",
        organisation=organisation,
        previous=history[0] if history else None,  # newest first
    )


@bp.get("/assessments/<int:assessment_id>")
@login_required
def resume(assessment_id: int) -> Response:
    assessment = load_assessment(assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.results", assessment_id=assessment.id))
    return redirect(resume_url(Journey.of(assessment)))


def resume_url(journey: Journey) -> str:
    """The page where the person left off: an unanswered profile, the first
    unanswered question, or the review."""
    target, question_id = journey.resume_target()
    kind, _, name = target.partition(":")
    assessment_id = journey.assessment.id
    if kind == "section":
        return url_for("assessments.items_page", assessment_id=assessment_id, section=name)
    if kind == "dimension":
        return url_for(
            "assessments.dimension_page",
            assessment_id=assessment_id,
            dimension_id=name,
            _anchor=f"q-{question_id}" if question_id else None,
        )
    return url_for("assessments.review", assessment_id=assessment_id)


def step_urls(journey: Journey) -> list[tuple[str, bool]]:
    """The round's pages in order, each with whether it is a step of this round:
    sections asked first, dimensions (a dimension the profile rules out entirely is
    no step), sections asked after, the review."""
    assessment_id = journey.assessment.id

    def section_url(section: str) -> tuple[str, bool]:
        url = url_for("assessments.items_page", assessment_id=assessment_id, section=section)
        return url, True

    return [
        *(section_url(t.section) for t in journey.sections(before_questions=True)),
        *(
            (
                url_for(
                    "assessments.dimension_page", assessment_id=assessment_id, dimension_id=d.id
                ),
                bool(journey.applicable_questions(d.id)),
            )
            for d in journey.questionnaire.dimensions
        ),
        *(section_url(t.section) for t in journey.sections(before_questions=False)),
        (url_for("assessments.review", assessment_id=assessment_id), True),
    ]


def neighbours(journey: Journey, current: str) -> tuple[str | None, str]:
    """The previous step (None on the first) and the next step of the page ``current``,
    which may itself be a page the round skips."""
    pages = step_urls(journey)
    index = [url for url, _ in pages].index(current)
    earlier = [url for url, is_step in pages[:index] if is_step]
    later = [url for url, is_step in pages[index + 1 :] if is_step]
    return (earlier[-1] if earlier else None), (later[0] if later else current)


def page_saved(assessment: Assessment, here: str) -> Response:
    """After a page of the round saved without refusals: say so, then stay or go on."""
    flash(_("Your answers on this page are saved."), "success")
    if request.form.get("action") == "next":
        return redirect(neighbours(Journey.of(assessment), here)[1])
    return redirect(here)


@bp.route("/assessments/<int:assessment_id>/dimensions/<dimension_id>", methods=["GET", "POST"])
@login_required
def dimension_page(assessment_id: int, dimension_id: str) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    questionnaire = results_service.questionnaire_for(assessment)
    try:
        dimension = questionnaire.dimension(dimension_id)
    except KeyError:
        abort(404)
    editable = access.can_answer(current_user, assessment)
    here = url_for(
        "assessments.dimension_page", assessment_id=assessment.id, dimension_id=dimension.id
    )
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
                "errors/message.html",
                message=refusal_message(AnswerRefused("unknown_question", unknown[0])),
            ), 400
        for question in dimension.questions:
            raw = request.form.get(f"q-{question.id}")
            note = request.form.get(f"note-{question.id}", "")
            if raw is None:
                continue
            submitted_values[question.id] = raw
            try:
                given = AnswerInput(
                    question.id,
                    parse_value(raw),
                    note,
                    parse_revision(request.form.get(f"rev-{question.id}")),
                )
                service.save_answer(assessment, given, current_user)
            except service.Conflict as conflict:
                conflicts[question.id] = conflict.current
                errors[question.id] = refusal_message(conflict)
            except service.REFUSALS as error:
                errors[question.id] = refusal_message(error)
        if not errors:
            return page_saved(assessment, here)
    journey = Journey.of(assessment)
    previous_url, next_url = neighbours(journey, here)
    return render_template(
        "assessments/dimension.html",
        assessment=assessment,
        questionnaire=questionnaire,
        dimension=dimension,
        journey=journey,
        answers=journey.answers,
        progress=journey.progress(),
        editable=editable,
        previous_url=previous_url,
        next_url=next_url,
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
            refusal_message(service.NotEditable(""))
            if assessment.status == AssessmentStatus.SUBMITTED
            else _("You are not allowed to do this.")
        )
        return jsonify(error="forbidden", message=message), 403
    try:
        given = parse_payload(request.get_json(silent=True))
    except AnswerRefused as refused:
        status = 400
        return jsonify(error="bad_request", message=refusal_message(refused)), status
    try:
        answer = service.save_answer(assessment, given, current_user)
    except service.Conflict as conflict:
        current = conflict.current
        return jsonify(
            error="conflict",
            message=refusal_message(conflict),
            current={
                "value": current.answer_value,
                "note": current.note or "",
                "revision": current.revision,
                "by": current.answered_by.name if current.answered_by else "",
            },
        ), 409
    except service.REFUSALS as error:
        return jsonify(error=error.code, message=refusal_message(error)), 400
    progress = Journey.of(assessment).progress()
    return jsonify(
        revision=answer.revision,
        saved_at=format_datetime(answer.answered_at, "short"),
        answered=progress["answered"],
        total=progress["total"],
    ), 200


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@login_required
def review(assessment_id: int) -> tuple[str, int] | Response:
    assessment = load_assessment(assessment_id)
    if assessment.status == AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.results", assessment_id=assessment.id))
    questionnaire = results_service.questionnaire_for(assessment)
    unticked = False
    if request.method == "POST":
        if not access.can_answer(current_user, assessment):
            abort(403)
        if request.form.get("confirm") != "final":
            unticked = True  # submitting is final: the box says so and must be ticked
        else:
            try:
                service.submit(assessment, current_user)
            except service.AssessmentError as error:
                flash(refusal_message(error), "error")
            else:
                flash(_("Assessment submitted. Here are your results."), "success")
                return redirect(url_for("assessments.results", assessment_id=assessment.id))
    journey = Journey.of(assessment)
    return render_template(
        "assessments/review.html",
        assessment=assessment,
        questionnaire=questionnaire,
        journey=journey,
        missing=journey.missing_questions(),
        unconfirmed=journey.unconfirmed_questions(),
        missing_items=journey.missing_items(),
        progress=journey.progress(),
        editable=access.can_answer(current_user, assessment),
        unticked=unticked,
        locale=current_locale(),
    ), 400 if unticked else 200


@bp.route("/assessments/<int:assessment_id>/results", methods=["GET", "POST"])
@login_required
def results(assessment_id: int) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    if assessment.status != AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    questionnaire = results_service.questionnaire_for(assessment)
    plan_error = None
    if request.method == "POST":
        if not access.can_plan(current_user, assessment):
            abort(403)
        raw_targets = {
            dimension.id: raw
            for dimension in questionnaire.dimensions
            if (raw := request.form.get(f"target-{dimension.id}"))
        }
        try:
            if not all(raw.isdecimal() for raw in raw_targets.values()):
                raise ValueError("a target is not a number")
            targets = {dimension_id: int(raw) for dimension_id, raw in raw_targets.items()}
            plans.set_plan(assessment, targets, request.form.getlist("goals"))
        except InvalidPlanInput as refused:
            db.session.rollback()
            plan_error = plan_message(refused, questionnaire)
        except ValueError:
            plan_error = _("A target must be one of the levels 0 to 5.")
        else:
            flash(_("Targets and goals saved; the roadmap has been updated."), "success")
            return redirect(
                url_for("assessments.results", assessment_id=assessment.id, _anchor="roadmap")
            )
    evaluation = results_service.evaluation_of(assessment)
    trends = results_service.outcome_history(assessment)
    locale = current_locale()
    show_computed = request.args.get("plan") == "computed"
    return render_template(
        "assessments/results.html",
        curated=plans.plan_of(assessment, evaluation, computed=show_computed),
        show_computed=show_computed,
        state_labels=step_state_labels(),
        providers=providers.providers_for(assessment.organisation),
        assessment=assessment,
        questionnaire=questionnaire,
        evaluation=evaluation,
        benchmark=results_service.benchmark_of(assessment),
        outcome_trends=trends,
        outcome_rounds=trend_rounds(trends),
        radar=score_radar(evaluation, locale, label_size=26, wrap=130),
        strongest_weakest=strongest_and_weakest(evaluation),
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
        assessments=results_service.history_of(organisation),
        locale=current_locale(),
    )


@bp.get("/organisations/<int:organisation_id>/compare")
@login_required
def compare(organisation_id: int) -> str | tuple[str, int]:
    organisation = load_organisation(organisation_id)
    rounds = {a.id: a for a in results_service.submitted_rounds(organisation)}
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
        comparison=results_service.comparison_of(earlier, later),
        done=plans.done_between(earlier, later),
        earlier_questionnaire=results_service.questionnaire_for(earlier),
        questionnaire=results_service.questionnaire_for(later),
        locale=current_locale(),
    )
