"""The API's routes: each loads through ``access`` (404 for what the token's user may
not see, audited like the pages) and answers with ``serialisers``."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

from maturity import access
from maturity.api.blueprint import bp
from maturity.api.errors import ApiError
from maturity.api.lookups import answerable, submitted, visible_assessment
from maturity.api.openapi import document
from maturity.api.serialisers import (
    answer_json,
    assessment_json,
    organisation_json,
    results_json,
)
from maturity.core.answers import AnswerRefused, parse_payload
from maturity.core.evaluation import evaluation_json
from maturity.extensions import db
from maturity.models import Centre, Organisation
from maturity.reports.tables import build_tables
from maturity.services import assessments as service
from maturity.services import consultants, results
from maturity.services.dashboard import NoQuestionnaire, centre_dashboard
from maturity.services.questionnaires import (
    current_questionnaire,
)
from maturity.web import current_locale
from maturity.web.messages import refusal_message


def visible_organisation(organisation_id: int) -> Organisation:
    """access.visible_organisation, with the API's error shape."""
    try:
        return access.visible_organisation(current_user, organisation_id)
    except NotFound:
        raise ApiError(404, "not_found", "No such organisation.") from None


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document(current_questionnaire()))


@bp.get("/me")
def me() -> Response:
    return jsonify(
        id=current_user.id,
        name=current_user.name,
        email=current_user.email,
        locale=current_user.locale,
    )


@bp.get("/organisations")
def organisations() -> Response:
    return jsonify([organisation_json(o) for o in consultants.organisations_of(current_user)])


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    return jsonify(organisation_json(visible_organisation(organisation_id)))


@bp.get("/organisations/<int:organisation_id>/assessments")
def organisation_assessments(organisation_id: int) -> Response:
    found = visible_organisation(organisation_id)
    return jsonify([assessment_json(a) for a in results.history_of(found)])


@bp.post("/organisations/<int:organisation_id>/assessments")
def start_assessment(organisation_id: int) -> tuple[Response, int]:
    found = visible_organisation(organisation_id)
    if not access.can_start_assessment(current_user, found):
        raise ApiError(403, "forbidden", "You may not start assessments for this organisation.")
    try:
        assessment = service.start_or_resume(found, current_user)
    except service.AssessmentError as error:
        raise ApiError(409, error.code, refusal_message(error)) from None
    return jsonify(assessment_json(assessment, with_answers=True)), 201


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    return jsonify(assessment_json(visible_assessment(assessment_id), with_answers=True))


@bp.put("/assessments/<int:assessment_id>/answers/<question_id>")
def put_answer(assessment_id: int, question_id: str) -> Response:
    found = answerable(assessment_id)
    try:
        given = parse_payload(request.get_json(silent=True), question_id)
    except AnswerRefused as refused:
        if refused.code == "malformed":
            raise ApiError(
                400,
                "bad_request",
                "The body must be a JSON object {value, note?, revision?}: "
                "note a string, revision a whole number.",
            ) from None
        raise ApiError(400, refused.code, refusal_message(refused)) from None
    try:
        saved = service.save_answer(found, given, current_user)
    except service.Conflict as conflict:
        current = conflict.current
        raise ApiError(
            409,
            "conflict",
            refusal_message(conflict),
            [f"current revision {current.revision}: {current.answer_value}"],
        ) from None
    except service.REFUSALS as error:
        status = 404 if error.code == "unknown_question" else 400
        raise ApiError(status, error.code, refusal_message(error)) from None
    return jsonify(question_id=question_id, **answer_json(saved))


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int) -> Response:
    found = visible_assessment(assessment_id)
    if not access.can_answer(current_user, found):
        raise ApiError(
            403,
            "forbidden",
            "This assessment cannot be submitted (already submitted, or not yours).",
        )
    try:
        service.submit(found, current_user)
    except service.Incomplete as error:
        # A valid request the draft's state cannot take yet: a conflict, listing why.
        raise ApiError(
            409,
            "incomplete",
            refusal_message(error),
            [f"{q.id}: missing answer" for q in error.missing]
            + [f"profile: {item.id}: missing answer" for item in error.missing_items],
        ) from None
    except service.AssessmentError as error:
        raise ApiError(409, error.code, refusal_message(error)) from None
    return jsonify(results_json(found))


@bp.get("/assessments/<int:assessment_id>/results")
def assessment_results(assessment_id: int) -> Response:
    return jsonify(results_json(submitted(assessment_id)))


@bp.get("/assessments/<int:assessment_id>/roadmap")
def roadmap(assessment_id: int) -> Response:
    data = evaluation_json(results.evaluation_of(submitted(assessment_id)))
    return jsonify(roadmap=data["roadmap"], services=data["services"])


@bp.get("/centres/<int:centre_id>/aggregates")
def aggregates(centre_id: int) -> Response:
    centre = db.session.get(Centre, centre_id)
    if centre is None or not access.can_review_centre(current_user, centre):
        raise ApiError(404, "not_found", "No such centre.")
    try:
        found = centre_dashboard(centre.id, request.args)
    except NoQuestionnaire:
        raise ApiError(404, "not_found", "No questionnaire has been published yet.") from None
    if found.ignored_filters:
        raise ApiError(
            400,
            "bad_filter",
            "Some filters were not understood: a known code, or a date from 2000-01-01 to 2099-12-31.",
            [f"{name}: {request.args.get(name, '')!r}" for name in found.ignored_filters],
        )
    data = found.dashboard
    tables = build_tables(data, found.questionnaire, current_locale())
    period = found.filters.period
    return jsonify(
        min_cohort=data.min_cohort,
        shown=data.shown,
        # The period used: dates are widened to whole quarters.
        period=None
        if period is None
        else {
            "code": period.code,
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
        },
        tables=[
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows} for t in tables
        ],
    )
