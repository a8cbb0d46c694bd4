"""The market monitor: moves every market through its statuses by the clock (SPEC §10).

Each step takes every scheduled change between the previous step and now — from all markets,
merged in time order — and applies them one by one, so even at 600× every open and close happens,
in order, exactly once. The first step (bootstrap) sets each market straight to its current status;
a market already OPEN in the database (Thor restarted mid-session) gets no second ``market_opened``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from core import clock as thor_clock
from GlobalMarkets import schedule
from GlobalMarkets.models import Market
from GlobalMarkets.services.status import market_days, transition
from GlobalMarkets.signals import markets_bootstrapped

logger = logging.getLogger(__name__)


class MarketMonitor:
    """One monitoring step at a time; ``interval`` is the real seconds between steps."""

    def __init__(self, *, now: Callable[[], datetime] = thor_clock.now, interval: float = 0.5) -> None:
        self.now = now
        self.interval = interval
        self.last: datetime | None = None

    def step(self, stop: threading.Event | None = None) -> float:
        """Apply every change due since the last step; returns the seconds to wait."""
        now = self.now()
        markets = list(Market.objects.filter(is_active=True))
        since = self.last or now
        days = market_days(markets, (since - timedelta(days=2)).date(), (now + timedelta(days=2)).date())
        if self.last is None:
            self._bootstrap(markets, days, now)
        else:
            events = sorted(
                (
                    (event, market.sort_order, market)
                    for market in markets
                    for event in schedule.events_between(days[market.pk], market.tz, self.last, now)
                ),
                key=lambda item: (item[0], item[1], item[2].pk),
            )
            for event, _, market in events:
                transition(market, event.status, at=event.at)
        self.last = now
        return self.interval

    def _bootstrap(self, markets: list[Market], days: dict[int, list[schedule.Day]], now: datetime) -> None:
        for market in markets:
            status = schedule.status_at(days[market.pk], market.tz, now)
            latest = [e for d in days[market.pk] for e in schedule.day_events(d, market.tz) if e.at <= now]
            at = max(latest).at if latest else now
            transition(market, status, at=at, bootstrap=True)
        open_markets = [m for m in markets if m.status in schedule.TRADING]
        logger.info(
            "market monitor bootstrapped at %s: open %s",
            now.isoformat(),
            ", ".join(m.country for m in open_markets) or "none",
        )
        markets_bootstrapped.send(sender=Market, open_markets=open_markets, at=now)
