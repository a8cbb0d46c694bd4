"""``intraday/bars``, ``vwap`` and ``52w/``: the intraday metrics (SPEC §8, §9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.params import KnownQueryParamsMixin
from LiveData.ticks import parse_instant
from ThorTrading.api import schemas
from ThorTrading.selectors.intraday import bars_with_session_vwap, fifty_two_week, vwap_summary
from ThorTrading.services.config import get_trading_config


class SymbolQuerySerializer(serializers.Serializer):
    """``symbol``: one of the configured instruments, any case (``ym`` is YM, as a trader types it)."""

    symbol = serializers.CharField(required=False, default="", allow_blank=True)

    def validate_symbol(self, raw: str) -> str:
        symbol = raw.upper()
        symbols = {i.symbol for i in get_trading_config().instruments}
        if symbol not in symbols:
            raise serializers.ValidationError(f"{raw or 'missing'!r} is not one of {', '.join(sorted(symbols))}")
        return symbol


class InstantField(serializers.Field):
    """An ISO-8601 instant with an offset (``2025-12-01T14:30:00Z``), as an aware UTC datetime."""

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()

    def to_internal_value(self, data: Any) -> datetime:
        raw = str(data)
        value = parse_instant(raw)
        if value is None:
            raise serializers.ValidationError(
                f"{raw!r} is not an ISO-8601 instant with offset (e.g. 2025-12-01T14:30:00Z)"
            )
        try:
            # In UTC: PostgreSQL refuses offsets Python accepts (-20:23 is valid ISO-8601, not a time zone).
            return value.astimezone(UTC)
        except OverflowError:
            raise serializers.ValidationError(f"{raw!r} is out of range") from None


class BarsQuerySerializer(SymbolQuerySerializer):
    """``symbol``, ``start`` and ``end`` (instants; ``end`` defaults to now, ``start`` to two hours
    before ``end``); ``start`` must not be after ``end``."""

    start = InstantField(required=False)
    end = InstantField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["end"] = attrs.get("end") or clock.now()
        attrs["start"] = attrs.get("start") or attrs["end"] - timedelta(hours=2)
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"start": "must not be after end"})
        return attrs


class IntradayBarsView(KnownQueryParamsMixin, APIView):
    """``GET intraday/bars?symbol=YM&start=…&end=…``: 1-minute OHLCV bars (UTC minutes), at most
    1,440; without ``start`` the last two hours up to ``end`` (default now). Each bar carries the
    CME day's session VWAP as of that minute (``session_vwap``, null before any volume) — the
    intraday chart's VWAP line."""

    known_query_params = tuple(BarsQuerySerializer().fields)

    @extend_schema(parameters=[schemas.SYMBOL, schemas.START, schemas.END], responses={200: schemas.BarsOut})
    def get(self, request: Request) -> Response:
        query = BarsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        symbol = query.validated_data["symbol"]
        bars = bars_with_session_vwap(
            symbol=symbol, start=query.validated_data["start"], end=query.validated_data["end"]
        )
        return Response({"symbol": symbol, "bars": bars})


class VwapView(KnownQueryParamsMixin, APIView):
    """``GET vwap?symbol=YM``: the CME day's session VWAP and the last 30 minutes' VWAP."""

    known_query_params = tuple(SymbolQuerySerializer().fields)

    @extend_schema(parameters=[schemas.SYMBOL], responses={200: schemas.VwapOut})
    def get(self, request: Request) -> Response:
        query = SymbolQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return Response(vwap_summary(symbol=query.validated_data["symbol"]))


class FiftyTwoWeekView(KnownQueryParamsMixin, APIView):
    """``GET 52w/``: each symbol's 52-week high and low with dates and days of history behind them."""

    known_query_params = ()

    @extend_schema(responses={200: schemas.FiftyTwoWeekOut(many=True)})
    def get(self, request: Request) -> Response:
        return Response(fifty_two_week())
