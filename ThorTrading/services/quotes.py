"""Quote enrichment: latest quotes in Redis + configuration → dashboard rows and the TOTAL (SPEC §4),
through the pure :func:`ThorTrading.strategy.snapshot`.

One Redis round trip (HGETALL of the latest-quotes hash) plus the cached configuration; no SQL on a
warm cache. Rows are dicts with Decimal prices (points) and percentages; the API renders them as
JSON numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from core import clock
from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from ThorTrading import strategy
from ThorTrading.services.config import TradingConfig, get_trading_config

#: Written by ThorTrading.services.intraday once a minute: {symbol: {vwap, high_52w, low_52w}}.
INTRADAY_SUMMARY_KEY = "thor:intraday:summary"


def _parse_summary(raw: dict[str, str]) -> dict[str, dict[str, Any]]:
    import json

    parsed: dict[str, dict[str, Any]] = {}
    for symbol, text in raw.items():
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            parsed[symbol] = value
    return parsed


def get_enriched_quotes_with_composite(
    *,
    live: LiveDataRedis | None = None,
    config: TradingConfig | None = None,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(rows, total)`` of :func:`ThorTrading.strategy.snapshot` over the latest quotes in Redis and
    the intraday summary (one round trip), with the cached configuration.

    Raises ``redis.exceptions.RedisError`` when Redis cannot be read (callers answer 503).
    """
    live = live or get_live_data_redis()
    config = config or get_trading_config()
    now = now or clock.now()
    quotes, raw_summary = live.get_latest_quotes_and_hash(INTRADAY_SUMMARY_KEY)
    # A feed polling once a real second looks 600 s old on a 600× clock: staleness is real time.
    stale_seconds = settings.THOR_QUOTE_STALE_SECONDS * clock.speed()
    return strategy.snapshot(config, quotes, now=now, stale_seconds=stale_seconds, intraday=_parse_summary(raw_summary))


def quotes_message(*, live: LiveDataRedis | None = None) -> dict[str, Any]:
    """The ``/ws/quotes/`` message: ``{"type": "quotes", "rows": […], "total": {…}}`` — the
    ``quotes/latest`` body with a type (the quote pusher may keep only the changed rows and mark it
    ``"partial": true``). Raises ``RedisError`` when Redis cannot be read."""
    rows, total = get_enriched_quotes_with_composite(live=live)
    return {"type": "quotes", "rows": rows, "total": total}
