"""Output shapes and parameters of the feed API (SPEC §3.2, §9), for the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class SnapshotOut(serializers.Serializer):
    quotes = serializers.DictField(child=serializers.DictField(), help_text="quote JSON by symbol (SPEC §3.2)")
    count = serializers.IntegerField()


SYMBOLS = OpenApiParameter(
    "symbols",
    str,
    pattern=r"^[A-Za-z0-9$/._-]{1,20}(,[A-Za-z0-9$/._-]{1,20})*$",
    description="comma-separated, e.g. YM,ES (default: all)",
)
