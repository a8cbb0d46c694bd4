"""Serializers for market-open sessions (SPEC §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from rest_framework import serializers

from ThorTrading.models import MarketSession


class MarketSessionSerializer(serializers.ModelSerializer):
    """Every column of a capture row; prices are JSON numbers in points, ``pnl_usd`` in USD.
    Output only (rows are written by captures and grading): every field is read-only, so the
    schema marks each as always present."""

    class Meta:
        model = MarketSession
        fields = "__all__"
        read_only_fields = tuple(f.name for f in MarketSession._meta.concrete_fields)


def session_rows(queryset: Any) -> list[dict[str, Any]]:
    """The rows of ``queryset`` exactly as :class:`MarketSessionSerializer` gives them (every column,
    in model order; datetimes ISO-8601 with ``Z``), read with ``values()`` instead of field by field:
    ~100 columns × 100 rows is the hot path of ``market-opens/latest/`` and the lists."""
    return iso_datetimes(list(queryset.values(*SESSION_COLUMNS)))


SESSION_COLUMNS = tuple(f.attname for f in MarketSession._meta.concrete_fields)
# Only these need converting: looking at every value of ~100 columns cost 2–3 ms on 108 rows.
SESSION_DATETIME_COLUMNS = tuple(
    f.attname for f in MarketSession._meta.concrete_fields if isinstance(f, models.DateTimeField)
)


def iso_datetimes(
    rows: list[dict[str, Any]], columns: tuple[str, ...] = SESSION_DATETIME_COLUMNS
) -> list[dict[str, Any]]:
    """``rows`` (from ``values()``) with the datetimes in ``columns`` as DRF's DateTimeField writes
    them (ISO-8601, UTC as ``Z``); ``None`` stays ``None``."""
    for row in rows:
        for key in columns:
            value = row.get(key)
            if isinstance(value, datetime):
                text = value.isoformat()
                row[key] = text[:-6] + "Z" if text.endswith("+00:00") else text
    return rows


class CompositeOut(serializers.Serializer):
    """The capture's composite (its TOTAL row): signal, weight sum, weighted average."""

    signal = serializers.CharField(allow_null=True)
    signal_weight_sum = serializers.IntegerField(allow_null=True)
    weighted_average = serializers.FloatField(allow_null=True)
    instrument_count = serializers.IntegerField(allow_null=True)
    stale_symbols = serializers.CharField(allow_null=True)


class EventTradeOut(serializers.Serializer):
    """The trade a card shows: TOTAL's is YM's (SPEC §6), another future's its own. Prices in
    points, P&L in USD per contract, ``hit_at`` UTC."""

    future = serializers.CharField()
    signal = serializers.CharField(allow_null=True)
    entry_price = serializers.FloatField(allow_null=True)
    target_high = serializers.FloatField(allow_null=True)
    target_low = serializers.FloatField(allow_null=True)
    outcome = serializers.CharField()
    hit_type = serializers.CharField(allow_null=True)
    hit_price = serializers.FloatField(allow_null=True)
    hit_at = serializers.DateTimeField(allow_null=True)
    pnl_usd = serializers.FloatField(allow_null=True)
    resolved_at = serializers.DateTimeField(
        allow_null=True, help_text="when the trade left PENDING: its first touch, or the window's end (EXPIRED)"
    )
    reason = serializers.CharField(
        allow_null=True, help_text="why there is no trade (e.g. 'stale quote') or why it EXPIRED"
    )
    stale = serializers.BooleanField(help_text="the traded quote was stale at capture")


class CaptureEventOut(serializers.Serializer):
    """One card of ``market-opens/events/``: a capture seen through one of its rows."""

    capture_group = serializers.IntegerField()
    session_id = serializers.IntegerField(help_text="the row; POST /api/trades/orders/from-capture/<id> trades it")
    future = serializers.CharField(help_text="the row's future (TOTAL by default)")
    country = serializers.CharField()
    session_number = serializers.IntegerField(allow_null=True)
    session_date = serializers.DateField()
    day = serializers.CharField()
    captured_at = serializers.DateTimeField()
    late = serializers.BooleanField()
    is_demo = serializers.BooleanField()
    composite = CompositeOut()
    trade = EventTradeOut()
    rows = MarketSessionSerializer(many=True, required=False, help_text="with rows=1: the capture's 12 rows")


class EventsPageOut(serializers.Serializer):
    """A page of ``market-opens/events/``: the count of matching rows, the neighbouring pages' URLs
    (null at either end) and the cards."""

    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = CaptureEventOut(many=True)
