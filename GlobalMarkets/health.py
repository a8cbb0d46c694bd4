"""GlobalMarkets' health check for ``GET /api/health/`` (registered in ``GlobalMarketsConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

from core import clock
from GlobalMarkets.services.calendars import coverage_warnings


def calendars_health() -> dict[str, Any]:
    """``{"warnings": [...]}``: markets whose exchange calendar ends too soon (SPEC §10)."""
    try:
        return {"warnings": coverage_warnings(clock.now().date())}
    except DatabaseError:
        return {"warnings": ["unknown: database down"]}
