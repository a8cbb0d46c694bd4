"""The one error shape of Thor's API (SPEC §9): ``{"error": "<parameter>: <what is wrong>"}``, with
``details`` per parameter for bad input, and the DRF exception handler that gives it to every 4xx/5xx
(Redis or the database down → 503; anything else → 500, logged, never a stack trace)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from redis.exceptions import RedisError
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ErrorSerializer(serializers.Serializer):
    """Every error body: ``error`` says what was wrong in one line, naming the parameter when one
    was; ``details`` (bad input only) gives every parameter's problems."""

    error = serializers.CharField()
    details = serializers.DictField(required=False)


def error_message(errors: Any) -> str:
    """DRF's validation errors → one line naming the first bad parameter: ``"end: must not be before
    start"`` (nested lists and dicts are walked; ``non_field_errors`` carry no name)."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            inner = error_message(value)
            if key in ("non_field_errors", "detail"):
                return inner
            return f"{key}: {inner}"
        return "invalid input"
    if isinstance(errors, list | tuple):
        return error_message(errors[0]) if errors else "invalid input"
    return str(errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler with one body shape, ``{"error": …}`` (plus ``details`` for bad input, naming
    every parameter); Redis down → 503, database down → 503, anything else → 500 — never a stack
    trace, never an empty body."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(exc, ValidationError):
            response.data = {"error": error_message(response.data), "details": _details(response.data)}
        elif isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"error": str(response.data["detail"])}
        return response
    if isinstance(exc, RedisError):
        logger.warning("Redis unavailable: %s", exc)
        return Response(
            {"error": "Quotes are unavailable: Redis is not answering. Check that Redis runs at REDIS_URL."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, DatabaseError):
        logger.exception("database error")
        return Response(
            {"error": "The database is not answering; try again shortly."}, status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    logger.exception("unhandled error in %s", context.get("view"))
    return Response({"error": "Internal error; it has been logged."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def _details(errors: Any) -> Any:
    """Each parameter's problems as a list, whether a check raised one message or several (a bare
    list of messages, from a check of no one parameter, is kept as it is)."""
    if not isinstance(errors, dict):
        return errors
    return {name: problems if isinstance(problems, list | dict) else [problems] for name, problems in errors.items()}
