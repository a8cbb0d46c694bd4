"""Grading a captured trade against one quote: first touch wins (SPEC §7). Pure.

Long (BUY/STRONG_BUY) watches the bid: bid ≥ target_high → WORKED (TARGET); bid ≤ target_low →
DIDNT_WORK (STOP). Short watches the ask: ask ≤ target_low → WORKED; ask ≥ target_high →
DIDNT_WORK. A quote without the watched side (the DX index) falls back to ``last``.
:func:`first_touch` applies these rules to a whole series of ticks at once (numpy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import numpy as np

from ThorTrading.choices import HitType, Outcome
from ThorTrading.signals import price_for_side, trade_side

WORKED: str = Outcome.WORKED
DIDNT_WORK: str = Outcome.DIDNT_WORK
NEUTRAL: str = Outcome.NEUTRAL
PENDING: str = Outcome.PENDING
EXPIRED: str = Outcome.EXPIRED
TARGET: str = HitType.TARGET
STOP: str = HitType.STOP


@dataclass(frozen=True)
class Resolution:
    """How a trade ended: ``outcome`` (WORKED/DIDNT_WORK), ``hit_type`` (TARGET/STOP) and the
    price that touched the level (points)."""

    outcome: str
    hit_type: str
    price: Decimal


def watched_price(
    signal: str | None, *, bid: Decimal | None, ask: Decimal | None, last: Decimal | None
) -> Decimal | None:
    """The side of the quote a trade is graded on: bid for a long, ask for a short, else ``last``."""
    return price_for_side(signal, long=bid, short=ask, fallback=last)


def first_touch(
    *,
    signal: str | None,
    target_high: float,
    target_low: float,
    bid: np.ndarray,
    ask: np.ndarray,
    last: np.ndarray,
) -> tuple[int, str, str] | None:
    """The first tick of a series that touches the trade's target or stop (SPEC §7), vectorised:
    ``(index, outcome, hit_type)`` or None when no tick touches either (or there is no trade).

    ``bid``, ``ask`` and ``last`` are float64 arrays of one symbol's ticks in time order (points, NaN
    where the quote had no value). A long watches the bid: bid ≥ target_high → WORKED/TARGET, bid ≤
    target_low → DIDNT_WORK/STOP; a short watches the ask: ask ≤ target_low → WORKED/TARGET, ask ≥
    target_high → DIDNT_WORK/STOP; a tick without the watched side (the DX index) uses ``last``. The
    live grader, the replay and the backtest all grade with this function."""
    side = trade_side(signal)
    if side == 0 or len(bid) == 0:
        return None
    watched = bid if side > 0 else ask
    price = np.where(np.isnan(watched), last, watched)
    with np.errstate(invalid="ignore"):
        if side > 0:
            target, stop = price >= target_high, price <= target_low
        else:
            target, stop = price <= target_low, price >= target_high
    touched = target | stop
    index = int(np.argmax(touched))
    if not touched[index]:
        return None
    return (index, WORKED, TARGET) if target[index] else (index, DIDNT_WORK, STOP)


@dataclass(frozen=True)
class Touch:
    """The first touch of a trade's target or stop inside its window: ``index`` into the series it
    was searched in, ``outcome`` (WORKED/DIDNT_WORK), ``hit_type`` (TARGET/STOP) and ``price``, the
    watched price that touched (points; bid for a long, ask for a short, else last)."""

    index: int
    outcome: str
    hit_type: str
    price: Decimal


def first_touch_in_window(
    *,
    signal: str | None,
    target_high: float,
    target_low: float,
    ts: np.ndarray,
    bid: np.ndarray,
    ask: np.ndarray,
    last: np.ndarray,
    start_ns: int,
    end_ns: int | None,
    ordered: bool = False,
) -> Touch | None:
    """The windowed first-touch rule (SPEC §7), the one the live grader, the replay (through the
    grader) and the backtest all call: among the ticks stamped from the capture (``start_ns``,
    inclusive) until the evaluation window ends (``end_ns``, exclusive; None = no window), the first
    that touches the target or the stop by :func:`first_touch`. A tick older than the capture never
    grades it (a replayed stream), nor one after the window, even before the expiry sweep ran.

    ``ts`` holds each tick's time (int64 UTC nanoseconds), ``bid``/``ask``/``last`` its prices
    (float64 points, NaN where missing), all of one symbol in the order they arrived. ``ordered``:
    ``ts`` is sorted (an archive's tape), so the window is found by binary search instead of a mask
    over every tick. Returns None when nothing in the window touches either level."""
    searched: slice | np.ndarray
    if ordered:
        lo = int(np.searchsorted(ts, start_ns, side="left"))
        hi = int(np.searchsorted(ts, end_ns, side="left")) if end_ns is not None else len(ts)
        searched = slice(lo, max(lo, hi))  # a view: no copy of the tape
    else:
        in_window = ts >= start_ns
        if end_ns is not None:
            in_window &= ts < end_ns
        searched = np.flatnonzero(in_window)
    touch = first_touch(
        signal=signal,
        target_high=target_high,
        target_low=target_low,
        bid=bid[searched],
        ask=ask[searched],
        last=last[searched],
    )
    if touch is None:
        return None
    index = searched.start + touch[0] if isinstance(searched, slice) else int(searched[touch[0]])
    price = watched_price(signal, bid=_decimal(bid[index]), ask=_decimal(ask[index]), last=_decimal(last[index]))
    assert price is not None  # a touch needs a price
    return Touch(index, touch[1], touch[2], price)


@dataclass(frozen=True)
class BarTouch:
    """The first bar that touches a trade's target or stop (SPEC §15): ``index`` into the bars it was
    searched in, ``outcome``, ``hit_type``, the exit ``price`` (the level, or the bar's open when the
    bar opened beyond it; points) and ``ambiguous`` (the bar reached both levels: booked as the stop)."""

    index: int
    outcome: str
    hit_type: str
    price: Decimal
    ambiguous: bool


@dataclass(frozen=True)
class BarSide:
    """One side of a series of bars as float64 arrays (points, NaN where the bar had no such price):
    the bid bars, the ask bars or the trade bars."""

    open: np.ndarray
    high: np.ndarray
    low: np.ndarray


def bar_side(watched: BarSide, trades: BarSide, window: slice) -> BarSide:
    """The bars of ``window`` on ``watched``'s side where the bar has it, else on the trade bar (DX
    has no bid or ask)."""
    high, low, first = watched.high[window], watched.low[window], watched.open[window]
    missing = np.isnan(high) | np.isnan(low)
    return BarSide(
        open=np.where(missing | np.isnan(first), trades.open[window], first),
        high=np.where(missing, trades.high[window], high),
        low=np.where(missing, trades.low[window], low),
    )


def first_touch_on_bars(
    *,
    signal: str | None,
    target_high: Decimal,
    target_low: Decimal,
    start: np.ndarray,
    length_ns: int,
    bid: BarSide,
    ask: BarSide,
    trades: BarSide,
    start_ns: int,
    end_ns: int | None,
) -> BarTouch | None:
    """First touch on bars (SPEC §15), the rule the bar backtest grades with: among the bars from
    the first that starts at the open (``start_ns``) to the last that ends inside the window
    (start + ``length_ns`` ≤ ``end_ns``; None = no window), in time order (``start``: each bar's start,
    int64 UTC ns, sorted), the first that reaches a level on the side the exit trades.

    A long exits on the bid: target when the bid high ≥ ``target_high``, stop when the bid low ≤
    ``target_low``; a short exits on the ask: target when the ask low ≤ ``target_low``, stop when the
    ask high ≥ ``target_high``. A bar without the watched side is read on its trade bar. A bar that
    reaches both levels is the stop (the worst case, as freqtrade and backtesting.py book it) and the
    touch is ``ambiguous``. The exit price is the level, or the bar's open when the bar opened beyond
    it (a gap). Returns None when no bar in the window reaches either level (or there is no trade)."""
    side = trade_side(signal)
    if side == 0 or len(start) == 0:
        return None
    lo = int(np.searchsorted(start, start_ns, side="left"))
    hi = len(start) if end_ns is None else int(np.searchsorted(start, end_ns - length_ns, side="right"))
    if hi <= lo:
        return None
    window = slice(lo, hi)
    book = bar_side(bid if side > 0 else ask, trades, window)
    high, low, opens = book.high, book.low, book.open
    upper, lower = float(target_high), float(target_low)
    with np.errstate(invalid="ignore"):
        reaches_high, reaches_low = high >= upper, low <= lower
    touched = reaches_high | reaches_low
    first = int(np.argmax(touched))
    if not touched[first]:
        return None
    both = bool(reaches_high[first] and reaches_low[first])
    target_hit = bool(reaches_high[first]) if side > 0 else bool(reaches_low[first])
    stop_hit = bool(reaches_low[first]) if side > 0 else bool(reaches_high[first])
    opened = _decimal(opens[first])
    if stop_hit:
        level = target_low if side > 0 else target_high
        gapped = opened is not None and (opened < level if side > 0 else opened > level)
        return BarTouch(lo + first, DIDNT_WORK, STOP, opened if gapped and opened is not None else level, both)
    assert target_hit
    level = target_high if side > 0 else target_low
    gapped = opened is not None and (opened > level if side > 0 else opened < level)
    return BarTouch(lo + first, WORKED, TARGET, opened if gapped and opened is not None else level, False)


def _decimal(value: float) -> Decimal | None:
    """A float64 price as the Decimal it was written as (shortest repr: 6850.25, 117.78125), None for NaN."""
    return None if np.isnan(value) else Decimal(repr(float(value)))


def decide(
    *,
    signal: str | None,
    target_high: Decimal,
    target_low: Decimal,
    bid: Decimal | None,
    ask: Decimal | None,
    last: Decimal | None,
) -> Resolution | None:
    """The resolution one quote causes (:func:`first_touch` over a single tick), with the watched
    price that touched, or None when it touches neither level."""
    touch = first_touch(
        signal=signal,
        target_high=float(target_high),
        target_low=float(target_low),
        bid=_floats([bid]),
        ask=_floats([ask]),
        last=_floats([last]),
    )
    if touch is None:
        return None
    price = watched_price(signal, bid=bid, ask=ask, last=last)
    assert price is not None  # a touch needs a price
    return Resolution(touch[1], touch[2], price)


def _floats(values: list[Decimal | None]) -> np.ndarray:
    return np.array([float(v) if v is not None else np.nan for v in values], dtype=np.float64)


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
