"""Reads shared by the accounts and trades APIs: only the caller's own accounts (SPEC §11)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from redis.exceptions import RedisError

from ActAndPos.fills import market_price, money
from ActAndPos.models import Account, LedgerEntry, Position
from ActAndPos.services.order_engine import live_figures, margin_table, point_values
from LiveData.redis_client import get_live_data_redis
from ThorTrading.services.export import csv_value


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


def statement(account: Account, *, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The account's statement from the append-only ledger between ``start`` and ``end`` (UTC
    dates, inclusive; open-ended when None). Money in USD.

    - ``entries``: the ledger entries, oldest first, each given ``commission`` (of its order) and
      ``equity`` (closed-trade equity after it: deposits + realised P&L − commissions since the
      account opened — for a FUTURES account this is its cash);
    - ``fills`` (the FILL entries), ``cash_change``, ``realized_pnl`` and ``commission`` over the period;
    - ``pnl_by_day``: ``[{date, fills, realized_pnl, commission, net_pnl}]``, one per UTC day with a fill;
    - ``equity_curve``: ``[{at, equity}]`` after each entry of the period (``at`` UTC);
    - ``net_liq``: the account's net liq now, at the live marks (the curve's open end).
    """
    ledger = LedgerEntry.objects.filter(account=account).select_related("order").order_by("id")
    equity = Decimal(0)
    if start is not None:
        since = datetime.combine(start, time.min, tzinfo=UTC)
        for entry in ledger.filter(created_at__lt=since):
            equity += _equity_change(entry)
        ledger = ledger.filter(created_at__gte=since)
    if end is not None:
        ledger = ledger.filter(created_at__lte=datetime.combine(end, time.max, tzinfo=UTC))
    entries = list(ledger)
    days: dict[date, dict[str, Any]] = {}
    for entry in entries:
        entry.commission = entry.order.commission if entry.order_id is not None else Decimal(0)  # type: ignore[attr-defined,union-attr]
        equity += _equity_change(entry)
        entry.equity = equity  # type: ignore[attr-defined]
        if entry.kind == "FILL":
            day = days.setdefault(
                entry.created_at.astimezone(UTC).date(),
                {"fills": 0, "realized_pnl": Decimal(0), "commission": Decimal(0)},
            )
            day["fills"] += 1
            day["realized_pnl"] += entry.realized_pnl
            day["commission"] += entry.commission  # type: ignore[attr-defined]
    return {
        "entries": entries,
        "fills": [e for e in entries if e.kind == "FILL"],
        "cash_change": sum((e.cash_delta for e in entries), Decimal(0)),
        "realized_pnl": sum((e.realized_pnl for e in entries), Decimal(0)),
        "commission": sum((e.commission for e in entries), Decimal(0)),  # type: ignore[attr-defined]
        "pnl_by_day": [
            {"date": day, **values, "net_pnl": values["realized_pnl"] - values["commission"]}
            for day, values in sorted(days.items())
        ],
        "equity_curve": [{"at": e.created_at, "equity": e.equity} for e in entries],  # type: ignore[attr-defined]
        "net_liq": live_figures(account)["net_liq"],
    }


def _equity_change(entry: LedgerEntry) -> Decimal:
    """What a ledger entry adds to closed-trade equity: a deposit its cash, a fill its realised P&L
    less its order's commission (a CASH account's purchase moves cash, not equity)."""
    if entry.kind != "FILL":
        return entry.cash_delta
    commission = entry.order.commission if entry.order is not None else Decimal(0)
    return entry.realized_pnl - commission


STATEMENT_CSV_COLUMNS = [
    "id",
    "time_utc",
    "kind",
    "symbol",
    "quantity",
    "price",
    "cash_delta_usd",
    "realized_pnl_usd",
    "commission_usd",
    "equity_usd",
    "order",
    "reason",
]


def statement_csv(data: dict[str, Any]) -> str:
    """The entries of a :func:`statement` as CSV text, one row per ledger entry with the columns
    of :data:`STATEMENT_CSV_COLUMNS` (USD; times UTC)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(STATEMENT_CSV_COLUMNS)
    for e in data["entries"]:
        writer.writerow(
            [
                csv_value(v)
                for v in (
                    e.pk,
                    e.created_at,
                    e.kind,
                    e.symbol,
                    e.quantity_delta,
                    e.price,
                    e.cash_delta,
                    e.realized_pnl,
                    e.commission,
                    e.equity,
                    e.order_id,
                    e.reason,
                )
            ]
        )
    return buffer.getvalue()


def commission_table() -> dict[str, Decimal]:
    """The commission per contract per side (USD) by symbol, from the contract margins table."""
    from ActAndPos.models import ContractMargin

    return dict(ContractMargin.objects.values_list("symbol", "commission"))
