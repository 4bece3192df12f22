"""The OpenAPI document: every status an operation can answer, with its media type.

Errors are answered as problem details (application/problem+json, `pigdata.api.problems`),
and the framework's document knows nothing of them: it gives a 422 as application/json with
its own validation schema, and no 401, 403 or 404 at all. So that the document says what
the node answers (and a client, or a fuzzer, can check every answer against it), the
responses common to many operations are added here, to each operation of the framework's
document from what it takes:

- 422 for every operation that takes a parameter or a body (replacing the framework's);
- 401 and 403 for every operation that reads the caller's token (`deps.get_principal`, the
  only dependency that asks for the bearer scheme): a bad token is 401, and a role or scope
  that may not see or do it 403.

What only some routes answer (404, 400, 409, 413, 415, 304 of a kept answer, CSV) is
declared on the route, with `problems(...)`, `KEPT` and `media(...)`; every 2xx answer with a
body has a schema (tests/api/test_openapi_responses.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from pigdata.api.problems import PROBLEM_JSON

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

_FIELD_ERROR = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "where: body.x, query.y, path.z"},
        "rule": {"type": "string"},
        "en": {"type": "string"},
    },
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details, in Chinese and English",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "rule": {"type": "string", "description": "the rule code broken (docs/*.md)"},
        "zh": {"type": "string"},
        "en": {"type": "string"},
        "errors": {"type": "array", "items": _FIELD_ERROR},
    },
}

_REASONS = {
    400: "bad request",
    401: "no valid token: missing, malformed, unknown, revoked or expired",
    403: "the token's role or scope may not see or do this",
    404: "not found",
    409: "conflicts with what the node holds",
    413: "beyond a limit of the node",
    415: "unsupported media type",
    422: "not valid: a parameter, the body, or a rule of the service",
}


def problem(status: int, description: str | None = None) -> dict[str, Any]:
    """Give the OpenAPI response of a problem+json answer."""
    return {
        "description": description or _REASONS.get(status, "problem"),
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }


KEPT: dict[int | str, dict[str, Any]] = {
    304: {"description": "not modified: the caller sent the ETag of this answer"}
}
"""The `responses=` of a route whose answer is kept (pigdata.api.answers)."""


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Give a route's `responses=` for problem+json answers of these statuses."""
    return {status: problem(status) for status in statuses}


TEXT: dict[str, Any] = {"type": "string"}
"""The schema of a text answer (CSV): one string, the whole body."""


def media(
    media_type: str, description: str = "OK", schema: dict[str, Any] | None = None
) -> dict[int | str, dict[str, Any]]:
    """Give a route's `responses=` for a 200 answer in another media type (CSV by default
    text, with its schema)."""
    content = {media_type: {"schema": TEXT if schema is None else schema}}
    return {200: {"description": description, "content": content}}


def _common(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Give the responses an operation answers because of what it takes."""
    found: dict[str, dict[str, Any]] = {}
    # The bearer scheme is asked by deps.get_principal only: who reads the caller's token.
    if operation.get("security"):
        found["401"] = problem(401)
        found["403"] = problem(403)
    if operation.get("parameters") or operation.get("requestBody"):
        found["422"] = problem(422)
    return found


def _integral_bounds(node: Any) -> None:
    """Give integer schemas' bounds as integers: the framework writes them as floats."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                value = node.get(key)
                if isinstance(value, float) and value.is_integer():
                    node[key] = int(value)
        for value in node.values():
            _integral_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _integral_bounds(value)


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the common responses to each operation of the framework's document."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    for path in document.get("paths", {}).values():
        for operation in path.values():
            answers = operation.setdefault("responses", {})
            for status, response in _common(operation).items():
                if status == "422" or status not in answers:  # the framework's 422 is wrong
                    answers[status] = response
    _integral_bounds(document)
    return document


def declare_responses(app: FastAPI) -> None:
    """Serve the app's OpenAPI document completed with the common responses (worked out
    once, on the first request for it)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
