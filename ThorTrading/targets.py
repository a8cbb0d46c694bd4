"""Entry prices and profit/stop targets on the tick grid (SPEC §5, §6). Pure.

Modes (``TargetHighLowConfig.mode``): USD (default; dollars per contract, converted to whole ticks,
round half up, at least one), TICKS, POINTS, PERCENT (of entry), DISABLED. Long: target_high is the
profit target and target_low the stop; short: the reverse. Every target is rounded to the tick grid.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ThorTrading.choices import TargetMode
from ThorTrading.signals import price_for_side, trade_side

USD: str = TargetMode.USD
TICKS: str = TargetMode.TICKS
POINTS: str = TargetMode.POINTS
PERCENT: str = TargetMode.PERCENT
DISABLED: str = TargetMode.DISABLED
MODES = TargetMode.values()


def round_to_tick(price: Decimal, tick_size: Decimal) -> Decimal:
    """``price`` rounded to the nearest multiple of ``tick_size`` (half up), e.g. ZB 0.03125."""
    ticks = (price / tick_size).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return ticks * tick_size


def usd_to_ticks(usd: Decimal, tick_value: Decimal) -> int:
    """Whole ticks worth ``usd`` per contract: round half up, at least one ($100 on ZB → 3)."""
    ticks = int((usd / tick_value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(ticks, 1)


def distance_points(*, mode: str, amount: Decimal, entry: Decimal, tick_size: Decimal, tick_value: Decimal) -> Decimal:
    """How far from ``entry`` (points) ``amount`` in ``mode`` units lies. Raises ``ValueError`` for
    an unknown mode or DISABLED."""
    if mode == USD:
        return usd_to_ticks(amount, tick_value) * tick_size
    if mode == TICKS:
        return max(int(amount), 1) * tick_size
    if mode == POINTS:
        return amount
    if mode == PERCENT:
        return entry * amount / 100
    raise ValueError(f"no distance for target mode {mode!r}")


def entry_price(
    signal: str | None, *, bid: Decimal | None, ask: Decimal | None, last: Decimal | None
) -> Decimal | None:
    """The price a market-open trade enters at (SPEC §6): the ask for a long, the bid for a short,
    ``last`` when that side is missing (the DX index has no bid/ask), None for HOLD or no signal."""
    return price_for_side(signal, long=ask, short=bid, fallback=last)


def compute_targets(
    *,
    signal: str | None,
    entry: Decimal | None,
    mode: str,
    profit_target: Decimal | None,
    stop_loss: Decimal | None,
    tick_size: Decimal,
    tick_value: Decimal,
) -> tuple[Decimal, Decimal] | None:
    """``(target_high, target_low)`` in points for a trade, or None when there is no trade
    (no entry, HOLD, DISABLED, missing amounts)."""
    side = trade_side(signal)
    if entry is None or side == 0 or mode == DISABLED or profit_target is None or stop_loss is None:
        return None
    profit = distance_points(mode=mode, amount=profit_target, entry=entry, tick_size=tick_size, tick_value=tick_value)
    stop = distance_points(mode=mode, amount=stop_loss, entry=entry, tick_size=tick_size, tick_value=tick_value)
    if side > 0:
        high, low = entry + profit, entry - stop
    else:
        high, low = entry + stop, entry - profit
    return round_to_tick(high, tick_size), round_to_tick(low, tick_size)
