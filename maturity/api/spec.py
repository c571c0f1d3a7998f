"""Building blocks of the OpenAPI document, shared by the modules that describe
their own routes (``openapi`` for the core routes, ``plan`` for the plan's)."""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": json_response(ref("Error"), "Malformed request"),
    "401": json_response(
        ref("Error"), "Missing, unknown, revoked or expired token (the message says which)"
    ),
    "403": json_response(
        ref("Error"), "Not allowed (including a write with a token that may only read)"
    ),
    "404": json_response(ref("Error"), "Not found (or not visible to you)"),
    "405": json_response(ref("Error"), "Method not allowed"),
    "409": json_response(
        ref("Error"),
        "Conflict with the current state: a stale revision, an assessment already "
        "submitted, or one still incomplete (the problems list the missing answers)",
    ),
    "413": json_response(ref("Error"), "Body too large"),
}


def path_id(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def operation(
    summary: str, responses: dict[str, Any], parameters: list[Any] | None = None, body: Any = None
) -> dict[str, Any]:
    described: dict[str, Any] = {
        "summary": summary,
        "responses": {**responses, **ERRORS},
        "security": [{"bearerAuth": []}],
    }
    if parameters:
        described["parameters"] = parameters
    if body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return described
