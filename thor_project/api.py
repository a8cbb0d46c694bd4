"""Project-wide API views: health over every app's checks, and logins (SPEC §9)."""

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
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock, health
from core.errors import ErrorSerializer
from core.params import KnownQueryParamsMixin
from thor_project import STARTED_AT
from thor_project.auth import (
    ExpiringTokenAuthentication,
    LoginAddressThrottle,
    LoginUserThrottle,
    forget_token,
    token_expired,
)
from thor_project.stack import stack_status

logger = logging.getLogger(__name__)


class HealthView(KnownQueryParamsMixin, APIView):
    """``GET /api/health/``: the process, the database, the workers, and every app's registered
    checks (``core.health``: Redis, the feed, calendars, the grader). No login needed.

    200 while the database answers (``status`` "ok", or "degraded" when a check that affects the
    status — Redis, the feed, the recorder's writes — is not ok, or a worker's latest step failed:
    ``failing_workers`` names each with its error); 503 when the database does not answer.
    """

    known_query_params = ()

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
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
        sections, healthy = health.run_checks()
        body.update(sections)
        body["workers"] = stack_status()
        workers: dict[str, dict[str, Any]] = body["workers"].get("workers") or {}
        body["failing_workers"] = [
            {"name": name, "error": state.get("last_error")} for name, state in workers.items() if state.get("failing")
        ]
        healthy = healthy and not body["failing_workers"]
        body["status"] = "ok" if db_ok and healthy else ("degraded" if db_ok else "down")
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


class _LoginView(KnownQueryParamsMixin, APIView):
    permission_classes = [AllowAny]
    throttle_classes = LOGIN_THROTTLES

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise Throttled(
            wait,
            detail=(
                f"Too many login attempts for this user or from this address; try again in {math.ceil(wait or 60)} s."
            ),
        )


class TokenLoginView(_LoginView):
    """``POST /api/auth/token/`` with ``username`` and ``password`` → ``{"token", "expires_at"}``;
    send it as ``Authorization: Token …``. A token lasts ``THOR_TOKEN_TTL_DAYS`` (30) days; an expired
    one is replaced here. ``DELETE /api/auth/token/`` (with the token) revokes it. Bad credentials →
    400; too many attempts → 429 (per user and per address)."""

    known_query_params = ()

    authentication_classes: list[type] = []

    @extend_schema(
        request=LoginInputSerializer,
        responses={
            200: inline_serializer(
                "TokenOut", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField(allow_null=True)}
            ),
            400: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
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


class TokenRevokeView(KnownQueryParamsMixin, APIView):
    """``DELETE /api/auth/token/revoke/``: revoke the token the request is made with (log out an API
    client); the next login makes a new one."""

    known_query_params = ()

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

    @extend_schema(
        request=LoginInputSerializer,
        responses={
            200: inline_serializer("SessionOut", {"username": serializers.CharField()}),
            400: ErrorSerializer,
            403: ErrorSerializer,
            429: ErrorSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        from django.contrib.auth import login

        # DRF exempts its views from Django's CSRF middleware and checks CSRF only for session-
        # authenticated requests; a login has no session yet, so check it here (login CSRF).
        SessionAuthentication().enforce_csrf(request)
        user = _check_login(request)
        login(request._request, user)
        return Response({"username": user.get_username()})


class SessionLogoutView(KnownQueryParamsMixin, APIView):
    """``POST /api/auth/logout/``: end the dashboard session."""

    known_query_params = ()

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request) -> Response:
        from django.contrib.auth import logout

        logout(request._request)
        return Response({"ok": True})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(KnownQueryParamsMixin, APIView):
    """``GET /api/auth/me/``: ``{"authenticated", "username", "is_staff"}`` (200 either way, so the dashboard's
    first call is never an error); also sets the CSRF cookie the dashboard sends back on POST."""

    known_query_params = ()

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "authenticated": bool(user.is_authenticated),
                "username": user.get_username() if user.is_authenticated else None,
                # The dashboard offers staff-only actions (Capture now) only to staff.
                "is_staff": bool(user.is_authenticated and user.is_staff),
            }
        )
