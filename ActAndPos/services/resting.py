"""Resting orders against the tick stream (SPEC §11, issue 12): which WORKING orders a batch of
ticks reaches, in tick order, each applied by :func:`~ActAndPos.services.order_engine.fill_resting_order`."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from ActAndPos import fills
from ActAndPos.models import Order, OrderStatus
from ActAndPos.services.order_engine import fill_resting_order
from LiveData.redis_client import LiveDataRedis
from LiveData.ticks import Quote, quote_time


def _working(symbols: set[str]) -> dict[str, list[Order]]:
    by_symbol: dict[str, list[Order]] = defaultdict(list)
    orders = Order.objects.filter(status=OrderStatus.WORKING, symbol__in=symbols, order_type__in=fills.RESTING_TYPES)
    for order in orders.order_by("pk").only(
        "pk", "symbol", "side", "order_type", "limit_price", "stop_price", "triggered_at", "working_since"
    ):
        by_symbol[order.symbol].append(order)
    return by_symbol


def fill_resting_orders(quotes: list[Quote], *, now: datetime, live: LiveDataRedis | None = None) -> int:
    """Apply ``quotes`` (stream order) to the WORKING orders of their symbols; returns the fills.

    A tick older than an order's ``working_since`` never fills it (a restarted worker re-reads old
    entries); after a fill or a trigger the symbol's working orders are read again, so a bracket's
    children become live for the very next tick and a cancelled sibling is not filled."""
    symbols = {q.get("symbol") for q in quotes if q.get("symbol")}
    if not symbols:
        return 0
    working = _working({s for s in symbols if isinstance(s, str)})
    filled = 0
    for quote in quotes:
        symbol = str(quote.get("symbol") or "")
        if not working.get(symbol):
            continue
        at = quote_time(quote, default=now)
        changed = False
        for order in working[symbol]:
            if order.working_since is not None and at < order.working_since:
                continue
            touch = fills.touch(
                fills.RestingOrder(
                    order.order_type,
                    order.side,
                    order.limit_price,
                    order.stop_price,
                    triggered=order.triggered_at is not None,
                ),
                quote,
            )
            if touch is None:
                continue
            filled += int(fill_resting_order(order_id=order.pk, quote=quote, at=at, live=live))
            changed = True
        if changed:
            working[symbol] = _working({symbol}).get(symbol, [])
    return filled
