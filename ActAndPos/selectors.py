"""Reads shared by the accounts and trades APIs: only the caller's own accounts (SPEC §11)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from redis.exceptions import RedisError

from ActAndPos.fills import market_price, money
from ActAndPos.models import Account, Position
from ActAndPos.services.order_engine import live_figures, margin_table, point_values
from LiveData.redis_client import get_live_data_redis


def accounts_of(user: Any) -> QuerySet[Account]:
    """The accounts ``user`` owns."""
    return Account.objects.filter(owner_id=getattr(user, "pk", None))


def with_live_figures(accounts: list[Account]) -> list[Account]:
    """``accounts`` with net liq, buying power, margin and margin call set at the live marks
    (nothing is saved: a read changes no state)."""
    margins = margin_table()
    for account in accounts:
        for name, value in live_figures(account, margins=margins).items():
            setattr(account, name, value)
        account.option_buying_power = account.buying_power
    return accounts


def positions_with_marks(account: Account) -> list[Position]:
    """The account's positions with ``mark`` (live price or None), ``market_value`` and
    ``unrealized_pnl`` (USD; signed: a short's market value is negative) attached; one Redis round
    trip and one query for the point values."""
    positions = list(Position.objects.filter(account=account).order_by("symbol"))
    try:
        quotes = get_live_data_redis().get_latest_quotes([p.symbol for p in positions]) if positions else {}
    except RedisError:
        quotes = {}
    points = point_values([p.symbol for p in positions])
    for p in positions:
        mark = market_price(quotes.get(p.symbol))
        point_value = points[p.symbol]
        price = mark if mark is not None else p.average_price
        p.mark = mark  # type: ignore[attr-defined]
        p.market_value = money(price * p.quantity * point_value)  # type: ignore[attr-defined]
        p.unrealized_pnl = money((price - p.average_price) * p.quantity * point_value)  # type: ignore[attr-defined]
    return positions


def realized_between(entries: list[Any]) -> Decimal:
    """Σ realised P&L of ledger entries (USD)."""
    return sum((e.realized_pnl for e in entries), Decimal(0))
