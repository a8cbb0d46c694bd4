"""The paper order engine (SPEC §11).

Rules: a cash account only — no margin, no short selling. A market order fills at the live price
from Redis (last, else bid, else ask, else close) and is rejected with a clear message when there is
none; a limit order fills at its limit price; other order types fill at their limit when they have
one and are rejected without one. A buy needs cash ≥ quantity × price × point value; a sell needs
the position. After each fill: cash, the position, realised P&L, ``net_liq`` = cash + market value,
buying power = cash. Every change is one transaction with the account row locked, recorded in the
append-only ledger; a repeated ``client_order_id`` returns the first order. Messages go out on commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from redis.exceptions import RedisError

from ActAndPos.models import Account, ContractMultiplier, LedgerEntry, Order, Position
from LiveData.redis_client import LiveDataRedis, dumps_quote, get_live_data_redis
from thor_project import clock

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
OPENING_CASH = Decimal("100000.00")
ORDER_TYPES = ("MKT", "LMT", "STP", "STP_LMT")
SIDES = ("BUY", "SELL")


class OrderRejected(ValueError):
    """An order the engine refuses; the message says why, for the trader."""


@dataclass
class OrderResult:
    """The order (FILLED or REJECTED) and whether this call created it (False for a repeat)."""

    order: Order
    created: bool

    @property
    def rejected(self) -> bool:
        return self.order.status == "REJECTED"


def _plain(value: Decimal) -> str:
    """47551.0 → 47551, 5.0000 → 5, 18.50 → 18.5 (for messages)."""
    return format(value.normalize(), "f")


def money(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def multiplier_for(symbol: str) -> Decimal:
    """USD per point for ``symbol`` (1 when it is not a listed contract)."""
    row = ContractMultiplier.objects.filter(symbol=symbol).values_list("multiplier", flat=True).first()
    return row if row is not None else Decimal(1)


def live_price(quote: dict[str, Any] | None) -> Decimal | None:
    """The price a market order fills at: last, else bid, else ask, else close."""
    if not quote:
        return None
    for key in ("last", "bid", "ask", "close"):
        value = quote.get(key)
        if value is not None:
            try:
                price = Decimal(str(value))
            except InvalidOperation:
                continue
            if price.is_finite() and price > 0:
                return price
    return None


def open_default_account(user: AbstractBaseUser, *, now: datetime | None = None) -> Account:
    """A $100,000 paper account for ``user``, able to trade at once (buying power = cash), with
    the opening deposit in the ledger."""
    now = now or clock.now()
    with transaction.atomic():
        account = Account.objects.create(owner_id=user.pk, name="Paper", cash=OPENING_CASH, net_liq=OPENING_CASH,
                                         buying_power=OPENING_CASH, option_buying_power=OPENING_CASH)
        LedgerEntry.objects.create(account=account, kind="DEPOSIT", cash_delta=OPENING_CASH,
                                   reason="opening paper deposit", created_at=now)
    return account


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise OrderRejected(f"{name}: {value!r} is not a number") from None
    if not number.is_finite() or number <= 0:
        raise OrderRejected(f"{name}: must be a positive number, got {value!r}")
    return number


def _validate(params: dict[str, Any]) -> dict[str, Any]:
    symbol = str(params.get("symbol") or "").strip().upper().lstrip("/")
    if not symbol or len(symbol) > 20 or not symbol.replace(".", "").replace("_", "").isalnum():
        raise OrderRejected(f"symbol: {params.get('symbol')!r} is not a symbol")
    side = str(params.get("side") or "").strip().upper()
    if side not in SIDES:
        raise OrderRejected(f"side: {params.get('side')!r} is not BUY or SELL")
    order_type = str(params.get("order_type") or "MKT").strip().upper()
    if order_type not in ORDER_TYPES:
        raise OrderRejected(f"order_type: {params.get('order_type')!r} is not one of {', '.join(ORDER_TYPES)}")
    raw_quantity = params.get("quantity")
    try:
        quantity = int(str(raw_quantity))
    except ValueError:
        raise OrderRejected(f"quantity: {raw_quantity!r} is not a whole number") from None
    if quantity <= 0:
        raise OrderRejected(f"quantity: must be at least 1, got {quantity}")
    tif = str(params.get("time_in_force") or "DAY").strip().upper()
    if tif not in ("DAY", "GTC"):
        raise OrderRejected(f"time_in_force: {params.get('time_in_force')!r} is not DAY or GTC")
    client_order_id = params.get("client_order_id")
    return {
        "symbol": symbol,
        "side": side,
        "order_type": order_type,
        "quantity": quantity,
        "limit_price": _decimal(params.get("limit_price"), "limit_price"),
        "stop_price": _decimal(params.get("stop_price"), "stop_price"),
        "time_in_force": tif,
        "client_order_id": str(client_order_id)[:64] if client_order_id else None,
    }


def place_order(
    *, account: Account, params: dict[str, Any], live: LiveDataRedis | None = None, now: datetime | None = None
) -> OrderResult:
    """Place an order on ``account`` (already checked to belong to the caller).

    ``params``: ``symbol``, ``side`` BUY/SELL, ``quantity``, ``order_type`` MKT/LMT/STP/STP_LMT,
    optional ``limit_price``, ``stop_price``, ``time_in_force`` DAY/GTC, ``client_order_id``.
    Returns the FILLED or REJECTED order; raises :class:`OrderRejected` only for input that does not
    make an order at all (bad symbol, side, quantity…), which the API answers with 400.
    """
    now = now or clock.now()
    fields = _validate(params)
    if fields["client_order_id"]:
        first = Order.objects.filter(account=account, client_order_id=fields["client_order_id"]).first()
        if first is not None:
            return OrderResult(first, created=False)
    price, problem = _fill_price(fields, live)
    try:
        with transaction.atomic():
            locked = Account.objects.select_for_update().get(pk=account.pk)
            order = Order(account=locked, status="REJECTED", created_at=now, **fields)
            if problem is None:
                assert price is not None
                problem = _fill(locked, order, price, now, live)
            if problem is not None:
                order.status, order.reject_reason = "REJECTED", problem
                order.save()
            transaction.on_commit(lambda: _announce(order))
    except IntegrityError:
        # The same client_order_id raced in from another request: the first one stands.
        first = Order.objects.filter(account=account, client_order_id=fields["client_order_id"]).first()
        if first is None:
            raise
        return OrderResult(first, created=False)
    account.refresh_from_db()
    return OrderResult(order, created=True)


def _fill_price(fields: dict[str, Any], live: LiveDataRedis | None) -> tuple[Decimal | None, str | None]:
    order_type, symbol = fields["order_type"], fields["symbol"]
    if order_type == "MKT":
        try:
            quote = (live or get_live_data_redis()).get_latest_quote(symbol)
        except RedisError as exc:
            return None, f"No live price for {symbol}: quotes are unavailable ({exc}); market orders need a quote"
        price = live_price(quote)
        if price is None:
            return None, f"No live price for {symbol} in Redis (no last, bid, ask or close); market orders need a quote"
        return price, None
    if fields["limit_price"] is None:
        return None, f"{order_type} orders need a limit price; the paper engine fills them at their limit"
    return fields["limit_price"], None


def _fill(account: Account, order: Order, price: Decimal, now: datetime, live: LiveDataRedis | None) -> str | None:
    """Apply a fill at ``price`` to the locked ``account``; returns a rejection message instead
    when the account cannot take it."""
    symbol, quantity = order.symbol, order.quantity
    point_value = multiplier_for(symbol)
    value = money(price * quantity * point_value)
    position = Position.objects.select_for_update().filter(account=account, symbol=symbol).first()
    held = position.quantity if position is not None else 0
    realized = Decimal(0)
    if order.side == "BUY":
        if value > account.cash:
            return (f"Insufficient cash: buying {quantity} {symbol} at {_plain(price)} costs ${value:,.2f} "
                    f"(× {_plain(point_value)} per point); cash is ${account.cash:,.2f}")
        if position is None:
            position = Position(account=account, symbol=symbol)
        position.average_price = (position.average_price * held + price * quantity) / (held + quantity)
        position.quantity = held + quantity
        account.cash -= value
        cash_delta = -value
    else:
        if quantity > held:
            return f"Cannot sell {quantity} {symbol}: the position is {held} (no short selling in a cash account)"
        assert position is not None
        realized = money((price - position.average_price) * quantity * point_value)
        position.quantity = held - quantity
        position.realized_pnl += realized
        account.cash += value
        account.realized_pnl += realized
        cash_delta = value
    order.status, order.fill_price, order.filled_at = "FILLED", price, now
    order.save()
    if position.quantity == 0:
        if position.pk is not None:
            position.delete()
    else:
        position.save()
    signed = quantity if order.side == "BUY" else -quantity
    LedgerEntry.objects.create(
        account=account, order=order, kind="FILL", symbol=symbol, quantity_delta=signed, price=price,
        cash_delta=cash_delta, realized_pnl=realized, reason=f"{order.side} {quantity} {symbol} @ {_plain(price)}",
        created_at=now,
    )
    revalue(account, live)
    return None


def revalue(account: Account, live: LiveDataRedis | None = None) -> None:
    """Set ``net_liq`` = cash + Σ quantity × mark × point value (mark: the live price, else the
    average price) and buying power = cash, and save the account."""
    positions = list(Position.objects.filter(account=account))
    marks: dict[str, dict[str, Any]] = {}
    if positions:
        try:
            marks = (live or get_live_data_redis()).get_latest_quotes([p.symbol for p in positions])
        except RedisError:
            marks = {}
    market_value = Decimal(0)
    for p in positions:
        mark = live_price(marks.get(p.symbol)) or p.average_price
        market_value += mark * p.quantity * multiplier_for(p.symbol)
    account.net_liq = money(account.cash + market_value)
    account.buying_power = account.cash
    account.option_buying_power = account.cash
    account.save(update_fields=["cash", "net_liq", "buying_power", "option_buying_power", "realized_pnl", "updated_at"])


def cancel_order(*, order: Order, now: datetime | None = None) -> Order:
    """Cancel a WORKING order. Raises :class:`OrderRejected` for any other status."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != "WORKING":
            raise OrderRejected(f"Order {locked.pk} is {locked.status}; only working orders can be cancelled")
        locked.status, locked.canceled_at = "CANCELED", now or clock.now()
        locked.save(update_fields=["status", "canceled_at"])
    return locked


def _announce(order: Order) -> None:
    """Tell listeners (the dashboard) about the order, after it is committed (best effort)."""
    try:
        get_live_data_redis().client.publish(
            f"live_data:orders:{order.account_id}",
            dumps_quote({"type": "order", "id": order.pk, "symbol": order.symbol, "side": order.side,
                         "quantity": order.quantity, "status": order.status, "fill_price": order.fill_price,
                         "reject_reason": order.reject_reason}),
        )
    except RedisError:
        logger.debug("order %s not announced: Redis unavailable", order.pk)
