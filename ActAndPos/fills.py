"""The paper engine's trading rules, pure: no Django, no Redis (SPEC §11, issue 12).

The order engine (placing an order), the resting-order worker (ticks on the quote stream) and the
tests call these same functions. Prices are in points of the instrument; money in USD; a futures
position's quantity is signed (+ long, − short).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ActAndPos.choices import RESTING_TYPES, OrderSide, OrderType

BUY: str = OrderSide.BUY
SELL: str = OrderSide.SELL
__all__ = ["BUY", "RESTING_TYPES", "SELL"]
CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """``value`` rounded to cents, half up (USD)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _price(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        return None
    return price if price.is_finite() and price > 0 else None


def market_price(quote: Mapping[str, Any] | None) -> Decimal | None:
    """The price a market order fills at (the TOS pipeline seed's rule): last, else bid, else ask,
    else close; None when the quote has none of them."""
    if not quote:
        return None
    for key in ("last", "bid", "ask", "close"):
        price = _price(quote.get(key))
        if price is not None:
            return price
    return None


def watched_price(side: str, quote: Mapping[str, Any]) -> Decimal | None:
    """The price a resting order of ``side`` compares with: a buyer pays the ask, a seller gets the
    bid; an instrument quoted without bid/ask (DX in the RTD feed) falls back to last."""
    key = "ask" if side == BUY else "bid"
    return _price(quote.get(key)) or _price(quote.get("last"))


@dataclass(frozen=True)
class RestingOrder:
    """What the rules need of a WORKING order: ``order_type`` LMT / STP / STP_LMT, ``side`` BUY /
    SELL, prices in points, ``triggered`` for a stop-limit whose stop was already reached."""

    order_type: str
    side: str
    limit_price: Decimal | None
    stop_price: Decimal | None
    triggered: bool = False


@dataclass(frozen=True)
class Touch:
    """One quote's effect on a resting order: ``fill_price`` (None when a stop-limit only
    triggered and now rests as a limit) and whether its stop is triggered."""

    fill_price: Decimal | None
    triggered: bool


def touch(order: RestingOrder, quote: Mapping[str, Any]) -> Touch | None:
    """What ``quote`` does to ``order`` (None: nothing).

    - LMT: a buy fills when the ask is at or below the limit, a sell when the bid is at or above
      it, at the limit price;
    - STP: a buy triggers when the ask reaches the stop (at or above), a sell when the bid reaches
      it (at or below), and fills at that ask / bid (a gap fills at the worse price, as a stop does);
    - STP_LMT: the stop triggers as for STP, then the order rests as a limit at ``limit_price``
      (in the same quote when the price already allows it).
    """
    price = watched_price(order.side, quote)
    if price is None:
        return None
    buy = order.side == BUY
    if order.order_type == OrderType.LMT:
        if order.limit_price is not None and (price <= order.limit_price if buy else price >= order.limit_price):
            return Touch(order.limit_price, triggered=False)
        return None
    triggered = order.triggered
    if not triggered and order.stop_price is not None:
        triggered = price >= order.stop_price if buy else price <= order.stop_price
    if not triggered:
        return None
    if order.order_type == OrderType.STP:
        return Touch(price, triggered=True)
    if order.limit_price is not None and (price <= order.limit_price if buy else price >= order.limit_price):
        return Touch(order.limit_price, triggered=True)
    return Touch(None, triggered=True) if not order.triggered else None


@dataclass(frozen=True)
class PositionChange:
    """A fill applied to a futures position: the new signed ``quantity`` and ``average_price``
    (points; 0 when flat) and the ``realized`` P&L of the contracts it closed (USD, cents)."""

    quantity: int
    average_price: Decimal
    realized: Decimal


def apply_fill(
    *, quantity: int, average_price: Decimal, side: str, fill_quantity: int, price: Decimal, point_value: Decimal
) -> PositionChange:
    """A fill of ``fill_quantity`` contracts at ``price`` on a position of signed ``quantity`` at
    ``average_price``. Adding averages the price; reducing realises
    (price − average) × point value × closed contracts × (+1 long, −1 short); going through flat
    opens the remainder at ``price``."""
    signed = fill_quantity if side == BUY else -fill_quantity
    new_quantity = quantity + signed
    if quantity == 0 or (quantity > 0) == (signed > 0):
        average = (average_price * abs(quantity) + price * fill_quantity) / abs(new_quantity)
        return PositionChange(new_quantity, average, Decimal("0.00"))
    closed = min(abs(signed), abs(quantity))
    direction = 1 if quantity > 0 else -1
    realized = money((price - average_price) * closed * point_value * direction)
    if new_quantity == 0:
        average = Decimal(0)
    elif (new_quantity > 0) == (quantity > 0):
        average = average_price
    else:
        average = price
    return PositionChange(new_quantity, average, realized)


@dataclass(frozen=True)
class Margin:
    """Initial and maintenance margin per contract (USD), from the exchange's schedule."""

    initial: Decimal
    maintenance: Decimal


def margin_required(
    positions: Mapping[str, int], working: Iterable[tuple[str, str, int]], margins: Mapping[str, Margin]
) -> tuple[Decimal, Decimal]:
    """``(initial, maintenance)`` USD that ``positions`` (symbol → signed contracts) and the
    ``working`` orders (symbol, side, contracts) tie up. Per symbol, the initial margin covers the
    worse case of the working orders filling — all the buys or all the sells — so an order that
    only reduces a position needs none; maintenance covers the open positions only. A symbol
    without a margin row counts 0 (the engine refuses to trade it)."""
    buys: dict[str, int] = {}
    sells: dict[str, int] = {}
    for symbol, side, contracts in working:
        book = buys if side == BUY else sells
        book[symbol] = book.get(symbol, 0) + contracts
    initial = Decimal(0)
    maintenance = Decimal(0)
    for symbol in set(positions) | set(buys) | set(sells):
        held = positions.get(symbol, 0)
        worst = max(abs(held + buys.get(symbol, 0)), abs(held - sells.get(symbol, 0)))
        margin = margins.get(symbol)
        if margin is None:
            continue
        initial += margin.initial * worst
        maintenance += margin.maintenance * abs(held)
    return money(initial), money(maintenance)


def bracket_prices_valid(side: str, take_profit: Decimal, stop_loss: Decimal) -> bool:
    """A long bracket takes profit above its stop, a short one below."""
    return take_profit > stop_loss if side == BUY else take_profit < stop_loss
