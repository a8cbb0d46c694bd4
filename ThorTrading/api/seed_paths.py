"""The API paths the design documents name (the market-open plan's API summary), as aliases of
today's views (issue 14): ``/api/futures/market-opens/…``, ``/api/futures/snapshots/`` and
``/api/future-trading/market-close/capture``. Same views, same answers, in the schema too."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import converters  # noqa: F401  (registers the <pk:…> converter)
from core.params import KnownQueryParamsMixin
from ThorTrading.api import close, sessions
from ThorTrading.api.serializers import MarketSessionSerializer, session_rows
from ThorTrading.models import FUTURES, TOTAL, MarketSession
from ThorTrading.models.sessions import WNDW_CHOICES


class SnapshotQuerySerializer(serializers.Serializer):
    """``session``: the capture (its ``capture_group``); optional ``symbol`` (a future or TOTAL) and
    ``outcome`` (PENDING, WORKED, DIDNT_WORK, EXPIRED, NEUTRAL)."""

    session = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    symbol = serializers.ChoiceField(choices=[*FUTURES, TOTAL], required=False)
    outcome = serializers.ChoiceField(choices=[c for c, _ in WNDW_CHOICES], required=False)


class CaptureSnapshotView(KnownQueryParamsMixin, APIView):
    """``GET /api/futures/snapshots/?session=<capture_group>&symbol=&outcome=``: the rows of one
    capture (every column, as ``market-opens/``), in instrument order with TOTAL last; [] when the
    capture has none."""

    known_query_params = ("session", "symbol", "outcome")

    @extend_schema(parameters=[SnapshotQuerySerializer], responses={200: MarketSessionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        query = SnapshotQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        rows = MarketSession.objects.filter(capture_group=query.validated_data["session"])
        if "symbol" in query.validated_data:
            rows = rows.filter(future=query.validated_data["symbol"])
        if "outcome" in query.validated_data:
            rows = rows.filter(wndw=query.validated_data["outcome"])
        order = {s: i for i, s in enumerate([*FUTURES, TOTAL])}
        return Response(sorted(session_rows(rows), key=lambda r: order.get(r["future"], len(order))))


futures_urlpatterns = [
    path("market-opens/", sessions.MarketSessionListView.as_view(), name="futures-market-opens-list"),
    path("market-opens/today/", sessions.TodayMarketSessionsView.as_view(), name="futures-market-opens-today"),
    path("market-opens/pending/", sessions.PendingMarketSessionsView.as_view(), name="futures-market-opens-pending"),
    path("market-opens/stats/", sessions.MarketSessionStatsView.as_view(), name="futures-market-opens-stats"),
    path("market-opens/<pk:pk>/", sessions.MarketSessionDetailView.as_view(), name="futures-market-opens-detail"),
    path("snapshots/", CaptureSnapshotView.as_view(), name="futures-snapshots"),
]

future_trading_urlpatterns = [
    path("market-close/capture", close.MarketCloseCaptureView.as_view(), name="future-trading-market-close-capture"),
]
