"""Market status transitions, committed before their signals are sent (SPEC §10)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction

from GlobalMarkets import schedule
from GlobalMarkets.models import Market, TradingDay
from GlobalMarkets.schedule import Day, fallback_day
from GlobalMarkets.signals import market_closed, market_opened, market_status_changed

logger = logging.getLogger(__name__)


def market_days(markets: Iterable[Market], start: date, end: date) -> dict[int, list[Day]]:
    """Each market's days from ``start`` to ``end`` (local dates) in one query. A weekday with no
    ``TradingDay`` row (never synced, or past the sync) trades at the market's configured hours."""
    markets = list(markets)
    rows: dict[int, dict[date, Day]] = defaultdict(dict)
    for td in TradingDay.objects.filter(market__in=markets, date__range=(start, end)).only(
        "market_id", "date", "is_trading_day", "open_at", "close_at", "early_close"
    ):
        rows[td.market_id][td.date] = Day(td.date, td.is_trading_day, td.open_at, td.close_at, td.early_close)
    result: dict[int, list[Day]] = {}
    for market in markets:
        days = []
        on = start
        while on <= end:
            day = rows[market.pk].get(on) or fallback_day(on, market.tz, market.open_time, market.close_time)
            if day is not None:
                days.append(day)
            on += timedelta(days=1)
        result[market.pk] = days
    return result


def transition(market: Market, new: str, *, at: datetime, bootstrap: bool = False) -> bool:
    """Move ``market`` to status ``new`` as of ``at``. Returns False when it already was there.

    The change is committed first; then ``market_status_changed`` and, where the market opened or
    closed, ``market_opened`` / ``market_closed`` are sent — once, by whoever made the change.
    """
    with transaction.atomic():
        locked = Market.objects.select_for_update().get(pk=market.pk)
        old = locked.status
        if old == new:
            return False
        Market.objects.filter(pk=market.pk).update(status=new, status_changed_at=at)
        locked.status, locked.status_changed_at = new, at
        transaction.on_commit(lambda: _announce(locked, old, new, at, bootstrap))
    market.status, market.status_changed_at = new, at
    return True


def _announce(market: Market, old: str, new: str, at: datetime, bootstrap: bool) -> None:
    logger.info("%s: %s → %s at %s%s", market.country, old, new, at.isoformat(), " (bootstrap)" if bootstrap else "")
    market_status_changed.send(sender=Market, market=market, old=old, new=new, at=at)
    if new in schedule.TRADING and old not in schedule.TRADING:
        market_opened.send(sender=Market, market=market, at=at, bootstrap=bootstrap)
    elif old in schedule.TRADING and new not in schedule.TRADING:
        market_closed.send(sender=Market, market=market, at=at)
