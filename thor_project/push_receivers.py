"""Market events to ``/ws/events/`` (SPEC §14): market status changes and captures, on commit.

Grades, expiries, orders and margin calls are pushed where they happen (ThorTrading grading,
ActAndPos order engine); these two come from other apps' signals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from core.push import EVENTS_GROUP, push, push_on_commit
from GlobalMarkets.signals import market_status_changed
from ThorTrading.events import market_captured


@receiver(market_status_changed, dispatch_uid="thor-push-market-status")
def _market_status(sender: Any, market: Any, old: str, new: str, at: datetime, **kwargs: Any) -> None:
    push_on_commit(EVENTS_GROUP, {"type": "market_status", "country": market.country, "old": old, "new": new, "at": at})


@receiver(market_captured, dispatch_uid="thor-push-capture")
def _capture(sender: Any, capture_group: int, country: str, **kwargs: Any) -> None:
    # market_captured is sent after the capture's transaction committed.
    # The composite's signal rides along, so a browser can tell the trader without another request.
    from ThorTrading.models import MarketSession

    signal = (
        MarketSession.objects.filter(capture_group=capture_group, future="TOTAL").values_list("bhs", flat=True).first()
    )
    push(
        EVENTS_GROUP, {"type": "capture", "capture_group": capture_group, "country": country, "signal": signal or None}
    )
