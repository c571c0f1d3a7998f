from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from maturity import access
from maturity.assessments import bp
from maturity.assessments.journey import Journey
from maturity.assessments.results_view import ResultsView
from maturity.core import attestation
from maturity.core.answers import AnswerRefused, page_answers, parse_payload
from maturity.core.refusals import Refusal, Refused
from maturity.core.roadmap import targets_from_text
from maturity.core.roadmap_costs import budget_from_text
from maturity.extensions import db
from maturity.models import Answer, Assessment, AssessmentStatus, Organisation
from maturity.services import assessments as service
from maturity.services import evidence, plans, verification
from maturity.services import results as results_service
from maturity.web import current_locale
from maturity.web.dates import datetime_in_words
from maturity.web.errors import json_error, refusal_error
from maturity.web.messages import refusal_message


def load_assessment(assessment_id: int) -> Assessment:
    return access.visible_assessment(current_user, assessment_id)


def load_organisation(organisation_id: int) -> Organisation:
    return access.visible_organisation(current_user, organisation_id)


@bp.post("/organisations/<int:organisation_id>/assessments")
@login_required
def start(organisation_id: int) -> Response:
    organisation = load_organisation(organisation_id)
    access.require(access.can_start_assessment(current_user, organisation), hide=False)
    try:
        assessment = service.start_or_resume(
            organisation, current_user, from_previous=request.form.get("start") == "previous"
        )
    except Refused as error:
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
        access.require(editable, hide=False)
        # Plain per-page save (works without JavaScript): every question on the page.
        page = page_answers([q.id for q in dimension.questions], request.form)
        if page.unknown:
            return render_template(
                "errors/message.html",
                message=refusal_message(AnswerRefused(Refusal.UNKNOWN_QUESTION, page.unknown[0])),
            ), 400
        submitted_values = page.submitted
        refused: dict[str, Refused] = {
            **page.refused,
            **service.save_answers(assessment, page.given, current_user),
        }
        errors = {question_id: refusal_message(error) for question_id, error in refused.items()}
        conflicts = {
            question_id: error.current
            for question_id, error in refused.items()
            if isinstance(error, service.Conflict)
        }
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
        evidence_files=evidence.files_by_question(assessment),
        may_add_evidence=access.can_add_evidence(current_user, assessment)
        and evidence.open_for_evidence(assessment),
        evidence_file_mb=current_app.config["EVIDENCE_FILE_MB"],
        locale=current_locale(),
    ), (400 if errors else 200)


@bp.post("/assessments/<int:assessment_id>/answers")
@login_required
def save_answer_json(assessment_id: int) -> tuple[Response, int]:
    """Background save of one answer: {question_id, value, note, revision}; errors in
    the one JSON shape (a conflict also sends the answer now stored, as ``current``)."""
    assessment = load_assessment(assessment_id)
    if not access.can_answer(current_user, assessment):
        if assessment.status == AssessmentStatus.SUBMITTED:
            refused = service.NotEditable()
            return refusal_error(refused, refusal_message(refused), 403)
        return json_error(403, "forbidden", _("You are not allowed to do this."))
    try:
        given = parse_payload(request.get_json(silent=True))
        answer = service.save_answer(assessment, given, current_user)
    except service.Conflict as conflict:
        current = conflict.current
        response, status = refusal_error(conflict, refusal_message(conflict), 409)
        body = response.get_json()
        body["current"] = {
            "value": current.answer_value,
            "note": current.note or "",
            "revision": current.revision,
            "by": current.answered_by.name if current.answered_by else "",
        }
        return jsonify(body), status
    except Refused as error:
        return refusal_error(error, refusal_message(error))
    progress = Journey.of(assessment).progress()
    return jsonify(
        revision=answer.revision,
        saved_at=datetime_in_words(answer.answered_at, "short"),
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
    role, role_error = request.form.get("role", ""), None
    if request.method == "POST":
        access.require(access.can_answer(current_user, assessment), hide=False)
        attested = service.AttestationInput(request.form.get("confirm") == "final", role)
        try:
            service.submit(assessment, current_user, attested)
        except Refused as error:
            if error.code is Refusal.NOT_ATTESTED:
                unticked = True  # the promise and finality: the box says so and must be ticked
            elif error.code in (Refusal.ROLE_MISSING, Refusal.ROLE_TOO_LONG, Refusal.NOT_ONE_LINE):
                role_error = refusal_message(error)
            else:
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
        role=role,
        role_error=role_error,
        attestation_text=attestation.wording(attestation.CURRENT_VERSION),
        locale=current_locale(),
    ), 400 if unticked or role_error else 200


@bp.route("/assessments/<int:assessment_id>/results", methods=["GET", "POST"])
@login_required
def results(assessment_id: int) -> str | Response | tuple[str, int]:
    assessment = load_assessment(assessment_id)
    if assessment.status != AssessmentStatus.SUBMITTED:
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    plan_error = None
    if request.method == "POST":
        access.plannable(current_user, assessment)
        questionnaire = results_service.questionnaire_for(assessment)
        try:
            targets = targets_from_text(
                {
                    dimension.id: raw
                    for dimension in questionnaire.dimensions
                    if (raw := request.form.get(f"target-{dimension.id}"))
                }
            )
            raw_budget = request.form.get("budget")
            plans.set_plan(
                assessment,
                targets,
                request.form.getlist("goals"),
                plans.KEEP_BUDGET if raw_budget is None else budget_from_text(raw_budget),
            )
        except Refused as refused:
            db.session.rollback()
            plan_error = refusal_message(refused)
        else:
            flash(_("Targets and goals saved; the roadmap has been updated."), "success")
            return redirect(
                url_for("assessments.results", assessment_id=assessment.id, _anchor="roadmap")
            )
    view = ResultsView.of(
        assessment,
        current_user,
        current_locale(),
        show_computed=request.args.get("plan") == "computed",
        plan_error=plan_error,
    )
    return render_template("assessments/results.html", **view.context()), (
        400 if plan_error else 200
    )


@bp.get("/organisations/<int:organisation_id>/history")
@login_required
def history(organisation_id: int) -> str:
    organisation = load_organisation(organisation_id)
    rounds = results_service.history_of(organisation)
    submitted = [a for a in rounds if a.status == AssessmentStatus.SUBMITTED]  # newest first
    pairs = results_service.comparable_pairs(submitted)
    return render_template(
        "assessments/history.html",
        organisation=organisation,
        assessments=rounds,
        # The form opens on the previous round against the latest: the pair most likely
        # on the same questionnaire version, with the most questions to compare.
        default_pair=pairs[0] if pairs else None,
        pairs=pairs,
        # Only rounds someone began to verify cost the scoring of their answers.
        verified={
            a.id: verification.verified_round(a)
            for a in rounds
            if a.verification is not None and a.status == AssessmentStatus.SUBMITTED
        },
        locale=current_locale(),
    )


@bp.get("/organisations/<int:organisation_id>/compare")
@login_required
def compare(organisation_id: int) -> str | tuple[str, int]:
    organisation = load_organisation(organisation_id)
    submitted = results_service.submitted_rounds(organisation)  # oldest first
    rounds = {a.id: a for a in submitted}
    earlier = rounds.get(request.args.get("earlier", type=int) or -1)
    later = rounds.get(request.args.get("later", type=int) or -1)
    if "earlier" not in request.args and "later" not in request.args and len(submitted) >= 2:
        earlier, later = submitted[-2], submitted[-1]  # no choice made: the last two rounds
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
        verified_earlier=verification.verified_round(earlier),
        verified_later=verification.verified_round(later),
        locale=current_locale(),
    )
