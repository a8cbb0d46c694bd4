"""The OpenAPI schema says what every endpoint can answer (issue 11), not only its happy path.

:func:`document_errors` is a drf-spectacular post-processing hook: every operation gets the error
answers any Thor endpoint can give — 401 (no or bad credentials; not on the open endpoints), 403
(forbidden or CSRF), 404 (no such object or page), 400 when it takes parameters or a body, 415 for
a body that cannot be read, 429 on
the logins, 503 when Redis or the database is down — each with the one error body,
``{"error": …}`` (:class:`core.errors.ErrorSerializer`).
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "What was wrong, naming the parameter when one was"},
        "details": {
            "type": "object",
            "additionalProperties": {},
            "description": "Bad input: each parameter's problems",
        },
    },
    "required": ["error"],
}
OPEN = ("/api/health/", "/api/auth/me/", "/api/auth/login/", "/api/auth/token/")
LOGINS = ("/api/auth/login/", "/api/auth/token/")


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the error responses and the ``Error`` component to every operation of ``result``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            wanted = {
                "403": "Forbidden: not yours, not allowed, or no CSRF token with a cookie session",
                "404": "No such object or page",
                "503": "Redis or the database is not answering",
            }
            if path not in OPEN:
                wanted["401"] = "No credentials, a bad token or an expired one"
            if operation.get("parameters") or operation.get("requestBody") or "{" in path:
                wanted["400"] = "Bad input: the error names the parameter"
            if operation.get("requestBody"):
                wanted["415"] = "The body is not JSON (or, where accepted, a form) that can be read"
            if path in LOGINS:
                wanted["429"] = "Too many login attempts: wait as the error says"
            for code, description in wanted.items():
                if code not in responses:
                    responses[code] = _error(description)
    return result
