"""GlobalMarkets REST views (SPEC §9)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.params import KnownQueryParamsMixin
from GlobalMarkets.api import serializers
from GlobalMarkets.selectors import market_overview, market_stats


class MarketListView(KnownQueryParamsMixin, APIView):
    """``GET /api/global-markets/markets/``: markets with status, local time, next open and close."""

    known_query_params = ()

    @extend_schema(responses={200: serializers.MarketOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(market_overview(now=clock.now()))


class MarketStatsView(KnownQueryParamsMixin, APIView):
    """``GET /api/global-markets/stats/``: ``{now, any_open, us_open, open_markets, next_event}``."""

    known_query_params = ()

    @extend_schema(responses={200: serializers.MarketStatsOut})
    def get(self, request: Request) -> Response:
        return Response(market_stats(now=clock.now()))
