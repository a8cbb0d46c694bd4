"""``POST market-close/capture``: a market's close and range metrics, by hand (SPEC §6, §9)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ErrorSerializer
from core.params import KnownQueryParamsMixin
from ThorTrading.api.fields import ControlCountryField
from ThorTrading.choices import CloseCaptureStatus
from ThorTrading.services.close_capture import ERROR as CLOSE_ERROR
from ThorTrading.services.close_capture import NO_SESSIONS, capture_market_close


class MarketCloseInputSerializer(serializers.Serializer):
    """``country`` (a control market, any case: USA, usa, Pre_USA…) and ``force`` (staff only)."""

    country = ControlCountryField()
    force = serializers.BooleanField(default=False, help_text="Close again a capture already closed (staff only)")


class MarketCloseOutputSerializer(serializers.Serializer):
    """What the close capture did."""

    country = serializers.CharField()
    capture_group = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=CloseCaptureStatus.choices())
    message = serializers.CharField()
    close_rows_updated = serializers.IntegerField()
    range_rows_updated = serializers.IntegerField()


class MarketCloseCaptureView(KnownQueryParamsMixin, APIView):
    """``POST market-close/capture`` with ``country`` and ``force``: fill the close and range
    metrics of the market's latest capture. 200 ok / already_closed, 404 no_sessions, 400 bad
    input, 403 ``force`` without staff, 503 error. A state change, so POST only (with CSRF for a
    cookie session): ``GET`` answers 405 and says so."""

    known_query_params = ()

    @extend_schema(
        request=MarketCloseInputSerializer,
        responses={
            200: MarketCloseOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: MarketCloseOutputSerializer,
            503: MarketCloseOutputSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = MarketCloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        country, force = serializer.validated_data["country"], serializer.validated_data["force"]
        if force and not request.user.is_staff:
            raise PermissionDenied("force: only staff may force a close capture")
        result = capture_market_close(country=country, force=force)
        status_code = {NO_SESSIONS: 404, CLOSE_ERROR: 503}.get(result.status, 200)
        return Response(result.as_dict(), status=status_code)

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise MethodNotAllowed(
            request.method or "GET",
            detail=(
                f"{request.method} does not close a market: POST /api/ThorTrading/market-close/capture with country "
                "(and force=true, staff only)"
            ),
        )
