"""The OpenAPI schemas of submissions with their attestation, of evidence files and of
verification (merged into ``openapi``; the paths are ``evidence``'s)."""

from __future__ import annotations

from typing import Any

SCHEMAS: dict[str, Any] = {
    "Attestation": {
        "type": ["object", "null"],
        "description": "Who attested the answers as true (null: submitted before attestations)",
        "required": ["name", "role", "text_version", "attested_at"],
        "properties": {
            "name": {"type": "string"}, "role": {"type": "string"},
            "text_version": {"type": "string"}, "attested_at": {"type": "string", "format": "date-time"},
        },
    },
    "Verification": {
        "type": "object",
        "required": ["status", "checked", "applicable", "share", "self_declared_index", "verified_index", "completed_at", "answers"],
        "properties": {
            "status": {"enum": ["self_declared", "partly_verified", "verified"]},
            "checked": {"type": "integer"}, "applicable": {"type": "integer"},
            "share": {"type": "number", "description": "Checked (verified or adjusted) answers over the applicable ones"},
            "self_declared_index": {"type": ["number", "null"]},
            "verified_index": {"type": ["number", "null"], "description": "The index with the verifier's adjustments (null while self-declared)"},
            "completed_at": {"type": ["string", "null"], "format": "date-time"},
            "answers": {
                "type": "object",
                "additionalProperties": {
                    "type": "object", "required": ["outcome", "adjusted_to", "note", "method", "checked_on"],
                    "properties": {
                        "outcome": {"enum": ["verified", "adjusted", "not_verifiable"]},
                        "adjusted_to": {"type": ["integer", "null"]},
                        "note": {"type": ["string", "null"]},
                        "method": {"enum": ["documents", "on_site"]},
                        "checked_on": {"type": ["string", "null"], "format": "date"},
                    },
                },
            },
        },
    },
    "Submission": {
        "type": "object", "required": ["attestation"], "additionalProperties": False,
        "properties": {
            "attestation": {
                "type": "object", "required": ["accepted", "role"], "additionalProperties": False,
                "description": "The submitter accepts the current attestation (GET /attestation) in their role",
                "properties": {
                    "accepted": {"const": True},
                    "role": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*\\S[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$"},
                },
            },
        },
    },
    "EvidenceFile": {
        "type": "object",
        "required": ["id", "question_id", "name", "kind", "size", "sha256", "uploaded_by", "uploaded_at"],
        "properties": {
            "id": {"type": "integer"}, "question_id": {"type": "string"}, "name": {"type": "string"},
            "kind": {"enum": ["pdf", "png", "jpeg", "xlsx", "docx", "pptx"]},
            "size": {"type": "integer"}, "sha256": {"type": "string"},
            "uploaded_by": {"type": ["string", "null"]}, "uploaded_at": {"type": "string", "format": "date-time"},
        },
    },
    "FindingInput": {
        "type": "object", "required": ["outcome"],
        "properties": {
            "outcome": {"enum": ["verified", "adjusted", "not_verifiable"]},
            "adjusted_to": {"type": ["integer", "null"], "minimum": 0, "maximum": 5, "description": "The level found, when adjusted"},
            "note": {"type": ["string", "null"], "maxLength": 2000, "description": "Required when adjusted"},
            "method": {"enum": ["documents", "on_site"]},
            "checked_on": {"type": ["string", "null"], "format": "date", "description": "The visit's day, on site"},
        },
    },
}  # fmt: skip
