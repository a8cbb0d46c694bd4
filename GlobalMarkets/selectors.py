"""Reads shared by the GlobalMarkets API (SPEC §9, §10)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from GlobalMarkets import schedule
from GlobalMarkets.models import Market
from GlobalMarkets.services.status import market_days

LOOKAHEAD_DAYS = 14


def market_overview(*, now: datetime) -> list[dict[str, Any]]:
    """Every active market, east to west: status, local time, next open and close (UTC ISO-8601),
    capture switches. Two queries."""
    markets = list(Market.objects.filter(is_active=True))
    days = market_days(markets, (now - timedelta(days=1)).date(), (now + timedelta(days=LOOKAHEAD_DAYS)).date())
    overview = []
    for market in markets:
        trading = [d for d in days[market.pk] if d.is_trading_day and d.open_at and d.close_at]
        next_open = min((d.open_at for d in trading if d.open_at and d.open_at > now), default=None)
        next_close = min((d.close_at for d in trading if d.close_at and d.close_at > now), default=None)
        overview.append(
            {
                "country": market.country,
                "display_name": market.display_name,
                "timezone": market.timezone_name,
                "calendar": market.calendar_code,
                "status": market.status,
                "local_time": market.local_time(now).isoformat(),
                "next_open": next_open.isoformat() if next_open else None,
                "next_close": next_close.isoformat() if next_close else None,
                "is_control_market": market.is_control_market,
                "enable_futures_capture": market.enable_futures_capture,
                "enable_open_capture": market.enable_open_capture,
                "enable_close_capture": market.enable_close_capture,
                "calendar_covered_until": market.calendar_covered_until,
            }
        )
    return overview


def market_stats(*, now: datetime) -> dict[str, Any]:
    """``{now, any_open, us_open, open_markets, next_event}``; ``next_event`` is the soonest open
    or close of any market: ``{country, event, at}``."""
    overview = market_overview(now=now)
    open_markets = [m["country"] for m in overview if m["status"] in schedule.TRADING]
    upcoming = [
        (m[key], m["country"], event)
        for m in overview
        for key, event in (("next_open", "open"), ("next_close", "close"))
        if m[key]
    ]
    at, country, event = min(upcoming) if upcoming else (None, None, None)
    return {
        "now": now.isoformat(),
        "any_open": bool(open_markets),
        "us_open": "USA" in open_markets,
        "open_markets": open_markets,
        "next_event": {"country": country, "event": event, "at": at} if at else None,
    }


def any_control_market_trading() -> bool:
    """Whether any active control market is trading now (status open, or in its pre-open or lunch
    hours as :data:`GlobalMarkets.schedule.TRADING` counts them). One query."""
    return Market.objects.filter(is_active=True, is_control_market=True, status__in=schedule.TRADING).exists()
