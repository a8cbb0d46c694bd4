"""Small exact-arithmetic helpers shared by the quote, capture, close and intraday paths. Pure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

PCT_PLACES = Decimal("0.0001")


def pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """``numerator / denominator × 100`` rounded to 4 places (percent), or None when either is
    missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return (numerator / denominator * 100).quantize(PCT_PLACES)


def diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """``a − b``, or None when either is missing."""
    return a - b if a is not None and b is not None else None


def to_decimal(value: Any) -> Decimal | None:
    """A JSON/Redis value → finite Decimal, or None when absent or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None
