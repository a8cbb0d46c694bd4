"""Demo history for trying Thor and for benchmarks: realistic captured sessions, marked ``is_demo``.

Deterministic for a given seed. Each weekday of each control market gets one capture of 12 rows
(the 11 futures and TOTAL) with signals, entries on the tick grid, $100 targets and outcomes; days
that already have a capture are left alone.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from core import clock
from GlobalMarkets.models import Market
from ThorTrading import grading, signals, targets
from ThorTrading.composite import composite_signal
from ThorTrading.models import FUTURES, TOTAL, MarketSession, traded_symbol
from ThorTrading.reference import INSTRUMENTS
from ThorTrading.selectors.cache import bump_analytics_version

BASE_PRICE = {
    "YM": 47000,
    "ES": 6800,
    "NQ": 25000,
    "RTY": 2450,
    "CL": 60,
    "SI": 50,
    "HG": 5,
    "GC": 4100,
    "VX": 18,
    "DX": 99,
    "ZB": 117,
}
SIGNAL_MIX = [(signals.STRONG_BUY, 1), (signals.BUY, 3), (signals.HOLD, 3), (signals.SELL, 3), (signals.STRONG_SELL, 1)]


def seed_demo_sessions(
    *, days: int, seed: int = 1, end: date, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write demo captures for the ``days`` calendar days before ``end``; returns rows written."""
    rng = random.Random(seed)
    specs = {str(s["symbol"]): s for s in INSTRUMENTS}
    markets = list(Market.objects.filter(is_active=True, is_control_market=True))
    taken = set(MarketSession.objects.values_list("country", "session_date").distinct())
    group = (MarketSession.objects.aggregate(m=Max("capture_group"))["m"] or 0) + 1
    numbers = {m.country: 0 for m in markets}
    prices = {s: Decimal(BASE_PRICE[s]) for s in FUTURES}
    batch: list[MarketSession] = []
    written = 0
    start = end - timedelta(days=days)
    for offset in range(days):
        on = start + timedelta(days=offset)
        if on.weekday() >= 5:
            continue
        for symbol in FUTURES:
            tick = Decimal(str(specs[symbol]["tick_size"]))
            prices[symbol] = max(
                tick, (prices[symbol] * Decimal(1 + rng.gauss(0, 0.01)) / tick).quantize(Decimal(1)) * tick
            )
        for market in markets:
            if (market.country, on) in taken:
                continue
            numbers[market.country] += 1
            captured = datetime.combine(on, market.open_time, tzinfo=market.tz).astimezone(UTC)
            batch.extend(_capture(rng, market, on, captured, group, numbers[market.country], prices, specs))
            group += 1
        if len(batch) >= 6000 or offset == days - 1:
            written += _write(batch)
            batch = []
            if progress is not None:
                progress(offset + 1, days)
    written += _write(batch)
    return written


def _write(rows: list[MarketSession]) -> int:
    if not rows:
        return 0
    with transaction.atomic():
        MarketSession.objects.bulk_create(rows, batch_size=2000)
        bump_analytics_version(ids=[r.pk for r in rows])
    return len(rows)


def _outcome(
    rng: random.Random,
    signal: str,
    entry: Decimal,
    high: Decimal,
    low: Decimal,
    tick: Decimal,
    tick_value: Decimal,
    captured: datetime,
) -> dict[str, object]:
    roll = rng.random()
    if roll < 0.05:
        return {"wndw": grading.EXPIRED, "pnl_usd": Decimal(0)}
    side = signals.trade_side(signal)
    worked = roll < 0.58
    target, stop = (high, low) if side > 0 else (low, high)
    price = target if worked else stop
    pnl = grading.pnl_usd(signal=signal, entry=entry, exit=price, tick_size=tick, tick_value=tick_value)
    return {
        "wndw": grading.WORKED if worked else grading.DIDNT_WORK,
        "target_hit_type": grading.TARGET if worked else grading.STOP,
        "target_hit_price": price,
        "target_hit_at": captured + timedelta(minutes=rng.randint(2, 240)),
        "pnl_usd": pnl,
    }


def _capture(
    rng: random.Random,
    market: Market,
    on: date,
    captured: datetime,
    group: int,
    number: int,
    prices: dict[str, Decimal],
    specs: dict[str, dict[str, object]],
) -> list[MarketSession]:
    common = {
        "capture_group": group,
        "session_number": number,
        "year": on.year,
        "month": on.month,
        "date": on.day,
        "day": on.strftime("%a"),
        "session_date": on,
        "captured_at": captured,
        "country": market.country,
        "is_demo": True,
    }
    choices, weights = zip(*SIGNAL_MIX, strict=True)
    rows: list[MarketSession] = []
    weight_sum = 0
    for symbol in [*FUTURES, TOTAL]:
        traded = traded_symbol(symbol)
        spec = specs[traded]
        tick, tick_value = Decimal(str(spec["tick_size"])), Decimal(str(spec["tick_value"]))
        last = prices[traded]
        if symbol == TOTAL:
            signal = composite_signal(weight_sum)[0]
            weight = weight_sum
            extra = {"signals": ",".join(f"{r.future}={r.bhs}" for r in rows)}
        else:
            signal = rng.choices(choices, weights)[0]
            weight = signals.signal_weight(signal, inverse=bool(spec["inverse"]))
            weight_sum += weight
            extra = {}
        fields: dict[str, object] = {
            "future": symbol,
            "bhs": signal,
            "weight": weight,
            "last_price": last,
            "bid_price": last - tick,
            "ask_price": last + tick,
            "spread": tick * 2,
            "market_open": last,
            "wndw": grading.NEUTRAL,
        }
        entry = targets.entry_price(signal, bid=last - tick, ask=last + tick, last=last)
        levels = targets.compute_targets(
            signal=signal,
            entry=entry,
            mode=targets.USD,
            profit_target=Decimal(100),
            stop_loss=Decimal(100),
            tick_size=tick,
            tick_value=tick_value,
        )
        if entry is not None and levels is not None:
            fields.update(entry_price=entry, target_high=levels[0], target_low=levels[1])
            fields.update(_outcome(rng, signal, entry, levels[0], levels[1], tick, tick_value, captured))
        rows.append(MarketSession(**common, **fields, **extra))
    return rows


def default_end() -> date:
    """Yesterday on the process clock (UTC)."""
    return clock.now().date() - timedelta(days=1)


__all__ = ["default_end", "seed_demo_sessions"]
