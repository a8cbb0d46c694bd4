"""Serializers for market-open sessions (SPEC §9)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from ThorTrading.models import MarketSession


class MarketSessionSerializer(serializers.ModelSerializer):
    """Every column of a capture row; prices are JSON numbers in points, ``pnl_usd`` in USD."""

    class Meta:
        model = MarketSession
        fields = "__all__"


def session_rows(queryset: Any) -> list[dict[str, Any]]:
    """The rows of ``queryset`` exactly as :class:`MarketSessionSerializer` gives them (every column,
    in model order; datetimes ISO-8601 with ``Z``), read with ``values()`` instead of field by field:
    ~100 columns × 100 rows is the hot path of ``market-opens/latest/`` and the lists."""
    return iso_datetimes(list(queryset.values(*SESSION_COLUMNS)))


SESSION_COLUMNS = tuple(f.attname for f in MarketSession._meta.concrete_fields)


def iso_datetimes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (from ``values()``) with datetimes as DRF's DateTimeField writes them (ISO-8601, UTC as ``Z``)."""
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime):
                text = value.isoformat()
                row[key] = text[:-6] + "Z" if text.endswith("+00:00") else text
    return rows
