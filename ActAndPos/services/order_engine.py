"""The paper order engine (SPEC §11, issue 12), in the shape of Saleor's order actions.

Each action — place, fill a resting order, cancel, expire — is one transaction that reads marks,
point values and margins *before* taking row locks, then locks rows in one fixed order (the account,
then its orders by id, then the position: ``lock_objects``), writes an append-only ledger entry per change of cash or
position, and announces the order on commit. The trading rules are the pure functions of
:mod:`ActAndPos.fills`, shared with the resting-order worker and the tests.

- FUTURES account: an order that adds contracts needs their initial margin within buying power
  (net liq − initial margin of the positions and working orders); long and short; a fill moves
  cash only by realised P&L less commission.
- CASH account: today's rules — a buy pays price × quantity × point value from cash, a sell needs
  the position (no shorts).
- MKT fills at once at the live price (last, else bid, else ask, else close) and is rejected
  without a quote. LMT / STP / STP_LMT rest as WORKING (filled by the worker on the tick stream,
  or at once when the latest quote already reaches them). DAY orders expire at 16:00
  America/Chicago of the CME trading day; GTC never.
- A bracket: an entry with a TAKE_PROFIT limit and a STOP_LOSS stop as one-cancels-other children,
  PENDING until the entry fills; one child's fill cancels the other in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from redis.exceptions import RedisError

from ActAndPos import fills
from ActAndPos.choices import OrderSide, OrderType, TimeInForce
from ActAndPos.events import margin_called, order_changed
from ActAndPos.fills import BUY, Margin, market_price, money
from ActAndPos.models import (
    Account,
    AccountKind,
    BracketRole,
    ContractMargin,
    ContractMultiplier,
    LedgerEntry,
    Order,
    OrderStatus,
    Position,
)
from ActAndPos.services.lock_objects import account_and_order_for_update, account_for_update, position_for_update
from ActAndPos.services.order_request import OrderRejected, OrderRequest
from ActAndPos.services.order_request import plain as _plain
from core import clock
from core.events import send_on_commit, send_robust
from core.push import push, push_on_commit, user_group
from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from LiveData.ticks import Quote, cme_trading_day, parse_instant

logger = logging.getLogger(__name__)

OPENING_CASH = Decimal("100000.00")
ORDER_TYPES: tuple[str, ...] = OrderType.values()
CHICAGO = ZoneInfo("America/Chicago")
#: DAY orders end with the CME trading day's regular close (issue 12).
DAY_ORDER_CLOSE = time(16, 0)
OPEN_STATUSES = (OrderStatus.WORKING, OrderStatus.PENDING)


@dataclass
class OrderResult:
    """The order (FILLED, WORKING or REJECTED) and whether this call created it (False for a repeat)."""

    order: Order
    created: bool

    @property
    def rejected(self) -> bool:
        return self.order.status == OrderStatus.REJECTED


@dataclass(frozen=True)
class Contract:
    """What the engine reads of an instrument before taking locks: point value (USD per point) and
    margins (None when the margin table has no row)."""

    symbol: str
    point_value: Decimal
    margin: Margin | None
    commission: Decimal


def point_values(symbols: list[str]) -> dict[str, Decimal]:
    """USD per point for each of ``symbols`` (1 for a symbol that is not a listed contract), one query."""
    listed = dict(ContractMultiplier.objects.filter(symbol__in=symbols).values_list("symbol", "multiplier"))
    return {symbol: listed.get(symbol, Decimal(1)) for symbol in symbols}


def contract_for(symbol: str) -> Contract | None:
    """The instrument's point value, margins and commission; None when Thor does not know it."""
    point_value = ContractMultiplier.objects.filter(symbol=symbol).values_list("multiplier", flat=True).first()
    if point_value is None:
        return None
    row = ContractMargin.objects.filter(symbol=symbol).first()
    margin = Margin(row.initial_margin, row.maintenance_margin) if row is not None else None
    return Contract(symbol, point_value, margin, row.commission if row is not None else Decimal(0))


def margin_table() -> dict[str, Margin]:
    """symbol → :class:`~ActAndPos.fills.Margin` for every instrument in the margin table."""
    return {m.symbol: Margin(m.initial_margin, m.maintenance_margin) for m in ContractMargin.objects.all()}


def day_order_expiry(now: datetime) -> datetime:
    """When a DAY order placed at ``now`` expires: 16:00 America/Chicago of the CME trading day
    (which starts 17:00 the evening before); placed after that close, the next weekday's."""
    day = cme_trading_day(now)
    expiry = datetime.combine(day, DAY_ORDER_CLOSE, tzinfo=CHICAGO)
    while expiry <= now or expiry.weekday() >= 5:
        expiry += timedelta(days=1)
    return expiry


def open_default_account(
    user: AbstractBaseUser, *, now: datetime | None = None, kind: str = AccountKind.FUTURES
) -> Account:
    """A $100,000 paper account for ``user`` (FUTURES unless ``kind`` says CASH), able to trade at
    once, with the opening deposit in the ledger."""
    now = now or clock.now()
    with transaction.atomic():
        account = Account.objects.create(
            owner_id=user.pk,
            name="Paper",
            kind=kind,
            cash=OPENING_CASH,
            net_liq=OPENING_CASH,
            buying_power=OPENING_CASH,
            option_buying_power=OPENING_CASH,
        )
        LedgerEntry.objects.create(
            account=account, kind="DEPOSIT", cash_delta=OPENING_CASH, reason="opening paper deposit", created_at=now
        )
    return account


def place_order(
    *,
    account: Account,
    request: OrderRequest,
    live: LiveDataRedis | None = None,
    now: datetime | None = None,
    capture: Any = None,
) -> OrderResult:
    """Place ``request`` on ``account`` (already checked to belong to the caller); ``capture``: the
    MarketSession traded. Returns the FILLED, WORKING or REJECTED entry order (a rejection says why,
    for the trader); raises :class:`OrderRejected` for a symbol Thor does not trade or without a
    margin, which the API answers with 400. The request was checked when it was built."""
    now = now or clock.now()
    contract = _tradable(account, request.symbol)
    first = _first_with_client_id(account, request.client_order_id)
    if first is not None:
        return OrderResult(first, created=False)
    quote, quote_problem = _latest_quote(contract.symbol, live)
    margins = margin_table()
    try:
        with transaction.atomic():
            locked = account_for_update(account.pk)
            order = Order(
                account=locked, status=OrderStatus.REJECTED, created_at=now, capture=capture, **request.order_fields()
            )
            if request.is_bracket:
                order.bracket_role = BracketRole.ENTRY
            problem = _check_and_place(locked, order, contract, quote, quote_problem, margins, now)
            if problem is not None:
                order.status, order.reject_reason = OrderStatus.REJECTED, problem
                order.save()
            elif request.take_profit_price is not None and request.stop_loss_price is not None:
                _create_children(order, request.take_profit_price, request.stop_loss_price, now)
            if order.status == OrderStatus.FILLED:
                _after_fill(order, now)
            revalue(locked, live, margins=margins)
            transaction.on_commit(lambda: announce(order))
    except IntegrityError:
        # The same client_order_id raced in from another request: the first one stands.
        first = _first_with_client_id(account, request.client_order_id)
        if first is None:
            raise
        return OrderResult(first, created=False)
    account.refresh_from_db()
    return OrderResult(order, created=True)


def _tradable(account: Account, symbol: str) -> Contract:
    """The contract ``symbol`` names; raises :class:`OrderRejected` when Thor does not trade it, or
    (FUTURES) when the margin table has no row for it."""
    contract = contract_for(symbol)
    if contract is None:
        raise OrderRejected(f"symbol: {symbol!r} is not an instrument Thor trades")
    if account.kind == AccountKind.FUTURES and contract.margin is None:
        raise OrderRejected(f"symbol: {contract.symbol} has no margin in the margin table; an admin must add it")
    return contract


def _first_with_client_id(account: Account, client_order_id: str | None) -> Order | None:
    """The account's order placed earlier with ``client_order_id`` (a retried request), or None."""
    if not client_order_id:
        return None
    return Order.objects.filter(account=account, client_order_id=client_order_id).first()


def _latest_quote(symbol: str, live: LiveDataRedis | None) -> tuple[Quote | None, str | None]:
    try:
        return (live or get_live_data_redis()).get_latest_quote(symbol), None
    except RedisError as exc:
        return None, f"quotes are unavailable ({exc})"


def stale_quote(symbol: str, quote: Quote | None, now: datetime) -> str | None:
    """Why ``quote`` is too old to fill a market order at (issue 25: a dead feed must not fill at
    yesterday's prices), or None: older than ``THOR_QUOTE_STALE_SECONDS`` (of Thor's clock) since Thor
    read it (``ts_ingest``), or without that time."""
    limit = settings.THOR_QUOTE_STALE_SECONDS * clock.speed()
    read_at = parse_instant(quote.get("ts_ingest") if quote else None)
    if read_at is None:
        return (
            f"The latest {symbol} quote has no time: a market order needs a live price; check the feed (/api/health/)"
        )
    age = (now - read_at).total_seconds()
    if age <= limit:
        return None
    minutes, seconds = divmod(int(age), 60)
    shown = f"{minutes}m {seconds}s" if minutes else f"{age:.1f}s"
    return (
        f"The latest {symbol} quote is {shown} old (stale after {limit:g}s): a market order needs a live price; "
        "check the feed (/api/health/)"
    )


def _check_and_place(
    account: Account,
    order: Order,
    contract: Contract,
    quote: Quote | None,
    quote_problem: str | None,
    margins: dict[str, Margin],
    now: datetime,
) -> str | None:
    """Fill a market order, or rest a resting one (filling it at once when the latest quote already
    reaches it); returns a rejection message instead when the account cannot take it."""
    if order.order_type == OrderType.MKT:
        price = market_price(quote)
        if quote_problem is not None:
            return f"No live price for {order.symbol}: {quote_problem}; market orders need a quote"
        if price is None:
            return f"No live price for {order.symbol} in Redis (no last, bid, ask or close); market orders need a quote"
        stale = stale_quote(order.symbol, quote, now)
        if stale is not None:
            return stale
        return _fill(account, order, price, contract, margins, now, check=True)
    problem = _can_rest(account, order, contract, margins)
    if problem is not None:
        return problem
    order.status, order.working_since = OrderStatus.WORKING, now
    order.expires_at = day_order_expiry(now) if order.time_in_force == TimeInForce.DAY else None
    order.save()
    if quote:
        touch = fills.touch(_resting(order), quote)
        if touch is not None:
            _apply_touch(account, order, touch, contract, margins, now)
    return None


def _positions(account: Account) -> dict[str, int]:
    return dict(Position.objects.filter(account=account).values_list("symbol", "quantity"))


def _working(account: Account, *, exclude: int | None = None) -> list[tuple[str, str, int]]:
    orders = Order.objects.filter(account=account, status=OrderStatus.WORKING)
    if exclude is not None:
        orders = orders.exclude(pk=exclude)
    return list(orders.values_list("symbol", "side", "quantity"))


def _margin_problem(account: Account, order: Order, margins: dict[str, Margin], *, working: bool) -> str | None:
    """For a FUTURES account: the message when ``order`` (filling now, or resting when ``working``)
    needs more initial margin than the buying power left; None when it fits or only reduces."""
    positions = _positions(account)
    others = _working(account, exclude=order.pk)
    before, _ = fills.margin_required(positions, others, margins)
    if working:
        after, _ = fills.margin_required(positions, [*others, (order.symbol, order.side, order.quantity)], margins)
    else:
        signed = order.quantity if order.side == BUY else -order.quantity
        after, _ = fills.margin_required(
            {**positions, order.symbol: positions.get(order.symbol, 0) + signed}, others, margins
        )
    needed = after - before
    if needed <= 0:
        return None
    buying_power = account.net_liq - before
    if needed > buying_power:
        return (
            f"Insufficient buying power: {order.side.lower()}ing {order.quantity} {order.symbol} needs "
            f"${needed:,.2f} of initial margin; buying power is ${max(buying_power, Decimal(0)):,.2f}"
        )
    return None


def _can_rest(account: Account, order: Order, contract: Contract, margins: dict[str, Margin]) -> str | None:
    if account.kind == AccountKind.FUTURES:
        return _margin_problem(account, order, margins, working=True)
    if order.side != BUY:
        held = _positions(account).get(order.symbol, 0)
        if order.quantity > held:
            return (
                f"Cannot sell {order.quantity} {order.symbol}: the position is {held} "
                "(no short selling in a cash account)"
            )
    return None  # a CASH account's buy is checked against cash when it fills


def _fill(
    account: Account,
    order: Order,
    price: Decimal,
    contract: Contract,
    margins: dict[str, Margin],
    now: datetime,
    *,
    check: bool,
) -> str | None:
    """Apply a fill at ``price`` to the locked ``account``; returns a rejection message instead
    when the account cannot take it (``check``: the margin test of an order not yet reserved)."""
    symbol, quantity = order.symbol, order.quantity
    position = position_for_update(account, symbol)
    held = position.quantity if position is not None else 0
    average = position.average_price if position is not None else Decimal(0)
    commission = money(contract.commission * quantity)
    change = fills.apply_fill(
        quantity=held,
        average_price=average,
        side=order.side,
        fill_quantity=quantity,
        price=price,
        point_value=contract.point_value,
    )
    if account.kind == AccountKind.FUTURES:
        if check:
            problem = _margin_problem(account, order, margins, working=False)
            if problem is not None:
                return problem
        cash_delta = change.realized - commission
    else:
        value = money(price * quantity * contract.point_value)
        if order.side == BUY:
            if value + commission > account.cash:
                return (
                    f"Insufficient cash: buying {quantity} {symbol} at {_plain(price)} costs ${value:,.2f} "
                    f"(× {_plain(contract.point_value)} per point); cash is ${account.cash:,.2f}"
                )
            cash_delta = -value - commission
        else:
            if quantity > held:
                return f"Cannot sell {quantity} {symbol}: the position is {held} (no short selling in a cash account)"
            cash_delta = value - commission
    account.cash += cash_delta
    account.realized_pnl += change.realized - commission
    order.status, order.fill_price, order.filled_at, order.commission = OrderStatus.FILLED, price, now, commission
    order.save()
    if change.quantity == 0:
        if position is not None:
            position.delete()
    else:
        position = position or Position(account=account, symbol=symbol)
        position.quantity, position.average_price = change.quantity, change.average_price
        position.realized_pnl += change.realized
        position.save()
    signed = quantity if order.side == BUY else -quantity
    reason = f"{order.side} {quantity} {symbol} @ {_plain(price)}"
    if commission:
        reason += f" (commission ${commission:,.2f})"
    LedgerEntry.objects.create(
        account=account,
        order=order,
        kind="FILL",
        symbol=symbol,
        quantity_delta=signed,
        price=price,
        cash_delta=cash_delta,
        realized_pnl=change.realized,
        reason=reason,
        created_at=now,
    )
    return None


def _create_children(entry: Order, take_profit: Decimal, stop_loss: Decimal, now: datetime) -> None:
    """The bracket's take-profit limit and stop, opposite side, PENDING until the entry fills.
    They are GTC: once the entry fills they protect the position until one of them fills."""
    exit_side = OrderSide.SELL if entry.side == BUY else OrderSide.BUY
    for role, order_type, limit, stop in (
        (BracketRole.TAKE_PROFIT, OrderType.LMT, take_profit, None),
        (BracketRole.STOP_LOSS, OrderType.STP, None, stop_loss),
    ):
        Order.objects.create(
            account=entry.account,
            parent=entry,
            bracket_role=role,
            symbol=entry.symbol,
            side=exit_side,
            quantity=entry.quantity,
            order_type=order_type,
            limit_price=limit,
            stop_price=stop,
            time_in_force=TimeInForce.GTC,
            status=OrderStatus.PENDING,
            created_at=now,
            capture=entry.capture,
        )


def _after_fill(order: Order, now: datetime) -> None:
    """Bracket bookkeeping in the fill's transaction: an entry's fill makes its children WORKING;
    a child's fill cancels its sibling (one-cancels-other)."""
    if order.bracket_role == BracketRole.ENTRY:
        Order.objects.filter(parent=order, status=OrderStatus.PENDING).update(
            status=OrderStatus.WORKING, working_since=now
        )
    elif order.parent_id is not None:
        siblings = Order.objects.filter(parent_id=order.parent_id, status__in=OPEN_STATUSES).exclude(pk=order.pk)
        for sibling in siblings:
            sibling.status, sibling.canceled_at = OrderStatus.CANCELED, now
            sibling.reject_reason = f"one-cancels-other: order {order.pk} filled"
            sibling.save(update_fields=["status", "canceled_at", "reject_reason"])
            transaction.on_commit(lambda s=sibling: announce(s))  # type: ignore[misc]


def _resting(order: Order) -> fills.RestingOrder:
    return fills.RestingOrder(
        order.order_type, order.side, order.limit_price, order.stop_price, triggered=order.triggered_at is not None
    )


def _apply_touch(
    account: Account, order: Order, touch: fills.Touch, contract: Contract, margins: dict[str, Margin], now: datetime
) -> bool:
    """Apply a resting order's touch inside the caller's transaction; True when it filled."""
    if touch.triggered and order.triggered_at is None:
        order.triggered_at = now
        order.save(update_fields=["triggered_at"])
    if touch.fill_price is None:
        return False
    problem = _fill(account, order, touch.fill_price, contract, margins, now, check=False)
    if problem is not None:  # a CASH account without the cash or the position when the price came
        order.status, order.reject_reason = OrderStatus.REJECTED, problem
        order.save(update_fields=["status", "reject_reason"])
        return False
    _after_fill(order, now)
    return True


def fill_resting_order(*, order_id: int, quote: Quote, at: datetime, live: LiveDataRedis | None = None) -> bool:
    """Apply ``quote`` (a tick at ``at``) to the resting order ``order_id``: fill it, or trigger a
    stop-limit. Exactly once: under the account and order locks the order must still be WORKING.
    Returns True when it filled."""
    head = Order.objects.filter(pk=order_id).values("account_id", "symbol").first()
    if head is None:
        return False
    contract = contract_for(head["symbol"])
    if contract is None:
        return False
    margins = margin_table()
    with transaction.atomic():
        account, order = account_and_order_for_update(account_id=head["account_id"], order_id=order_id)
        if order.status != OrderStatus.WORKING or (order.working_since and at < order.working_since):
            return False
        touch = fills.touch(_resting(order), quote)
        if touch is None:
            return False
        filled = _apply_touch(account, order, touch, contract, margins, at)
        revalue(account, live, margins=margins)
        transaction.on_commit(lambda: announce(order))
    return filled


def cancel_order(*, order: Order, now: datetime | None = None, live: LiveDataRedis | None = None) -> Order:
    """Cancel a WORKING (or PENDING bracket child) order and an entry's pending children. Raises
    :class:`OrderRejected` for any other status."""
    now = now or clock.now()
    with transaction.atomic():
        account, locked = account_and_order_for_update(account_id=order.account_id, order_id=order.pk)
        if locked.status not in OPEN_STATUSES:
            raise OrderRejected(f"Order {locked.pk} is {locked.status}; only working orders can be cancelled")
        locked.status, locked.canceled_at = OrderStatus.CANCELED, now
        locked.save(update_fields=["status", "canceled_at"])
        Order.objects.filter(parent=locked, status=OrderStatus.PENDING).update(
            status=OrderStatus.CANCELED, canceled_at=now
        )
        revalue(account, live)
        transaction.on_commit(lambda: announce(locked))
    return locked


def cancel_all(
    *, account: Account, symbol: str | None = None, now: datetime | None = None, live: LiveDataRedis | None = None
) -> list[Order]:
    """Cancel every open order of ``account`` (WORKING, and bracket children still PENDING), of
    ``symbol`` only when given; returns the orders cancelled. An order that filled or was cancelled
    meanwhile is left as it is (its own transaction decides)."""
    now = now or clock.now()
    open_orders = Order.objects.filter(account=account, status__in=OPEN_STATUSES)
    if symbol is not None:
        open_orders = open_orders.filter(symbol=symbol.strip().upper().lstrip("/"))
    cancelled: list[Order] = []
    # Entries first: cancelling one cancels its pending children with it.
    for order in list(open_orders.order_by("parent_id", "pk")):
        if order.status == OrderStatus.PENDING and order.parent_id is not None:
            continue
        try:
            cancelled.append(cancel_order(order=order, now=now, live=live))
        except OrderRejected:
            continue
    return cancelled


def flatten(
    *, account: Account, symbol: str, now: datetime | None = None, live: LiveDataRedis | None = None
) -> tuple[OrderResult, list[Order]]:
    """Close ``account``'s position in ``symbol`` at market after cancelling its open orders (its
    bracket's take profit and stop first, so neither can fill after the position is gone). Returns
    (the closing market order, the orders cancelled). Raises :class:`OrderRejected` when there is no
    position; a closing order the engine refuses (a stale quote) comes back REJECTED with its reason,
    and the cancelled orders stay cancelled."""
    now = now or clock.now()
    root = symbol.strip().upper().lstrip("/")
    position = Position.objects.filter(account=account, symbol=root).first()
    if position is None:
        raise OrderRejected(f"symbol: no open position in {root} to flatten")
    cancelled = cancel_all(account=account, symbol=root, now=now, live=live)
    side = OrderSide.SELL if position.quantity > 0 else OrderSide.BUY
    result = place_order(
        account=account,
        request=OrderRequest(symbol=root, side=side, quantity=abs(position.quantity)),
        live=live,
        now=now,
    )
    return result, cancelled


def expire_day_orders(*, now: datetime, live: LiveDataRedis | None = None) -> int:
    """Expire the WORKING DAY orders whose CME day ended by ``now`` (their pending bracket children
    are cancelled); returns how many expired."""
    expired = 0
    for order_id, account_id in list(
        Order.objects.filter(status=OrderStatus.WORKING, expires_at__lte=now).values_list("pk", "account_id")
    ):
        with transaction.atomic():
            account, order = account_and_order_for_update(account_id=account_id, order_id=order_id)
            if order.status != OrderStatus.WORKING:
                continue
            order.status, order.canceled_at = OrderStatus.EXPIRED, now
            order.save(update_fields=["status", "canceled_at"])
            Order.objects.filter(parent=order, status=OrderStatus.PENDING).update(
                status=OrderStatus.CANCELED, canceled_at=now
            )
            revalue(account, live)
            transaction.on_commit(lambda o=order: announce(o))  # type: ignore[misc]
        expired += 1
    return expired


def live_figures(
    account: Account, live: LiveDataRedis | None = None, *, margins: dict[str, Margin] | None = None
) -> dict[str, Any]:
    """The ``account``'s figures (USD) from its positions, working orders and the live marks (a
    mark: the live price, else the average price), without saving anything.

    FUTURES: net_liq = cash + Σ (mark − average) × quantity × point value; margin in use = initial
    margin of positions and working orders; buying power = net_liq − margin in use; margin call
    when net_liq < the positions' maintenance margin. CASH: net_liq = cash + Σ market value,
    buying power = cash, no margin."""
    positions = list(Position.objects.filter(account=account))
    marks: dict[str, Quote] = {}
    if positions:
        try:
            marks = (live or get_live_data_redis()).get_latest_quotes([p.symbol for p in positions])
        except RedisError:
            marks = {}
    points = point_values([p.symbol for p in positions])
    value = Decimal(0)
    for p in positions:
        mark = market_price(marks.get(p.symbol)) or p.average_price
        point_value = points[p.symbol]
        if account.kind == AccountKind.FUTURES:
            value += (mark - p.average_price) * p.quantity * point_value
        else:
            value += mark * p.quantity * point_value
    net_liq = money(account.cash + value)
    if account.kind == AccountKind.FUTURES:
        initial, maintenance = fills.margin_required(
            {p.symbol: p.quantity for p in positions},
            _working(account),
            margins if margins is not None else margin_table(),
        )
        return {
            "net_liq": net_liq,
            "margin_in_use": initial,
            "maintenance_margin": maintenance,
            "buying_power": net_liq - initial,
            "margin_call": bool(positions) and net_liq < maintenance,
        }
    return {
        "net_liq": net_liq,
        "margin_in_use": Decimal(0),
        "maintenance_margin": Decimal(0),
        "buying_power": account.cash,
        "margin_call": False,
    }


def revalue(account: Account, live: LiveDataRedis | None = None, *, margins: dict[str, Margin] | None = None) -> None:
    """Save the locked ``account``'s :func:`live_figures` (after each fill, cancel or expiry); when
    it falls into a margin call, its owner is told on commit."""
    was_margin_call = account.margin_call
    for name, value in live_figures(account, live, margins=margins).items():
        setattr(account, name, value)
    if account.margin_call and not was_margin_call:
        send_on_commit(margin_called, Account, account=account)
        push_on_commit(
            user_group(account.owner_id),
            {
                "type": "margin_call",
                "account": account.pk,
                "net_liq": account.net_liq,
                "maintenance_margin": account.maintenance_margin,
            },
        )
    account.option_buying_power = account.buying_power
    account.save(
        update_fields=[
            "cash",
            "net_liq",
            "buying_power",
            "option_buying_power",
            "realized_pnl",
            "margin_in_use",
            "maintenance_margin",
            "margin_call",
            "updated_at",
        ]
    )


def announce(order: Order) -> None:
    """Tell the order's owner (their ``/ws/events/`` sockets) about the order — placed, filled,
    cancelled, expired or rejected — after it is committed (best effort)."""
    owner_id = Account.objects.filter(pk=order.account_id).values_list("owner_id", flat=True).first()
    if owner_id is None:
        return
    send_robust(order_changed, Account, order=order, owner_id=owner_id)
    push(
        user_group(owner_id),
        {
            "type": "order",
            "id": order.pk,
            "account": order.account_id,
            "symbol": order.symbol,
            "side": order.side,
            "quantity": order.quantity,
            "order_type": order.order_type,
            "status": order.status,
            "fill_price": order.fill_price,
            "reject_reason": order.reject_reason,
            "bracket_role": order.bracket_role,
            "parent": order.parent_id,
        },
    )
