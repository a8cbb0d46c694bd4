"""Project-wide API pieces: the error handler, health, and token login (SPEC §9)."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.db import DatabaseError, connection
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from redis.exceptions import RedisError
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from thor_project import STARTED_AT, clock

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
            response.data = {"error": error_message(response.data), "details": response.data}
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


class HealthView(APIView):
    """``GET /api/health/``: process, database, Redis and feed status. No login needed.

    200 while the database answers (``status`` "ok", or "degraded" when Redis or the feed is
    down); 503 when the database does not answer.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        from django.conf import settings

        from LiveData.redis_client import get_live_data_redis

        body: dict[str, Any] = {
            "now": clock.now().isoformat(),
            "process": {"pid": os.getpid(), "uptime_seconds": round(time.time() - STARTED_AT, 1)},
        }
        db_ok = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            body["database"] = {"ok": True, "vendor": connection.vendor}
        except DatabaseError as exc:
            db_ok = False
            body["database"] = {"ok": False, "error": str(exc)}
        redis_ok = True
        try:
            live = get_live_data_redis()
            live.ping()
            feed = live.feed_status()
            body["redis"] = {"ok": True}
            last = feed.get("last_success_at") or ""
            age = None
            if last:
                from LiveData.ticks import parse_instant

                stamp = parse_instant(last)
                age = round((clock.now() - stamp).total_seconds(), 1) if stamp else None
            body["feed"] = {
                "ok": bool(feed) and feed.get("state") == "ok" and age is not None
                and age <= settings.THOR_QUOTE_STALE_SECONDS * clock.speed(),
                "state": feed.get("state") or "never run",
                # demo / replay quotes are not real prices: the dashboard shows DEMO (SPEC §13).
                "mode": feed.get("mode") or None,
                "demo": feed.get("mode") == "demo",
                "last_success_at": last or None,
                "seconds_since_success": age,
                "quotes_published": int(feed.get("quotes_published") or 0),
                "last_error": feed.get("last_error") or None,
            }
        except RedisError as exc:
            redis_ok = False
            body["redis"] = {"ok": False, "error": str(exc)}
            body["feed"] = {"ok": False, "state": "unknown (Redis down)"}
        from GlobalMarkets.services.calendars import coverage_warnings
        from ThorTrading.workers.stack import stack_status

        try:
            body["calendars"] = {"warnings": coverage_warnings(clock.now().date())}
        except DatabaseError:
            body["calendars"] = {"warnings": ["unknown: database down"]}

        body["workers"] = stack_status()
        if redis_ok:
            from ThorTrading.workers.grader import STATUS_KEY

            try:
                grader = get_live_data_redis().client.hgetall(STATUS_KEY)
                body["grader"] = {"archive_catch_up": grader.get("archive_catch_up") or None,
                                  "archive_catch_up_at": grader.get("archive_catch_up_at") or None}
            except RedisError:
                body["grader"] = {"archive_catch_up": None, "archive_catch_up_at": None}
        body["status"] = "ok" if db_ok and redis_ok and body["feed"]["ok"] else ("degraded" if db_ok else "down")
        return Response(body, status=status.HTTP_200_OK if db_ok else status.HTTP_503_SERVICE_UNAVAILABLE)


class TokenLoginView(ObtainAuthToken):
    """``POST /api/auth/token/`` with ``username`` and ``password`` → ``{"token": …}``.
    Send it as ``Authorization: Token …``. Bad credentials → 400 naming the problem."""

    permission_classes = [AllowAny]


class SessionLoginView(APIView):
    """``POST /api/auth/login/`` with ``username`` and ``password``: a Django session for the
    dashboard. Bad credentials → 400 ``{"error": …}``."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=dict, responses={200: dict, 400: dict})
    def post(self, request: Request) -> Response:
        from django.contrib.auth import authenticate, login

        data = request.data if isinstance(request.data, dict) else {}
        user = authenticate(request, username=str(data.get("username", "")), password=str(data.get("password", "")))
        if user is None or not user.is_active:
            return Response({"error": "Wrong username or password."}, status=status.HTTP_400_BAD_REQUEST)
        login(request._request, user)
        return Response({"username": user.get_username()})


class SessionLogoutView(APIView):
    """``POST /api/auth/logout/``: end the dashboard session."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request) -> Response:
        from django.contrib.auth import logout

        logout(request._request)
        return Response({"ok": True})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """``GET /api/auth/me/``: ``{"authenticated", "username"}`` (200 either way, so the dashboard's
    first call is never an error); also sets the CSRF cookie the dashboard sends back on POST."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"authenticated": bool(user.is_authenticated),
                         "username": user.get_username() if user.is_authenticated else None})
