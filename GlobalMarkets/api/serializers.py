"""Output shapes of the GlobalMarkets API (SPEC §9, §10), for the schema (``extend_schema``)."""

from __future__ import annotations

from rest_framework import serializers

from GlobalMarkets.choices import MarketStatus


class MarketOut(serializers.Serializer):
    country = serializers.CharField()
    display_name = serializers.CharField()
    timezone = serializers.CharField()
    calendar = serializers.CharField()
    status = serializers.ChoiceField(choices=MarketStatus.choices())
    local_time = serializers.CharField()
    next_open = serializers.DateTimeField(allow_null=True)
    next_close = serializers.DateTimeField(allow_null=True)
    is_control_market = serializers.BooleanField()
    enable_futures_capture = serializers.BooleanField()
    enable_open_capture = serializers.BooleanField()
    enable_close_capture = serializers.BooleanField()
    calendar_covered_until = serializers.DateField(allow_null=True)


class NextEventOut(serializers.Serializer):
    country = serializers.CharField()
    event = serializers.ChoiceField(choices=["open", "close"])
    at = serializers.DateTimeField()


class MarketStatsOut(serializers.Serializer):
    now = serializers.DateTimeField()
    any_open = serializers.BooleanField()
    us_open = serializers.BooleanField()
    open_markets = serializers.ListField(child=serializers.CharField())
    next_event = NextEventOut(allow_null=True)
