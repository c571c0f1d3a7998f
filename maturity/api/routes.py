"""The API's routes: each loads through ``access`` (404 for what the token's user may
not see, audited like the pages) and answers with ``serialisers``."""

from __future__ import annotations

from datetime import date

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
from maturity.core.refusals import Refusal, Refused
from maturity.core.releases import CellView, VersionTables
from maturity.extensions import db
from maturity.models import Centre, Organisation
from maturity.reports.tables import build_tables
from maturity.services import assessments as service
from maturity.services import consultants, results
from maturity.services.dashboard import centre_dashboard
from maturity.services.questionnaires import (
    NoQuestionnaire,
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
    except Refused as error:
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
    except Refused as error:
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
    body = request.get_json(silent=True)
    given = body.get("attestation") if isinstance(body, dict) else None
    if not isinstance(given, dict):
        raise ApiError(
            400,
            "not_attested",
            "Submitting needs the submitter's attestation: "
            '{"attestation": {"accepted": true, "role": "总经理"}}.',
        )
    attested = service.AttestationInput(
        given.get("accepted") is True,
        given["role"] if isinstance(given.get("role"), str) else "",
    )
    try:
        service.submit(found, current_user, attested)
    except service.Incomplete as error:
        # A valid request the draft's state cannot take yet: a conflict, listing why.
        raise ApiError(
            409,
            "incomplete",
            refusal_message(error),
            [f"{q.id}: missing answer" for q in error.missing]
            + [f"profile: {item.id}: missing answer" for item in error.missing_items],
        ) from None
    except Refused as error:
        attestation_codes = (
            Refusal.NOT_ATTESTED,
            Refusal.ROLE_MISSING,
            Refusal.ROLE_TOO_LONG,
            Refusal.NOT_ONE_LINE,
        )
        status = 400 if error.code in attestation_codes else 409
        raise ApiError(status, error.code, refusal_message(error)) from None
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
    """The centre's published figures: a table of its stored release, as the dashboard
    shows it (the same filters choose among the release's tables)."""
    centre = db.session.get(Centre, centre_id)
    if centre is None or not access.can_review_centre(current_user, centre):
        raise ApiError(404, "not_found", "No such centre.")
    try:
        view = centre_dashboard(centre.id, request.args, date.today())
    except NoQuestionnaire:
        raise ApiError(404, "not_found", "No questionnaire has been published yet.") from None
    problems = [f"{name}: {request.args.get(name, '')!r}" for name in view.problems]
    if set(view.problems) <= {"period", "version"} and view.problems:
        # Well-formed, but the centre has no such release (yet): nothing to show.
        raise ApiError(
            404,
            "no_release",
            "The centre has no release of that period or questionnaire version.",
            problems,
        )
    if view.problems:
        raise ApiError(
            400, "bad_filter", "Some filters were not understood: use the codes listed.", problems
        )
    tables = build_tables(view, current_locale())
    stored = view.stored
    return jsonify(
        min_cohort=view.k,
        shown=isinstance(view.shown, VersionTables | CellView),
        release=None
        if stored is None
        else {
            "period": stored.row.period,
            "from": stored.row.period_first.isoformat(),
            "to": stored.row.period_last.isoformat(),
            "revision": stored.row.revision,
            "computed_at": stored.row.computed_at.isoformat(),
            "version": view.version_key,
        },
        next_release=view.next_due.isoformat(),
        tables=[
            {"key": t.key, "title": t.title, "columns": t.columns, "rows": t.rows} for t in tables
        ],
    )
