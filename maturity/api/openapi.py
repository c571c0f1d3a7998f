"""The OpenAPI 3.1 description of API v1 (served at /api/v1/openapi.json).

Tests check that every API route is described here and, with schemathesis,
that the responses conform to it.
"""

from __future__ import annotations

from typing import Any

from maturity.api import evidence as evidence_api
from maturity.api import plan as plan_api
from maturity.api import verification_spec
from maturity.api.spec import json_response as _json
from maturity.api.spec import operation as _operation
from maturity.api.spec import path_id as _id
from maturity.api.spec import ref as _ref
from maturity.core import reference
from maturity.core.answers import NOT_APPLICABLE
from maturity.core.items import ROUND_ITEM_TYPES
from maturity.core.questionnaire import Questionnaire

# Roadmap 2 is a list of steps, roadmap 3 (format-3 questionnaires) phases of items.
_ROADMAP = {"oneOf": [{"type": "array", "items": _ref("Step")}, _ref("ItemRoadmap")]}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "problems"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "problems": {"type": "array", "items": {"type": "string"}},
                },
            }
        },
    },
    "Me": {
        "type": "object",
        "required": ["id", "name", "email", "locale"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "email": {"type": "string"}, "locale": {"type": "string"},
        },
    },
    "Organisation": {
        "type": "object",
        "required": ["id", "name", "industry_section", "industry_division", "size_class", "province_code"],
        "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"},
            "industry_section": {"type": "string"}, "industry_division": {"type": "string"},
            "size_class": {"enum": ["large", "medium", "small", "micro"]},
            "province_code": {"type": "string"}, "city_code": {"type": ["string", "null"]},
        },
    },
    "Answer": {
        "type": "object",
        "required": ["value", "revision", "carried_over"],
        "properties": {
            "value": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 5}, {"const": NOT_APPLICABLE}]},
            "note": {"type": ["string", "null"]},
            "revision": {"type": "integer", "minimum": 1},
            "carried_over": {
                "type": "boolean",
                "description": "Taken over from the previous round and not confirmed yet: saving it again (same or another value) confirms it; the round cannot be submitted while any is left.",
            },
        },
    },
    "Assessment": {
        "type": "object",
        "required": ["id", "organisation_id", "round", "status", "questionnaire", "submitted_at"],
        "properties": {
            "id": {"type": "integer"}, "organisation_id": {"type": "integer"},
            "round": {"type": "integer"}, "status": {"enum": ["draft", "submitted"]},
            "questionnaire": {
                "type": "object", "required": ["key", "version", "hash"],
                "properties": {"key": {"type": "string"}, "version": {"type": "string"}, "hash": {"type": "string"}},
            },
            "submitted_at": {"type": ["string", "null"]},
            "answers": {"type": "object", "additionalProperties": _ref("Answer")},
            "profile": {"type": "object", "additionalProperties": {"type": "string"}},
            "not_applicable": {"type": "object", "additionalProperties": _ref("Text")},
            "outcomes": {
                "type": "object",
                "additionalProperties": {"anyOf": [{"type": "number"}, {"const": "na"}]},
            },
        },
    },
    "Text": {
        "type": "object", "required": ["zh", "en"],
        "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
    },
    "RoundItems": {
        "type": "object", "required": ["profile", "not_applicable", "outcomes"],
        "description": "The profile answers, the questions they mark not applicable (with the reason), the outcome figures",
        "properties": {
            "profile": {"type": "object", "additionalProperties": {"type": "string"}},
            "not_applicable": {"type": "object", "additionalProperties": _ref("Text")},
            "outcomes": {
                "type": "object",
                "description": "figure id → number, or \"na\" where the questionnaire lets a figure be not applicable; at the first round also \"<id>:previous\" → the previous year's figure",
                "additionalProperties": {"anyOf": [{"type": "number"}, {"const": "na"}]},
            },
        },
    },
    "AnswerInput": {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 5}, {"const": NOT_APPLICABLE}]},
            "note": {"type": ["string", "null"], "maxLength": 2000},
            "revision": {"type": "integer", "minimum": 0, "description": "The revision you last saw; 0 for none."},
        },
    },
    "SavedAnswer": {
        "type": "object",
        "required": ["question_id", "value", "revision", "carried_over"],
        "properties": {
            "question_id": {"type": "string"},
            "value": {"oneOf": [{"type": "integer"}, {"const": NOT_APPLICABLE}]},
            "note": {"type": ["string", "null"]},
            "revision": {"type": "integer"},
            "carried_over": {"type": "boolean"},
        },
    },
    "Step": {
        "type": "object",
        "required": ["question", "dimension", "from", "to", "phase", "priority", "services", "reasons", "prerequisites"],
        "properties": {
            "question": {"type": "string"}, "dimension": {"type": "string"},
            "from": {"type": "integer"}, "to": {"type": "integer"},
            "phase": {"type": "integer", "minimum": 1, "maximum": 3},
            "priority": {"type": "number", "description": "Orders steps within a phase; not for display"},
            "services": {"type": "array", "items": {"type": "string"}},
            "reasons": {"type": "array", "items": {"enum": ["goal", "next_level", "prerequisite"]}},
            "prerequisites": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["question", "level", "met"],
                    "properties": {"question": {"type": "string"}, "level": {"type": "integer"}, "met": {"type": "boolean"}},
                },
            },
        },
    },
    "Results": {
        "type": "object",
        "required": ["scoring_version", "questionnaire", "dimensions", "overall", "roadmap", "benchmark"],
        "properties": {
            "scoring_version": {"type": "string"},
            "roadmap_version": {"enum": ["2", "3"]},
            "questionnaire": {"type": "object"},
            "dimensions": {"type": "object"},
            "overall": {
                "type": "object", "required": ["index", "level"],
                "properties": {"index": {"type": ["number", "null"]}, "level": {"type": ["integer", "null"]}},
            },
            "roadmap": _ROADMAP,
            "services": {"type": "array", "items": {"type": "string"}},
            "benchmark": _ref("Benchmark"),
            "attestation": _ref("Attestation"),
            "verification": _ref("Verification"),
        },
    },
    "Roadmap": {
        "type": "object", "required": ["roadmap", "services"],
        "properties": {"roadmap": _ROADMAP, "services": {"type": "array", "items": {"type": "string"}}},
    },
    "Aggregates": {
        "type": "object", "required": ["min_cohort", "shown", "release", "next_release", "tables"],
        "properties": {
            "min_cohort": {"type": "integer"}, "shown": {"type": "boolean"},
            "release": {
                "type": ["object", "null"],
                "description": "The stored release the tables are read from (null: none yet)",
                "required": ["period", "from", "to", "revision", "computed_at", "version"],
                "properties": {
                    "period": {"type": "string"}, "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date"}, "revision": {"type": "integer"},
                    "computed_at": {"type": "string"}, "version": {"type": ["string", "null"]},
                },
            },
            "next_release": {"type": "string", "format": "date", "description": "When the next releases are computed"},
            "tables": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["key", "title", "columns", "rows"],
                    "properties": {
                        "key": {"type": "string"}, "title": {"type": "string"},
                        "columns": {"type": "array", "items": {"type": "string"}},
                        "rows": {"type": "array", "items": {"type": "array"}},
                    },
                },
            },
        },
    },
    "Standing": {
        "type": ["object", "null"], "required": ["quarter", "quartiles"],
        "description": "In which quarter of its cohort a score stands (1: bottom, 4: top), against the cohort's quartiles (null: not shown)",
        "properties": {
            "quarter": {"type": "integer", "minimum": 1, "maximum": 4},
            "quartiles": {"type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3},
        },
    },
    "Benchmark": {
        "type": "object",
        "required": ["release", "cohort", "cohort_size", "min_cohort", "dimensions", "overall"],
        "description": "Read from the platform's latest benchmark release",
        "properties": {
            "release": {"type": ["string", "null"], "description": "its period (null: none yet)"},
            "cohort": {"enum": ["section_size", "section", "all", None]},
            "cohort_size": {"type": ["string", "null"], "description": "a band, e.g. 20–49"},
            "min_cohort": {"type": "integer"},
            "dimensions": {"type": "object", "additionalProperties": _ref("Standing")},
            "overall": _ref("Standing"),
        },
    },
}  # fmt: skip


def filter_schemas() -> dict[str, dict[str, Any]]:
    """The aggregates' filters exactly as the server accepts them
    (services.dashboard); an empty value is no filter, as from the dashboard's form.
    A period or version the centre has no release of is refused (400)."""
    regions = reference.regions().values()

    def codes(values: list[str]) -> dict[str, Any]:
        return {"type": "string", "enum": ["", *values]}

    return {
        "section": codes([s.code for s in reference.sections()]),
        "size": codes([size.value for size in reference.SizeClass]),
        "province": codes([r.code for r in regions if r.parent is None]),
        "city": codes([r.code for r in regions if r.parent is not None]),
        "period": {
            "anyOf": [{"const": ""}, {"type": "string", "pattern": r"^20[0-9]{2}(-Q[1-4])?$"}],
            "description": "a year (2026) or a quarter (2026-Q3) with a release; default: the latest",
        },
        "version": {
            "type": "string",
            "description": "a questionnaire version of the release (sme-digital@3.0.0); default: the one most organisations answered",
        },
    }


def _links(**targets: dict[str, str]) -> dict[str, Any]:
    """OpenAPI links: which operation a response's ids lead to (clients and the
    stateful tests follow them)."""
    return {
        name: {"operationId": name, "parameters": parameters}
        for name, parameters in targets.items()
    }


def item_input_schemas(questionnaire: Questionnaire | None) -> dict[str, Any]:
    """The body of ``PUT /assessments/{id}/<section>`` for every section, exactly as
    the current questionnaire takes it (other versions refuse what they do not ask);
    null (or an empty text) clears a value."""
    schemas = {}
    for item_type in ROUND_ITEM_TYPES:
        entries = (
            ()
            if questionnaire is None
            else item_type.accepted(questionnaire.sections.get(item_type.section, ()))
        )
        schemas[item_type.section] = {
            "type": "object",
            "additionalProperties": False,
            # A derived item (filled in from the organisation) takes no value, not even null.
            "properties": {
                entry.id: {"anyOf": [item_type.value_schema(entry), {"type": "null"}]}
                for entry in entries
                if item_type.asked(entry)
            },
            "description": f"{item_type.section} of {questionnaire.label if questionnaire else 'the current questionnaire'}: item id → value",
        }
    return schemas


def document(questionnaire: Questionnaire | None = None) -> dict[str, Any]:
    """The API description; the bodies of profile and outcomes follow ``questionnaire``
    (the current one)."""
    organisation_id = _id("organisation_id")
    assessment_id = _id("assessment_id")
    question_id = {
        "name": "question_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
    }
    filters = [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in filter_schemas().items()
    ]
    first_organisation = {"organisation_id": "$response.body#/0/id"}
    new_assessment = {"assessment_id": "$response.body#/id"}
    first_assessment = {"assessment_id": "$response.body#/0/id"}
    organisations = _json({"type": "array", "items": _ref("Organisation")}, "Organisations")
    organisations["links"] = _links(
        getOrganisation=first_organisation,
        listAssessments=first_organisation,
        startAssessment=first_organisation,
    )
    assessments = _json({"type": "array", "items": _ref("Assessment")}, "Assessments")
    assessments["links"] = _links(
        getAssessment=first_assessment, getResults=first_assessment, getRoadmap=first_assessment
    )
    started = _json(_ref("Assessment"), "The draft")
    started["links"] = _links(
        getAssessment=new_assessment,
        putAnswer=new_assessment,
        submit=new_assessment,
        **{f"put_{t.section}": new_assessment for t in ROUND_ITEM_TYPES},
    )
    item_paths = {
        f"/assessments/{{assessment_id}}/{section}": {
            "put": {
                "operationId": f"put_{section}",
                **_operation(
                    f"Save {section} values, all or none (409 when this assessment's questionnaire version asks none)",
                    {"200": _json(_ref("RoundItems"), "Saved")},
                    [assessment_id],
                    body,
                ),
            }
        }
        for section, body in item_input_schemas(questionnaire).items()
    }
    paths = {
        "/me": {"get": {"operationId": "getMe", **_operation("The token's user", {"200": _json(_ref("Me"), "You")})}},
        "/organisations": {"get": {"operationId": "listOrganisations", **_operation("Organisations you belong to", {"200": organisations})}},
        "/organisations/{organisation_id}": {
            "get": {"operationId": "getOrganisation", **_operation("One organisation", {"200": _json(_ref("Organisation"), "The organisation")}, [organisation_id])}
        },
        "/organisations/{organisation_id}/assessments": {
            "get": {"operationId": "listAssessments", **_operation("Its assessments, newest round first", {"200": assessments}, [organisation_id])},
            "post": {"operationId": "startAssessment", **_operation("Start a new round (or continue the open draft)", {"201": started}, [organisation_id])},
        },
        "/assessments/{assessment_id}": {
            "get": {"operationId": "getAssessment", **_operation("An assessment with its answers", {"200": _json(_ref("Assessment"), "The assessment")}, [assessment_id])}
        },
        "/assessments/{assessment_id}/answers/{question_id}": {
            "put": {"operationId": "putAnswer", **_operation(
                "Save one answer; a stale revision is a 409 conflict",
                {"200": _json(_ref("SavedAnswer"), "Saved")},
                [assessment_id, question_id],
                _ref("AnswerInput"),
            )}
        },
        **item_paths,
        **plan_api.paths(),
        **evidence_api.paths(),
        "/assessments/{assessment_id}/submit": {
            "post": {"operationId": "submit", **_operation("Submit a complete draft with the submitter's attestation (真实性承诺); the scores are stored", {"200": _json(_ref("Results"), "Results")}, [assessment_id], _ref("Submission"))}
        },
        "/assessments/{assessment_id}/results": {
            "get": {"operationId": "getResults", **_operation("Scores, levels, roadmap and benchmark", {"200": _json(_ref("Results"), "Results")}, [assessment_id])}
        },
        "/assessments/{assessment_id}/roadmap": {
            "get": {"operationId": "getRoadmap", **_operation("The roadmap for the current targets and goals", {"200": _json(_ref("Roadmap"), "Roadmap")}, [assessment_id])}
        },
        "/centres/{centre_id}/aggregates": {
            "get": {"operationId": "getAggregates", **_operation(
                "A centre's published figures: tables of its stored release (reviewers)",
                {"200": _json(_ref("Aggregates"), "Aggregates")},
                [_id("centre_id"), *filters],
            )}
        },
    }  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "maturity API",
            "version": "1.0.0",
            "description": "SME digital-transformation maturity: organisations, assessments, results, roadmap, centre aggregates.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": {**SCHEMAS, **plan_api.SCHEMAS, **verification_spec.SCHEMAS},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal token from the account page (or `flask tokens create`): "
                    "read only, or read and write; it expires (90 days by default) and can be revoked.",
                }
            },
        },
    }
