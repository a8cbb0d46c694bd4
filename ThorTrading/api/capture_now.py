"""``POST market-opens/capture``: Capture now from the dashboard (issue 25), for staff.

The same service as the admin's "Capture now" action and ``manage.py capture_market_open --force``: a
forced capture of one market at this instant (one try; a failure is recorded as a missed capture).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ErrorSerializer
from core.params import KnownQueryParamsMixin
from GlobalMarkets.models import Market
from ThorTrading.api.fields import ControlCountryField
from ThorTrading.choices import CaptureStatus
from ThorTrading.services.capture import capture_market_open


class CaptureNowInputSerializer(serializers.Serializer):
    """``country``: a control market, any case or alias (USA, usa, london…)."""

    country = ControlCountryField()


class CaptureNowOutputSerializer(serializers.Serializer):
    """What the capture did: ``status`` (captured or failed), the ``capture_group`` made, rows, message."""

    country = serializers.CharField()
    status = serializers.ChoiceField(choices=CaptureStatus.choices())
    capture_group = serializers.IntegerField(allow_null=True)
    rows = serializers.IntegerField()
    local_date = serializers.CharField()
    message = serializers.CharField()


class CaptureNowView(KnownQueryParamsMixin, APIView):
    """``POST market-opens/capture`` with ``country`` (staff only): capture that market now, forced
    (whatever its switches and an earlier capture today). 201 with the capture; 503 when it failed
    (Redis or the database away: recorded as a missed capture); 400 bad input; 403 not staff."""

    known_query_params = ()
    permission_classes = [IsAdminUser]

    @extend_schema(
        request=CaptureNowInputSerializer,
        responses={
            201: CaptureNowOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            503: CaptureNowOutputSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        given = CaptureNowInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        market = Market.objects.get(country=given.validated_data["country"])
        result = capture_market_open(market=market, force=True, tries=1)
        body = {
            "country": result.country,
            "status": result.status,
            "capture_group": result.capture_group,
            "rows": result.rows,
            "local_date": result.local_date,
            "message": result.message,
        }
        return Response(body, status=201 if result.status == CaptureStatus.CAPTURED else 503)
