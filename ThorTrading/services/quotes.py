"""Quote enrichment: latest quotes + configuration → dashboard rows and the TOTAL (SPEC §4).

One Redis round trip (HGETALL of the latest-quotes hash) plus the cached configuration; no SQL on a
warm cache. Rows are dicts with Decimal prices (points) and percentages; the API renders them as
JSON numbers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from LiveData.ticks import parse_instant
from thor_project import clock
from ThorTrading import signals
from ThorTrading.composite import CompositeInput, compute_composite
from ThorTrading.numbers import diff, pct
from ThorTrading.services.config import InstrumentConfig, TradingConfig, get_trading_config

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


def _int(value: Any) -> int | None:
    number = to_decimal(value)
    return int(number) if number is not None else None






def is_stale(quote: dict[str, Any] | None, *, now: datetime, stale_seconds: float) -> bool:
    """True when there is no quote or it was not updated in the last ``stale_seconds``."""
    if not quote:
        return True
    ingested = parse_instant(quote.get("ts_ingest"))
    return ingested is None or (now - ingested).total_seconds() > stale_seconds


def row_metrics(
    *, last: Decimal | None, open_: Decimal | None, prev: Decimal | None, high: Decimal | None,
    low: Decimal | None, high_52w: Decimal | None, low_52w: Decimal | None,
) -> dict[str, Decimal | None]:
    """The row metrics of SPEC §4, in points and percent. Percentages of the 24-hour values divide
    by the previous close; the 52-week ones by the 52-week low (above-low) or high (below-high)."""
    last_prev = diff(last, prev)
    open_prev = diff(open_, prev)
    high_prev = diff(high, prev)
    low_prev = diff(low, prev)
    range_diff = diff(high, low)
    above_low = diff(last, low_52w)
    below_high = diff(high_52w, last)
    return {
        "last_prev_diff": last_prev,
        "last_prev_pct": pct(last_prev, prev),
        "open_prev_diff": open_prev,
        "open_prev_pct": pct(open_prev, prev),
        "high_prev_diff": high_prev,
        "high_prev_pct": pct(high_prev, prev),
        "low_prev_diff": low_prev,
        "low_prev_pct": pct(low_prev, prev),
        "range_diff": range_diff,
        "range_pct": pct(range_diff, prev),
        "last_52w_above_low_diff": above_low,
        "last_52w_above_low_pct": pct(above_low, low_52w),
        "last_52w_below_high_diff": below_high,
        "last_52w_below_high_pct": pct(below_high, high_52w),
    }


def enrich_quote(
    instrument: InstrumentConfig,
    quote: dict[str, Any] | None,
    *,
    signal_weights: dict[str, int],
    now: datetime,
    stale_seconds: float,
    intraday: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One dashboard row for ``instrument`` from its latest ``quote`` (None → a row of nulls).

    ``intraday`` is the recorder's summary for the symbol: session ``vwap`` and the 52-week
    ``high_52w``/``low_52w`` kept from daily highs and lows (preferred over the feed's own)."""
    q = quote or {}
    extra = intraday or {}
    last, bid, ask = to_decimal(q.get("last")), to_decimal(q.get("bid")), to_decimal(q.get("ask"))
    prev = to_decimal(q.get("close"))
    open_, high, low = to_decimal(q.get("open")), to_decimal(q.get("high_24h")), to_decimal(q.get("low_24h"))
    high_52w = to_decimal(extra.get("high_52w")) or to_decimal(q.get("high_52w"))
    low_52w = to_decimal(extra.get("low_52w")) or to_decimal(q.get("low_52w"))
    change = to_decimal(q.get("change"))
    signal = signals.classify(change, instrument.thresholds)
    stat_value = instrument.thresholds.value_for(signal) if signal and instrument.thresholds else None
    weight = signals.signal_weight(signal, weights=signal_weights, inverse=instrument.inverse_weight)
    row: dict[str, Any] = {
        "instrument": instrument.as_row_instrument(),
        "symbol": instrument.symbol,
        "price": last,
        "last": last,
        "bid": bid,
        "ask": ask,
        "bid_size": _int(q.get("bid_size")),
        "ask_size": _int(q.get("ask_size")),
        "volume": _int(q.get("volume")),
        "open_price": open_,
        "high_price": high,
        "low_price": low,
        "close_price": prev,
        "previous_close": prev,
        "change": change,
        "change_percent": pct(change, prev),
        "spread": diff(ask, bid),
        "vwap": to_decimal(extra.get("vwap")),
        "extended_data": {
            "signal": signal,
            "stat_value": stat_value,
            "contract_weight": instrument.contract_weight,
            "signal_weight": weight if signal else None,
            "high_52w": high_52w,
            "low_52w": low_52w,
        },
        "ts_ingest": q.get("ts_ingest"),
        "stale": is_stale(quote, now=now, stale_seconds=stale_seconds),
    }
    row.update(row_metrics(last=last, open_=open_, prev=prev, high=high, low=low, high_52w=high_52w, low_52w=low_52w))
    return row


def get_enriched_quotes_with_composite(
    *,
    live: LiveDataRedis | None = None,
    config: TradingConfig | None = None,
    now: datetime | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(rows, total)``: one row per active instrument in display order, and the composite TOTAL.

    Raises ``redis.exceptions.RedisError`` when Redis cannot be read (callers answer 503).
    """
    live = live or get_live_data_redis()
    config = config or get_trading_config()
    now = now or clock.now()
    quotes, raw_summary = live.get_latest_quotes_and_hash(INTRADAY_SUMMARY_KEY)
    summary = _parse_summary(raw_summary)
    # A feed polling once a real second looks 600 s old on a 600× clock: staleness is real time.
    stale_seconds = settings.THOR_QUOTE_STALE_SECONDS * clock.speed()
    rows = [
        enrich_quote(inst, quotes.get(inst.symbol), signal_weights=config.signal_weights, now=now,
                     stale_seconds=stale_seconds, intraday=summary.get(inst.symbol))
        for inst in config.instruments
    ]
    stamps = [parse_instant(r["ts_ingest"]) for r in rows]
    as_of = max((s for s in stamps if s is not None), default=None)
    total = compute_composite(
        (
            CompositeInput(
                signal=r["extended_data"]["signal"],
                stat_value=r["extended_data"]["stat_value"],
                contract_weight=r["extended_data"]["contract_weight"],
                signal_weight=r["extended_data"]["signal_weight"] or 0,
            )
            for r in rows
        ),
        as_of=as_of,
    )
    total["symbol"] = "TOTAL"
    total["stale_symbols"] = [r["symbol"] for r in rows if r["stale"]]
    return rows, total
