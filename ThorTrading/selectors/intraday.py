"""Reads of the intraday metrics (SPEC §8): 1-minute bars with the session VWAP, VWAP, 52-week extremes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ThorTrading.models import FutureTrading24Hour, MarketIntraday, Rolling52WeekStats, VwapMinute

#: A day of 1-minute bars: the most one request returns.
MAX_BARS = 1440


def bars_with_session_vwap(*, symbol: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """``symbol``'s 1-minute bars (UTC minutes, ``start`` … ``end`` inclusive, at most
    :data:`MAX_BARS`, oldest first) as dicts of ``minute``, OHLC (points), ``volume``, ``bid``,
    ``ask``, ``spread`` and ``session_vwap`` — the CME day's VWAP as of that minute (None before any
    volume). Two queries."""
    rows = MarketIntraday.objects.filter(symbol=symbol, minute__gte=start, minute__lte=end).order_by("minute")
    bars: list[dict[str, Any]] = [
        dict(b)
        for b in rows[:MAX_BARS].values("minute", "open", "high", "low", "close", "volume", "bid", "ask", "spread")
    ]
    if bars:
        vwap = dict(
            VwapMinute.objects.filter(
                symbol=symbol, minute__gte=bars[0]["minute"], minute__lte=bars[-1]["minute"]
            ).values_list("minute", "session_vwap")
        )
        for bar in bars:
            bar["session_vwap"] = vwap.get(bar["minute"])
    return bars


def vwap_summary(*, symbol: str) -> dict[str, Any]:
    """``{"symbol", "session": {trading_day, vwap, volume} or None, "minutes": the last 30 minutes'
    {minute, vwap, volume, session_vwap}, oldest first}``. Two queries."""
    day = FutureTrading24Hour.objects.filter(symbol=symbol).order_by("-trading_day").first()
    minutes = list(
        VwapMinute.objects.filter(symbol=symbol)
        .order_by("-minute")[:30]
        .values("minute", "vwap", "volume", "session_vwap")
    )
    return {
        "symbol": symbol,
        "session": {"trading_day": day.trading_day, "vwap": day.vwap, "volume": day.volume} if day else None,
        "minutes": minutes[::-1],
    }


def fifty_two_week() -> list[dict[str, Any]]:
    """Each symbol's 52-week high and low with their dates and the days of history behind them. One query."""
    rows = Rolling52WeekStats.objects.order_by("symbol").values(
        "symbol", "high_52w", "high_52w_date", "low_52w", "low_52w_date", "history_days", "updated_at"
    )
    return [dict(row) for row in rows]
