"""Serializers for market-open sessions (SPEC §9)."""

from __future__ import annotations

from rest_framework import serializers

from ThorTrading.models import MarketSession


class MarketSessionSerializer(serializers.ModelSerializer):
    """Every column of a capture row; prices are JSON numbers in points, ``pnl_usd`` in USD."""

    class Meta:
        model = MarketSession
        fields = "__all__"
