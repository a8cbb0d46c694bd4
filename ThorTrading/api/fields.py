"""Serializer fields the ThorTrading API shares."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from GlobalMarkets.reference import CONTROL_COUNTRIES, normalize_country


class ControlCountryField(serializers.CharField):
    """A control market as a trader types it (any case or alias: usa, london, Pre_USA) → its
    canonical country; a 400 naming the control markets otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("help_text", "A control market, e.g. USA (any case or alias)")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        raw = super().to_internal_value(data)
        country = normalize_country(raw)
        if country is None:
            raise serializers.ValidationError(f"{raw!r} is not one of {', '.join(CONTROL_COUNTRIES)}")
        return country
