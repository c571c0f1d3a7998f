from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask_login import AnonymousUserMixin, current_user
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from maturity import access
from maturity.api import bp, tokens
from maturity.api.openapi import document
from maturity.assessments.messages import error_message
from maturity.core.evaluation import evaluation_json
from maturity.extensions import db
from maturity.models import Assessment, AssessmentStatus, Centre, Membership, Organisation
from maturity.services import assessments as service

MAX_BODY = 64 * 1024


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, problems: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.problems = status, code, message, problems or []


def error_response(
    status: int, code: str, message: str, problems: list[str] | None = None
) -> tuple[Response, int]:
    return jsonify(error={"code": code, "message": message, "problems": problems or []}), status


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> tuple[Response, int]:
    return error_response(error.status, error.code, error.message, error.problems)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response, int]:
    code = {401: "unauthorised", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        error.code or 500, "bad_request"
    )
    return error_response(error.code or 500, code, error.description or code)


@bp.before_request
def require_token() -> tuple[Response, int] | None:
    """The API authenticates by token only, never by a browser session: it takes no
    CSRF token, so a session cookie must not be enough to act through it."""
    if request.endpoint == "api.openapi":
        return None
    user = tokens.user_for(request)
    if user is None:
        g._login_user = AnonymousUserMixin()
        return error_response(
            401, "unauthorised", "A valid API token is required: Authorization: Bearer <token>."
        )
    g._login_user = user  # what Flask-Login's current_user reads, without a session
    if request.content_length is not None and request.content_length > MAX_BODY:
        return error_response(413, "too_large", "The request body is too large.")
    return None


def visible_organisation(organisation_id: int) -> Organisation:
    """access.visible_organisation, with the API's error shape."""
    try:
        return access.visible_organisation(current_user, organisation_id)
    except NotFound:
        raise ApiError(404, "not_found", "No such organisation.") from None


def visible_assessment(assessment_id: int) -> Assessment:
    """access.visible_assessment, with the API's error shape."""
    try:
        return access.visible_assessment(current_user, assessment_id)
    except NotFound:
        raise ApiError(404, "not_found", "No such assessment.") from None


def organisation_json(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "industry_section": organisation.industry_section,
        "industry_division": organisation.industry_division,
        "size_class": str(organisation.size_class),
        "province_code": organisation.province_code,
        "city_code": organisation.city_code,
    }


def assessment_json(assessment: Assessment, with_answers: bool = False) -> dict[str, Any]:
    version = assessment.questionnaire_version
    data: dict[str, Any] = {
        "id": assessment.id,
        "organisation_id": assessment.organisation_id,
        "round": assessment.round,
        "status": str(assessment.status),
        "questionnaire": {
            "key": version.key,
            "version": version.version,
            "hash": assessment.questionnaire_hash,
        },
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
    }
    if with_answers:
        data["answers"] = {
            qid: {
                "value": "na" if a.not_applicable else a.value,
                "note": a.note,
                "revision": a.revision,
            }
            for qid, a in service.answers_of(assessment).items()
        }
    return data


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


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
    from sqlalchemy import select

    rows = db.session.scalars(
        select(Organisation)
        .join(Membership)
        .where(Membership.user_id == current_user.id)
        .order_by(Organisation.id)
    )
    return jsonify([organisation_json(o) for o in rows])


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id: int) -> Response:
    return jsonify(organisation_json(visible_organisation(organisation_id)))


@bp.get("/organisations/<int:organisation_id>/assessments")
def organisation_assessments(organisation_id: int) -> Response:
    found = visible_organisation(organisation_id)
    return jsonify([assessment_json(a) for a in service.history_of(found)])


@bp.post("/organisations/<int:organisation_id>/assessments")
def start_assessment(organisation_id: int) -> tuple[Response, int]:
    found = visible_organisation(organisation_id)
    if not access.can_start_assessment(current_user, found):
        raise ApiError(403, "forbidden", "You may not start assessments for this organisation.")
    try:
        assessment = service.start_or_resume(found, current_user)
    except service.AssessmentError as error:
        raise ApiError(409, error.code, error_message(error)) from None
    return jsonify(assessment_json(assessment, with_answers=True)), 201


@bp.get("/assessments/<int:assessment_id>")
def assessment(assessment_id: int) -> Response:
    return jsonify(assessment_json(visible_assessment(assessment_id), with_answers=True))


@bp.put("/assessments/<int:assessment_id>/answers/<question_id>")
def put_answer(assessment_id: int, question_id: str) -> Response:
    found = visible_assessment(assessment_id)
    if not access.can_answer(current_user, found):
        raise ApiError(
            403,
            "forbidden",
            "This assessment cannot be answered (submitted, or not yours to answer).",
        )
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(
            400, "bad_request", "The body must be a JSON object: {value, note?, revision}."
        )
    note = payload.get("note")
    revision = payload.get("revision", 0)
    if (
        (note is not None and not isinstance(note, str))
        or isinstance(revision, bool)
        or not isinstance(revision, int)
    ):
        raise ApiError(400, "bad_request", "note must be a string and revision an integer.")
    try:
        value, not_applicable = service.parse_value(payload.get("value"))
        saved = service.save_answer(
            found,
            service.questionnaire_for(found),
            service.AnswerInput(question_id, value, not_applicable, note, revision),
            current_user,
        )
    except service.Conflict as conflict:
        current = conflict.current
        raise ApiError(
            409,
            "conflict",
            error_message(conflict),
            [
                f"current revision {current.revision}: {'na' if current.not_applicable else current.value}"
            ],
        ) from None
    except service.AssessmentError as error:
        status = 404 if error.code == "unknown_question" else 400
        raise ApiError(status, error.code, error_message(error)) from None
    return jsonify(
        question_id=question_id,
        value="na" if saved.not_applicable else saved.value,
        note=saved.note,
        revision=saved.revision,
    )


@bp.post("/assessments/<int:assessment_id>/submit")
def submit(assessment_id: int) -> Response:
    found = visible_assessment(assessment_id)
    if not access.can_answer(current_user, found):
        raise ApiError(
            403,
            "forbidden",
            "This assessment cannot be submitted (already submitted, or not yours).",
        )
    questionnaire = service.questionnaire_for(found)
    try:
        service.submit(found, questionnaire, current_user)
    except service.Incomplete as error:
        raise ApiError(
            422,
            "incomplete",
            error_message(error),
            [f"{q.id}: missing answer" for q in error.missing],
        ) from None
    except service.AssessmentError as error:
        raise ApiError(409, error.code, error_message(error)) from None
    return jsonify(results_json(found))


def results_json(found: Assessment) -> dict[str, Any]:
    evaluation = service.evaluation_of(found)
    benchmark = service.benchmark_of(found)
    data = evaluation_json(evaluation)
    data["benchmark"] = {
        "cohort": None if benchmark.scope is None else str(benchmark.scope),
        "cohort_size": benchmark.cohort_size,
        "min_cohort": benchmark.min_cohort,
        "dimensions": {
            d: None if s is None else {"percentile": s.percentile, "peers": s.peers}
            for d, s in benchmark.dimensions.items()
        },
        "overall": None
        if benchmark.overall is None
        else {"percentile": benchmark.overall.percentile, "peers": benchmark.overall.peers},
    }
    return data


@bp.get("/assessments/<int:assessment_id>/results")
def results(assessment_id: int) -> Response:
    found = visible_assessment(assessment_id)
    if found.status != AssessmentStatus.SUBMITTED:
        raise ApiError(409, "not_submitted", "The assessment has not been submitted yet.")
    return jsonify(results_json(found))


@bp.get("/assessments/<int:assessment_id>/roadmap")
def roadmap(assessment_id: int) -> Response:
    found = visible_assessment(assessment_id)
    if found.status != AssessmentStatus.SUBMITTED:
        raise ApiError(409, "not_submitted", "The assessment has not been submitted yet.")
    data = evaluation_json(service.evaluation_of(found))
    return jsonify(roadmap=data["roadmap"], services=data["services"])


@bp.get("/centres/<int:centre_id>/aggregates")
def aggregates(centre_id: int) -> Response:
    from maturity.centres.routes import current_dashboard
    from maturity.centres.tables import build_tables
    from maturity.web import current_locale

    centre = db.session.get(Centre, centre_id)
    if centre is None or not access.can_review_centre(current_user, centre):
        raise ApiError(404, "not_found", "No such centre.")
    questionnaire, _filters, data, problems = current_dashboard(centre)
    tables = build_tables(data, questionnaire, current_locale())
    return jsonify(
        min_cohort=data.min_cohort,
        shown=data.shown,
        ignored_filters=problems,
        tables=[
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows} for t in tables
        ],
    )


def init_app(app: Any) -> None:
    from maturity.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
