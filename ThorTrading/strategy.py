"""The market-open strategy as pure functions: the snapshot, the capture rows, the first touch
(SPEC §4–§7). No Django, no Redis: the live capture and grader, the replay and the backtest all call
these, so there is one implementation of each rule.

- :func:`snapshot` — latest quotes + configuration → dashboard rows and the composite TOTAL (§4).
- :func:`capture_rows` — a snapshot → the 12 captured rows' prices, signals, entries and targets (§6).
- ``ThorTrading.grading.first_touch`` — which tick of a series first touches a trade's target or stop (§7).

Prices are Decimal points; percentages percent; instants aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from LiveData.ticks import Quote, parse_instant
from ThorTrading import choices, grading, signals
from ThorTrading.composite import CompositeInput, compute_composite
from ThorTrading.config import InstrumentConfig, TradingConfig
from ThorTrading.numbers import diff, pct, to_decimal
from ThorTrading.targets import compute_targets, entry_price

TOTAL = choices.TOTAL


def traded_symbol(future: str) -> str:
    """The future a row's trade is in: TOTAL trades YM (SPEC §6); every other row its own."""
    return "YM" if future == TOTAL else future


def _int(value: Any) -> int | None:
    number = to_decimal(value)
    return int(number) if number is not None else None


def is_stale(quote: Quote | None, *, now: datetime, stale_seconds: float) -> bool:
    """True when there is no quote or it was not updated in the last ``stale_seconds``."""
    if not quote:
        return True
    ingested = parse_instant(quote.get("ts_ingest"))
    return ingested is None or (now - ingested).total_seconds() > stale_seconds


def row_metrics(
    *,
    last: Decimal | None,
    open_: Decimal | None,
    prev: Decimal | None,
    high: Decimal | None,
    low: Decimal | None,
    high_52w: Decimal | None,
    low_52w: Decimal | None,
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
    quote: Quote | None,
    *,
    signal_weights: dict[str, int],
    now: datetime,
    stale_seconds: float,
    intraday: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One dashboard row for ``instrument`` from its latest ``quote`` (None → a row of nulls).

    ``intraday`` is the recorder's summary for the symbol: session ``vwap`` and the 52-week
    ``high_52w``/``low_52w`` kept from daily highs and lows (preferred over the feed's own)."""
    q: Mapping[str, Any] = quote or {}
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
        "source": q.get("source") or None,
        "stale": is_stale(quote, now=now, stale_seconds=stale_seconds),
    }
    row.update(row_metrics(last=last, open_=open_, prev=prev, high=high, low=low, high_52w=high_52w, low_52w=low_52w))
    return row


def snapshot(
    config: TradingConfig,
    quotes: Mapping[str, Quote],
    *,
    now: datetime,
    stale_seconds: float,
    intraday: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``(rows, total)``: one row per instrument of ``config`` in display order (see
    :func:`enrich_quote`) from ``quotes`` (latest quote by symbol), and the composite TOTAL (SPEC §4)
    with ``symbol`` "TOTAL", ``stale_symbols`` and ``sources`` (the feeds the quotes came from)."""
    summary = intraday or {}
    rows = [
        enrich_quote(
            inst,
            quotes.get(inst.symbol),
            signal_weights=config.signal_weights,
            now=now,
            stale_seconds=stale_seconds,
            intraday=summary.get(inst.symbol),
        )
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
    total["symbol"] = TOTAL
    total["stale_symbols"] = [r["symbol"] for r in rows if r["stale"]]
    total["sources"] = sorted({r["source"] for r in rows if r["source"]})
    return rows, total


def signal_map(rows: list[dict[str, Any]]) -> str:
    """``YM=BUY,ES=HOLD,…``: each future's signal at capture, kept on the TOTAL row so that signal
    insight reads one row per capture. Futures without a signal are left out."""
    return ",".join(f"{r['symbol']}={r['extended_data']['signal']}" for r in rows if r["extended_data"]["signal"])


def _trade_fields(signal: str | None, row: dict[str, Any], config: TradingConfig, symbol: str) -> dict[str, Any]:
    """entry, targets and the initial wndw for a trade on ``symbol`` in ``signal``'s direction."""
    instrument = config.by_symbol.get(symbol)
    entry = entry_price(signal, bid=row["bid"], ask=row["ask"], last=row["last"])
    levels = None
    if instrument is not None:
        levels = compute_targets(
            signal=signal,
            entry=entry,
            mode=instrument.target_mode,
            profit_target=instrument.profit_target,
            stop_loss=instrument.stop_loss,
            tick_size=instrument.tick_size,
            tick_value=instrument.tick_value,
        )
    return {
        "entry_price": entry,
        "target_high": levels[0] if levels else None,
        "target_low": levels[1] if levels else None,
        "wndw": grading.PENDING if entry is not None and levels else grading.NEUTRAL,
    }


def _price_fields(row: dict[str, Any]) -> dict[str, Any]:
    last = row["last"]
    high_52w, low_52w = row["extended_data"]["high_52w"], row["extended_data"]["low_52w"]
    range_52w = high_52w - low_52w if high_52w is not None and low_52w is not None else None
    return {
        "last_price": last,
        "change": row["change"],
        "change_percent": row["change_percent"],
        "vwap": row["vwap"],
        "bid_price": row["bid"],
        "bid_size": row["bid_size"],
        "ask_price": row["ask"],
        "ask_size": row["ask_size"],
        "spread": row["spread"],
        "volume": row["volume"],
        "open_price_24h": row["open_price"],
        "prev_close_24h": row["previous_close"],
        "open_prev_diff_24h": row["open_prev_diff"],
        "open_prev_pct_24h": row["open_prev_pct"],
        "low_24h": row["low_price"],
        "high_24h": row["high_price"],
        "range_diff_24h": row["range_diff"],
        "range_pct_24h": row["range_pct"],
        "low_52w": low_52w,
        "high_52w": high_52w,
        # At capture the 52-week percentages are relative to the last price (SPEC §6).
        "low_pct_52w": pct(last - low_52w, last) if last is not None and low_52w is not None else None,
        "high_pct_52w": pct(high_52w - last, last) if last is not None and high_52w is not None else None,
        "range_52w": range_52w,
        "range_pct_52w": pct(range_52w, last),
        "market_open": last,
        "market_high_open": last,
        "market_high_pct_open": Decimal(0) if last is not None else None,
        "market_low_open": last,
        "market_low_pct_open": Decimal(0) if last is not None else None,
        "stale": row["stale"],
    }


#: Why a row whose traded quote was stale at capture has no trade.
STALE_QUOTE = "stale quote"


def _refuse_stale(fields: dict[str, Any], traded: dict[str, Any]) -> dict[str, Any]:
    """``fields`` without a trade when ``traded`` (the row whose price it would fill at) was stale:
    a fill at a price the feed stopped updating is not one a trader could have had (issue 25)."""
    if not traded["stale"] or fields["wndw"] != grading.PENDING:
        return fields
    return {
        **fields,
        "entry_price": None,
        "target_high": None,
        "target_low": None,
        "wndw": grading.NEUTRAL,
        "reason": STALE_QUOTE,
    }


def capture_rows(
    rows: list[dict[str, Any]], total: dict[str, Any], config: TradingConfig, *, trade_stale: bool = False
) -> list[dict[str, Any]]:
    """The 12 rows of a market-open capture from a :func:`snapshot` (SPEC §6): for each future its
    prices at capture, ``future``, ``bhs``, ``weight``, ``entry_price``, ``target_high``,
    ``target_low`` and ``wndw`` (PENDING with a trade, else NEUTRAL); then TOTAL with the composite,
    trading YM (YM's prices, YM's side of the book in the composite's direction, YM's targets).
    ``MarketSession`` field names; the capture adds when, where and the backtest statistics.

    A row whose traded quote is stale (TOTAL's: YM's) is not traded — NEUTRAL, no entry or levels,
    ``reason`` :data:`STALE_QUOTE` — unless ``trade_stale`` (the backtest: on a recorded tape a quote's
    age is the time since the instrument last traded, not a feed gone dark)."""
    captured: list[dict[str, Any]] = []
    for row in rows:
        signal = row["extended_data"]["signal"]
        trade = _trade_fields(signal, row, config, row["symbol"])
        captured.append(
            {
                **_price_fields(row),
                **(trade if trade_stale else _refuse_stale(trade, row)),
                "future": row["symbol"],
                "bhs": signal or "",
                "weight": row["extended_data"]["signal_weight"],
            }
        )
    composite = total["composite_signal"]
    total_row: dict[str, Any] = {
        "future": TOTAL,
        "bhs": composite or "",
        "weight": total["signal_weight_sum"],
        "weighted_average": total["avg_weighted"],
        "sum_weighted": total["sum_weighted"],
        "instrument_count": total["count"],
        "stale_symbols": ",".join(total["stale_symbols"]),
        "signals": signal_map(rows),
        "wndw": grading.NEUTRAL,
    }
    ym = next((r for r in rows if r["symbol"] == "YM"), None)
    if ym is not None:
        total_row.update(_price_fields(ym))
        trade = _trade_fields(composite, ym, config, "YM")
        total_row.update(trade if trade_stale else _refuse_stale(trade, ym))
    captured.append(total_row)
    return captured
