"""Project-wide API pieces: the error handler, health, and token login (SPEC §9)."""

from __future__ import annotations

import logging
import math
import os
import time
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema, inline_serializer
from redis.exceptions import RedisError
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from thor_project import STARTED_AT, clock
from thor_project.auth import (
    ExpiringTokenAuthentication,
    LoginAddressThrottle,
    LoginUserThrottle,
    forget_token,
    token_expired,
)

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


class LoginInputSerializer(serializers.Serializer):
    """``username`` and ``password``."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


LOGIN_THROTTLES = [LoginAddressThrottle, LoginUserThrottle]


def _check_login(request: Request) -> Any:
    """The user these credentials name, or a 400 ``ValidationError`` that does not say which part was
    wrong. Throttled per address and per user before it is called."""
    from django.contrib.auth import authenticate

    serializer = LoginInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = authenticate(request._request, **serializer.validated_data)
    if user is None or not user.is_active:
        raise ValidationError({"non_field_errors": ["Wrong username or password."]})
    return user


class _LoginView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = LOGIN_THROTTLES

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled(wait, detail=(
            "Too many login attempts for this user or from this address; "
            f"try again in {math.ceil(wait or 60)} s."))


class TokenLoginView(_LoginView):
    """``POST /api/auth/token/`` with ``username`` and ``password`` → ``{"token", "expires_at"}``;
    send it as ``Authorization: Token …``. A token lasts ``THOR_TOKEN_TTL_DAYS`` (30) days; an expired
    one is replaced here. ``DELETE /api/auth/token/`` (with the token) revokes it. Bad credentials →
    400; too many attempts → 429 (per user and per address)."""

    authentication_classes: list[type] = []

    @extend_schema(request=LoginInputSerializer, responses={
        200: inline_serializer("TokenOut", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField(allow_null=True)}),
        400: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request: Request) -> Response:
        from rest_framework.authtoken.models import Token

        user = _check_login(request)
        token, _ = Token.objects.get_or_create(user=user)
        if token_expired(token.created, now=timezone.now()):
            forget_token(token.key)
            token.delete()
            token = Token.objects.create(user=user)
        days = settings.THOR_TOKEN_TTL_DAYS
        expires = token.created + timedelta(days=days) if days else None
        return Response({"token": token.key, "expires_at": expires})


class TokenRevokeView(APIView):
    """``DELETE /api/auth/token/revoke/``: revoke the token the request is made with (log out an API
    client); the next login makes a new one."""

    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(request=None, responses={204: None, 401: ErrorSerializer})
    def delete(self, request: Request) -> Response:
        if request.auth is not None:
            forget_token(request.auth.key)
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionLoginView(_LoginView):
    """``POST /api/auth/login/`` with ``username`` and ``password``: a Django session for the
    dashboard. Like every cookie POST it needs the CSRF token (``X-CSRFToken``, from the cookie
    ``GET /api/auth/me/`` sets). Bad credentials → 400; too many attempts → 429."""

    authentication_classes: list[type] = []

    @extend_schema(request=LoginInputSerializer, responses={
        200: inline_serializer("SessionOut", {"username": serializers.CharField()}), 400: ErrorSerializer,
        403: ErrorSerializer, 429: ErrorSerializer})
    def post(self, request: Request) -> Response:
        from django.contrib.auth import login

        # DRF exempts its views from Django's CSRF middleware and checks CSRF only for session-
        # authenticated requests; a login has no session yet, so check it here (login CSRF).
        SessionAuthentication().enforce_csrf(request)
        user = _check_login(request)
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
