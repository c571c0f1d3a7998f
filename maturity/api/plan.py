"""The plan of a submitted round over the API: the plan people act on with its
revision and step statuses, its revisions, a new revision of edits (or back to the
computed roadmap), and the status of one step. The same access rules as the pages:
anyone who sees the round reads its plan; those who may plan it change it.

Roadmap 3 plans items: the plan lists them with their steps, and edits may name an
item of the plan instead of its steps (core.plan_edits.expand_items). Its schemas are here
too."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from maturity import access
from maturity.api.blueprint import bp
from maturity.api.errors import ApiError
from maturity.api.lookups import submitted
from maturity.api.spec import json_response, operation, path_id, ref
from maturity.core.evaluation import Evaluation
from maturity.core.plan import (
    MAX_SUMMARY,
    MAX_TEXT,
    PHASES,
    TOP_STEPS,
    PlannedItem,
)
from maturity.core.plan_edits import expand_items, parse_edits
from maturity.core.reference import SizeClass
from maturity.core.refusals import Refusal
from maturity.core.roadmap_items import ITEM_REASONS, LATER, MOVED_BY
from maturity.models import Assessment, PlanRevision, StepStatus
from maturity.services import plans, results
from maturity.web.messages import refusal_message


def _plannable(assessment_id: int) -> tuple[Assessment, Evaluation]:
    found = submitted(assessment_id)
    try:
        access.plannable(current_user, found)
    except Forbidden:
        raise ApiError(403, "forbidden", "You may read this plan but not change it.") from None
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


def _item_json(item: PlannedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "project": item.project,
        "phase": item.phase,
        "text": item.text,
        "pinned": item.pinned,
        "new": item.new,
        "steps": [_key(*s.key) for s in item.steps],
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
        "items": [_item_json(item) for item in plan.items],
        "later": [_item_json(item) for item in plan.later_items],
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
    current = plans.plan_of(found, evaluation).plan
    raw = expand_items(current, request.get_json(silent=True))
    edits, problems = parse_edits(evaluation.roadmap, raw)
    if edits is None:
        # Well-formed edits that do not fit the current roadmap conflict with its state.
        status = 409 if all(p.conflict for p in problems) else 400
        raise ApiError(status, "invalid_plan", "The plan was not saved.", list(problems))
    try:
        plans.save_edits(found, evaluation.roadmap, edits, current_user)
    except plans.TopRepeated as refused:
        place = {key: n for n, key in enumerate(edits.top)}
        raise ApiError(
            409,
            "invalid_plan",
            "The plan was not saved.",
            [
                f"top[{place[step]}]: repeats the practice (question or project) of "
                f"top[{place[earlier]}]; choose another step"
                for step, earlier in refused.plan.repeated
            ],
        ) from None
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
        status = 404 if refused.code is Refusal.UNKNOWN_STEP else 400
        raise ApiError(status, refused.code, refusal_message(refused)) from None
    return plan_response(found, evaluation)


_STEP_KEY = {
    "type": "object",
    "required": ["question", "level"],
    "properties": {
        "question": {"type": "string"},
        "level": {"type": "integer", "minimum": 1, "maximum": 5},
    },
}
# Phase 4 is after the plan (roadmap 3 only).
_PHASE = {"enum": [*PHASES, LATER]}
_ITEM_KEY = {"type": "object", "required": ["item"], "properties": {"item": {"type": "string"}}}
_PLANNED_ITEM = {
    "type": "object",
    "required": ["id", "project", "phase", "text", "pinned", "new", "steps"],
    "properties": {
        "id": {"type": "string"},
        "project": {"type": ["string", "null"]},
        "phase": _PHASE,
        "steps": {"type": "array", "items": ref("StepKey")},
    },
}
_NUMBER_OR_NULL = {"type": ["number", "null"]}
_TEXTS = {"type": "array", "items": ref("Text")}
# Roadmap 3 in the results and the roadmap (docs/methodology/contract.md).
ROADMAP_SCHEMAS: dict[str, Any] = {
    "ItemRoadmap": {
        "type": "object",
        "required": ["organisation", "phases", "later"],
        "properties": {
            "organisation": {
                "type": "object",
                "required": ["size_class", "revenue", "budget"],
                "properties": {
                    "size_class": {"enum": [size.value for size in SizeClass]},
                    "revenue": _NUMBER_OR_NULL,
                    "budget": _NUMBER_OR_NULL,
                },
            },
            "phases": {"type": "array", "items": ref("RoadmapPhase")},
            "later": {
                "type": "array",
                "items": {"type": "object", "required": ["id", "project", "steps"]},
            },
        },
    },
    "RoadmapPhase": {
        "type": "object",
        "required": ["phase", "months", "capacity", "cost", "items"],
        "properties": {
            "phase": {"enum": list(PHASES)},
            "months": {"type": "array", "items": {"type": "integer"}},
            "capacity": {"type": "integer"},
            "cost": {
                "type": "object",
                "required": ["low", "high", "midpoint", "budget", "unpriced", "share_of_revenue"],
                "properties": {
                    "low": {"type": "number"},
                    "high": {"type": "number"},
                    "midpoint": {"type": "number"},
                    "budget": _NUMBER_OR_NULL,
                    "unpriced": {"type": "array", "items": {"type": "string"}},
                    "share_of_revenue": {"type": ["object", "null"]},
                },
            },
            "items": {"type": "array", "items": ref("RoadmapItem")},
        },
    },
    "RoadmapItem": {
        "type": "object",
        "required": ["id", "project", "reasons", "steps", "how", "evidence", "owner", "effort"],
        "properties": {
            "id": {"type": "string"},
            "project": {"type": ["string", "null"]},
            "reasons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": {"enum": list(ITEM_REASONS)},
                        "by": {"enum": list(MOVED_BY)},
                    },
                },
            },
            "steps": {"type": "array", "items": {"type": "object", "required": ["question", "to"]}},
            "how": _TEXTS,
            "evidence": _TEXTS,
            "cost": {"type": ["object", "null"]},
            "services": {"type": "array", "items": {"type": "string"}},
        },
    },
}
SCHEMAS: dict[str, Any] = {
    **ROADMAP_SCHEMAS,
    "StepKey": _STEP_KEY,
    "ItemKey": _ITEM_KEY,
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
            "items": {"type": "array", "items": _PLANNED_ITEM},
            "later": {"type": "array", "items": _PLANNED_ITEM},
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
                "description": "Kept steps in order; an entry may name an item of the plan "
                "instead of a step (its phase and pin apply to each of its steps)",
                "items": {
                    "type": "object",
                    "anyOf": [
                        {"required": ["question", "level", "phase"]},
                        {"required": ["item", "phase"]},
                    ],
                    "properties": {
                        "question": {"type": "string"},
                        "level": {"type": "integer", "minimum": 1, "maximum": 5},
                        "item": {"type": "string"},
                        "phase": _PHASE,
                        "text": {"type": ["string", "null"], "maxLength": MAX_TEXT},
                        "pinned": {"type": "boolean"},
                    },
                },
            },
            "removed": {"type": "array", "items": {"anyOf": [ref("StepKey"), ref("ItemKey")]}},
            "top": {
                "type": "array",
                "items": {"anyOf": [ref("StepKey"), ref("ItemKey")]},
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
            # Dates this century: plan steps are due within years, not millennia.
            "due_on": {"type": ["string", "null"], "format": "date", "pattern": "^20[0-9]{2}-"},
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
