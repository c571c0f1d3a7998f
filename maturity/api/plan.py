"""The plan of a submitted round over the API: the plan people act on with its
revision and step statuses, its revisions, a new revision of edits (or back to the
computed roadmap), and the status of one step. The same access rules as the pages:
anyone who sees the round reads its plan; those who may plan it change it."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user

from maturity import access
from maturity.api.blueprint import bp
from maturity.api.errors import ApiError
from maturity.api.lookups import submitted
from maturity.api.spec import json_response, operation, path_id, ref
from maturity.core.evaluation import Evaluation
from maturity.core.plan import MAX_SUMMARY, MAX_TEXT, PHASES, TOP_STEPS, parse_edits
from maturity.models import Assessment, PlanRevision, StepStatus
from maturity.services import plans, results


def _plannable(assessment_id: int) -> tuple[Assessment, Evaluation]:
    found = submitted(assessment_id)
    if not access.can_plan(current_user, found):
        raise ApiError(403, "forbidden", "You may read this plan but not change it.")
    return found, results.evaluation_of(found)


def _key(question_id: str, level: int) -> dict[str, Any]:
    return {"question": question_id, "level": level}


def _revision_json(revision: PlanRevision | None) -> dict[str, Any] | None:
    if revision is None:
        return None
    return {
        "number": revision.number,
        "author": revision.author.name if revision.author else None,
        "created_at": revision.created_at.isoformat(),
        "computed": revision.edits is None,
    }


def _status_json(status: StepStatus | None) -> dict[str, Any]:
    if status is None:
        return {"state": None, "due_on": None, "note": None}
    return {
        "state": status.state.value,
        "due_on": status.due_on.isoformat() if status.due_on else None,
        "note": status.note,
    }


def plan_json(curated: plans.CuratedPlan) -> dict[str, Any]:
    plan = curated.plan
    return {
        "edited": plan.edited,
        "revision": _revision_json(curated.revision),
        "summary": plan.summary,
        "steps": [
            {
                **_key(*s.key),
                "dimension": s.step.dimension_id,
                "phase": s.phase,
                "computed_phase": s.step.phase,
                "text": s.text,
                "pinned": s.pinned,
                "new": s.new,
                "reasons": list(s.step.reasons),
                **_status_json(curated.statuses.get(s.key)),
            }
            for s in plan.steps
        ],
        "removed": [_key(*s.key) for s in plan.removed],
        "top": [_key(*s.key) for s in plan.top],
        "stale": [_key(*key) for key in plan.stale],
    }


def plan_response(assessment: Assessment, evaluation: Evaluation) -> Response:
    return jsonify(plan_json(plans.plan_of(assessment, evaluation)))


@bp.get("/assessments/<int:assessment_id>/plan")
def get_plan(assessment_id: int) -> Response:
    found = submitted(assessment_id)
    return plan_response(found, results.evaluation_of(found))


@bp.put("/assessments/<int:assessment_id>/plan")
def put_plan(assessment_id: int) -> Response:
    found, evaluation = _plannable(assessment_id)
    edits, problems = parse_edits(evaluation.roadmap, request.get_json(silent=True))
    if edits is None:
        # Well-formed edits that do not fit the current roadmap conflict with its state.
        status = 409 if all(p.conflict for p in problems) else 400
        raise ApiError(status, "invalid_plan", "The plan was not saved.", list(problems))
    plans.save_revision(found, edits, current_user)
    return plan_response(found, evaluation)


@bp.post("/assessments/<int:assessment_id>/plan/reset")
def reset_plan(assessment_id: int) -> Response:
    found, evaluation = _plannable(assessment_id)
    plans.save_revision(found, None, current_user)
    return plan_response(found, evaluation)


@bp.get("/assessments/<int:assessment_id>/plan/revisions")
def plan_revisions(assessment_id: int) -> Response:
    found = submitted(assessment_id)
    return jsonify(
        revisions=[
            {**(_revision_json(r) or {}), "edits": r.edits} for r in plans.revisions_of(found)
        ]
    )


@bp.put("/assessments/<int:assessment_id>/plan/steps/<question_id>/<int:level>")
def put_step_status(assessment_id: int, question_id: str, level: int) -> Response:
    found, evaluation = _plannable(assessment_id)
    given = request.get_json(silent=True)
    if not isinstance(given, dict) or not all(
        isinstance(given.get(name, ""), str | None) for name in ("state", "due_on", "note")
    ):
        raise ApiError(400, "bad_request", 'The body must be {"state", "due_on", "note"}.')
    try:
        plans.set_status(
            found,
            evaluation,
            (question_id, level),
            given.get("state") or "",
            given.get("due_on") or "",
            given.get("note") or "",
            current_user,
        )
    except plans.StatusRefused as refused:
        status = 404 if refused.code == "unknown_step" else 400
        raise ApiError(status, refused.code, f"The status was not saved: {refused.code}.") from None
    return plan_response(found, evaluation)


_STEP_KEY = {
    "type": "object",
    "required": ["question", "level"],
    "properties": {
        "question": {"type": "string"},
        "level": {"type": "integer", "minimum": 1, "maximum": 5},
    },
}
SCHEMAS: dict[str, Any] = {
    "StepKey": _STEP_KEY,
    "Plan": {
        "type": "object",
        "required": ["edited", "revision", "summary", "steps", "removed", "top", "stale"],
        "properties": {
            "edited": {"type": "boolean"},
            "revision": {"oneOf": [{"type": "null"}, ref("PlanRevision")]},
            "summary": {"type": "string"},
            "steps": {
                "type": "array",
                "items": {"type": "object", "required": ["question", "level", "phase"]},
            },
            "removed": {"type": "array", "items": ref("StepKey")},
            "top": {"type": "array", "items": ref("StepKey")},
            "stale": {"type": "array", "items": ref("StepKey")},
        },
    },
    "PlanRevision": {
        "type": "object",
        "required": ["number", "author", "created_at", "computed"],
        "properties": {
            "number": {"type": "integer"},
            "author": {"type": ["string", "null"]},
            "created_at": {"type": "string"},
            "computed": {"type": "boolean"},
            "edits": {"type": ["object", "null"]},
        },
    },
    "PlanEdits": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "steps": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["question", "level", "phase"],
                    "properties": {
                        "question": {"type": "string"},
                        "level": {"type": "integer", "minimum": 1, "maximum": 5},
                        "phase": {"enum": list(PHASES)},
                        "text": {"type": ["string", "null"], "maxLength": MAX_TEXT},
                        "pinned": {"type": "boolean"},
                    },
                },
            },
            "removed": {"type": "array", "items": ref("StepKey")},
            "top": {
                "type": "array",
                "items": ref("StepKey"),
                "maxItems": TOP_STEPS,
                "uniqueItems": True,
            },
            "summary": {"type": "string", "maxLength": MAX_SUMMARY},
        },
    },
    "StepStatusInput": {
        "type": "object",
        "required": ["state"],
        "properties": {
            "state": {"enum": ["planned", "in_progress", "done"]},
            "due_on": {"type": ["string", "null"], "format": "date"},
            "note": {"type": ["string", "null"], "maxLength": MAX_TEXT},
        },
    },
}


def paths() -> dict[str, Any]:
    assessment_id = path_id("assessment_id")
    step = [
        assessment_id,
        {"name": "question_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {
            "name": "level",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 5},
        },
    ]
    plan = json_response(ref("Plan"), "The plan")
    return {
        "/assessments/{assessment_id}/plan": {
            "get": {"operationId": "getPlan", **operation("The plan people act on: edits applied, step statuses", {"200": plan}, [assessment_id])},
            "put": {"operationId": "putPlan", **operation("Save edits as a new revision", {"200": plan}, [assessment_id], ref("PlanEdits"))},
        },
        "/assessments/{assessment_id}/plan/reset": {
            "post": {"operationId": "resetPlan", **operation("A new revision: back to the computed roadmap", {"200": plan}, [assessment_id])},
        },
        "/assessments/{assessment_id}/plan/revisions": {
            "get": {"operationId": "listPlanRevisions", **operation(
                "Every revision of the plan, newest first",
                {"200": json_response({"type": "object", "required": ["revisions"], "properties": {"revisions": {"type": "array", "items": ref("PlanRevision")}}}, "Revisions")},
                [assessment_id],
            )},
        },
        "/assessments/{assessment_id}/plan/steps/{question_id}/{level}": {
            "put": {"operationId": "putStepStatus", **operation("Where the organisation stands with one step", {"200": plan}, step, ref("StepStatusInput"))},
        },
    }  # fmt: skip
