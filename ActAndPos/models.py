"""Paper accounts, positions, orders and the append-only ledger (SPEC §11, issue 12).

Two kinds of account. FUTURES (the default): each open contract ties up its initial margin, long
and short both allowed, P&L = price change × point value × contracts. CASH: pays the full notional,
no shorts — cash and quantities never below 0 there, enforced by database constraints as well as by
the order engine. Amounts in USD; prices in points of the symbol; a contract's point value is
``ContractMultiplier``; its margins ``ContractMargin``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from ActAndPos.choices import AccountKind, BracketRole, OrderSide, OrderStatus, OrderType, TimeInForce


class ContractMultiplier(models.Model):
    """USD per point of price for a symbol (a futures contract's point value = tick value / tick
    size, CME/ICE/CFE specifications). Symbols not listed trade at 1 (shares)."""

    symbol = models.CharField(max_length=20, unique=True)
    multiplier = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["symbol"]
        constraints = [models.CheckConstraint(condition=models.Q(multiplier__gt=0), name="multiplier_positive")]

    def __str__(self) -> str:
        return f"{self.symbol} × {self.multiplier}"


class ContractMargin(models.Model):
    """Exchange margin per contract (USD) for a FUTURES account, and the commission per contract
    per side. Approximations of the exchange's schedule as of ``as_of`` (``source``): the exchange
    changes them with volatility, so keep them current in the admin."""

    symbol = models.CharField(max_length=20, unique=True)
    initial_margin = models.DecimalField(max_digits=12, decimal_places=2)
    maintenance_margin = models.DecimalField(max_digits=12, decimal_places=2)
    commission = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="USD per contract per side (0 = none)"
    )
    as_of = models.DateField()
    source = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.CheckConstraint(condition=models.Q(maintenance_margin__gt=0), name="margin_maintenance_positive"),
            models.CheckConstraint(
                condition=models.Q(initial_margin__gte=models.F("maintenance_margin")),
                name="margin_initial_at_least_maintenance",
            ),
            models.CheckConstraint(condition=models.Q(commission__gte=0), name="margin_commission_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} initial ${self.initial_margin} / maintenance ${self.maintenance_margin}"


class Account(models.Model):
    """A paper account. FUTURES: ``net_liq`` = cash + unrealised P&L of the positions,
    ``margin_in_use`` = initial margin of the positions and working orders, ``buying_power`` =
    net_liq − margin_in_use, ``maintenance_margin`` of the positions, ``margin_call`` when net_liq
    falls below it. CASH: net_liq = cash + market value, buying power = cash. ``realized_pnl`` =
    closed-trade P&L since opening (after commissions). ``auto_trade_markets``: the control markets
    (country names) at whose captures the account trades the capture by itself."""

    kind = models.CharField(max_length=8, choices=AccountKind.choices(), default=AccountKind.FUTURES)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_accounts")
    name = models.CharField(max_length=100, default="Paper")
    currency = models.CharField(max_length=3, default="USD")
    cash = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    net_liq = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    buying_power = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    option_buying_power = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    realized_pnl = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    margin_in_use = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    maintenance_margin = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    margin_call = models.BooleanField(default=False)
    auto_trade_markets = models.JSONField(
        default=list, blank=True, help_text='Control markets to trade at every capture, e.g. ["USA", "Japan"]'
    )
    auto_trade_quantity = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cash__gte=0) | models.Q(kind="FUTURES"), name="account_cash_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.owner})"


class Position(models.Model):
    """What an account holds of a symbol: signed contracts (+ long, − short; a CASH account never
    below 0), average price (points)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="positions")
    symbol = models.CharField(max_length=20)
    quantity = models.IntegerField(default=0)
    average_price = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    realized_pnl = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_id", "symbol"]
        constraints = [
            models.UniqueConstraint(fields=["account", "symbol"], name="uniq_position_account_symbol"),
            models.CheckConstraint(condition=~models.Q(quantity=0), name="position_quantity_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.symbol} @ {self.average_price}"


class Order(models.Model):
    """One order as placed, with its outcome: FILLED (``fill_price``), REJECTED (``reject_reason``),
    WORKING (resting until a tick fills it), PENDING (a bracket child until its entry fills),
    CANCELED or EXPIRED. A bracket is an ENTRY with a TAKE_PROFIT limit and a STOP_LOSS stop as
    children (``parent``), one-cancels-other. ``working_since``: ticks before it never fill the
    order; ``expires_at``: the CME day's end for a DAY order. ``capture``: the market-open capture
    the order trades. ``client_order_id`` makes a retry safe: the same id returns the first order."""

    SIDES = OrderSide.choices()
    TYPES = OrderType.choices()
    TIFS = TimeInForce.choices()
    STATUSES = OrderStatus.choices()

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    client_order_id = models.CharField(max_length=64, null=True, blank=True)
    symbol = models.CharField(max_length=20)
    side = models.CharField(max_length=4, choices=SIDES)
    quantity = models.PositiveIntegerField()
    order_type = models.CharField(max_length=8, choices=TYPES)
    limit_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    stop_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    time_in_force = models.CharField(max_length=3, choices=TIFS, default=TimeInForce.DAY)
    status = models.CharField(max_length=9, choices=STATUSES)
    fill_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    bracket_role = models.CharField(max_length=11, choices=BracketRole.choices(), blank=True)
    capture = models.ForeignKey(
        "ThorTrading.MarketSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="paper_orders"
    )
    commission = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField()
    working_since = models.DateTimeField(null=True, blank=True)
    triggered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    filled_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client_order_id"],
                condition=models.Q(client_order_id__isnull=False),
                name="uniq_order_client_id_per_account",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_quantity_positive"),
        ]
        indexes = [models.Index(fields=["status", "symbol"], name="order_status_symbol")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.side} {self.quantity} {self.symbol} {self.order_type} {self.status}"


class LedgerEntry(models.Model):
    """One change of an account's cash or positions, with its reason. Append-only: rows are never
    updated or deleted one by one, so cash = Σ cash_delta and each position = Σ quantity_delta of its
    symbol. They go only with their account (a deleted user's paper history goes with the user)."""

    KINDS = [("DEPOSIT", "Deposit"), ("FILL", "Fill")]  # a fill's cash_delta is after its commission

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ledger")
    # The database constraint stays (deferred): an order cannot go while entries point at it, except
    # together with them, when its account goes. PROTECT would stop that cascade too.
    order = models.ForeignKey(Order, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="ledger")
    kind = models.CharField(max_length=10, choices=KINDS)
    symbol = models.CharField(max_length=20, blank=True)
    quantity_delta = models.IntegerField(default=0)
    price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    cash_delta = models.DecimalField(max_digits=18, decimal_places=2)
    realized_pnl = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["account_id", "id"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.kind} {self.cash_delta:+} {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("ledger entries are append-only")
