"""Grading a captured trade against one quote: first touch wins (SPEC §7). Pure.

Long (BUY/STRONG_BUY) watches the bid: bid ≥ target_high → WORKED (TARGET); bid ≤ target_low →
DIDNT_WORK (STOP). Short watches the ask: ask ≤ target_low → WORKED; ask ≥ target_high →
DIDNT_WORK. A quote without the watched side (the DX index) falls back to ``last``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from ThorTrading.signals import price_for_side, trade_side

WORKED = "WORKED"
DIDNT_WORK = "DIDNT_WORK"
NEUTRAL = "NEUTRAL"
PENDING = "PENDING"
EXPIRED = "EXPIRED"
TARGET = "TARGET"
STOP = "STOP"


@dataclass(frozen=True)
class Resolution:
    """How a trade ended: ``outcome`` (WORKED/DIDNT_WORK), ``hit_type`` (TARGET/STOP) and the
    price that touched the level (points)."""

    outcome: str
    hit_type: str
    price: Decimal


def watched_price(signal: str | None, *, bid: Decimal | None, ask: Decimal | None, last: Decimal | None) -> Decimal | None:
    """The side of the quote a trade is graded on: bid for a long, ask for a short, else ``last``."""
    return price_for_side(signal, long=bid, short=ask, fallback=last)


def decide(
    *,
    signal: str | None,
    target_high: Decimal,
    target_low: Decimal,
    bid: Decimal | None,
    ask: Decimal | None,
    last: Decimal | None,
) -> Resolution | None:
    """The resolution this quote causes, or None when it touches neither level."""
    price = watched_price(signal, bid=bid, ask=ask, last=last)
    if price is None:
        return None
    if trade_side(signal) > 0:
        if price >= target_high:
            return Resolution(WORKED, TARGET, price)
        if price <= target_low:
            return Resolution(DIDNT_WORK, STOP, price)
    else:
        if price <= target_low:
            return Resolution(WORKED, TARGET, price)
        if price >= target_high:
            return Resolution(DIDNT_WORK, STOP, price)
    return None


def pnl_usd(*, signal: str | None, entry: Decimal, exit: Decimal, tick_size: Decimal, tick_value: Decimal) -> Decimal:
    """Profit per contract in USD: (exit − entry) / tick_size × tick_value × (+1 long, −1 short),
    rounded to cents."""
    value = (exit - entry) / tick_size * tick_value * trade_side(signal)
    return value.quantize(Decimal("0.01"))



def evaluation_window(*, market_minutes: int | None, default_minutes: int) -> timedelta | None:
    """How long a captured trade may stay PENDING before it becomes EXPIRED (SPEC §7), or None for
    never. ``market_minutes`` is the market's override (None = use ``default_minutes``, 0 = never);
    ``default_minutes`` is ``THOR_EVALUATION_WINDOW_MINUTES`` (30 by default, the market-open plan's
    "Evaluation Window"; 0 = never)."""
    minutes = default_minutes if market_minutes is None else market_minutes
    return timedelta(minutes=minutes) if minutes and minutes > 0 else None
