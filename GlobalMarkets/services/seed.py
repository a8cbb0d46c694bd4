"""Seeding the control markets (SPEC §10)."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from GlobalMarkets.models import Market
from GlobalMarkets.reference import CONTROL_MARKETS


def seed_control_markets(*, market_model: Any = None) -> int:
    """Create the control markets that are missing; returns how many were created.

    Existing rows are left as they are, so admin edits (capture switches, hours) survive re-seeding.
    ``market_model`` lets a data migration pass its historical model.
    """
    if market_model is None:
        market_model = Market
    created = 0
    for order, spec in enumerate(CONTROL_MARKETS, start=1):
        defaults = {
            "display_name": spec["display_name"],
            "timezone_name": spec["timezone_name"],
            "calendar_code": spec["calendar_code"],
            "open_time": time.fromisoformat(str(spec["open_time"])),
            "close_time": time.fromisoformat(str(spec["close_time"])),
            "enable_futures_capture": spec["enable_futures_capture"],
            "weight": Decimal(str(spec["weight"])),
            "sort_order": order,
            "calendar_hours": spec.get("calendar_hours", True),
        }
        # A data migration's historical model may predate some fields.
        known = {f.name for f in market_model._meta.get_fields()}
        defaults = {k: v for k, v in defaults.items() if k in known}
        _, was_created = market_model.objects.get_or_create(country=spec["country"], defaults=defaults)
        created += int(was_created)
    return created
