"""Paper accounts, positions, orders and the append-only ledger (SPEC §11).

Cash account only: cash never goes below 0, quantities never below 0 (no shorting) — enforced by
database constraints as well as by the order engine. Amounts in USD; prices in points of the symbol;
a futures contract's cash value is price × its point value (``ContractMultiplier``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


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


class Account(models.Model):
    """A paper cash account. ``net_liq`` = cash + market value of positions; buying power = cash
    (no margin); ``realized_pnl`` = closed-trade P&L since opening."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_accounts")
    name = models.CharField(max_length=100, default="Paper")
    currency = models.CharField(max_length=3, default="USD")
    cash = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    net_liq = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    buying_power = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    option_buying_power = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    realized_pnl = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["owner_id", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(cash__gte=0), name="account_cash_not_negative")]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.owner})"


class Position(models.Model):
    """What an account holds of a symbol: whole units, average price (points)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="positions")
    symbol = models.CharField(max_length=20)
    quantity = models.PositiveIntegerField(default=0)
    average_price = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    realized_pnl = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account_id", "symbol"]
        constraints = [
            models.UniqueConstraint(fields=["account", "symbol"], name="uniq_position_account_symbol"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="position_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.symbol} @ {self.average_price}"


class Order(models.Model):
    """One order as placed, with its outcome: FILLED (``fill_price``), REJECTED (``reject_reason``),
    WORKING or CANCELED. ``client_order_id`` makes a retry safe: the same id returns the first order."""

    SIDES = [("BUY", "Buy"), ("SELL", "Sell")]
    TYPES = [("MKT", "Market"), ("LMT", "Limit"), ("STP", "Stop"), ("STP_LMT", "Stop limit")]
    TIFS = [("DAY", "Day"), ("GTC", "Good till cancelled")]
    STATUSES = [("WORKING", "Working"), ("FILLED", "Filled"), ("REJECTED", "Rejected"), ("CANCELED", "Canceled")]

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    client_order_id = models.CharField(max_length=64, null=True, blank=True)
    symbol = models.CharField(max_length=20)
    side = models.CharField(max_length=4, choices=SIDES)
    quantity = models.PositiveIntegerField()
    order_type = models.CharField(max_length=8, choices=TYPES)
    limit_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    stop_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    time_in_force = models.CharField(max_length=3, choices=TIFS, default="DAY")
    status = models.CharField(max_length=9, choices=STATUSES)
    fill_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    reject_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    filled_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "client_order_id"], condition=models.Q(client_order_id__isnull=False),
                name="uniq_order_client_id_per_account",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.side} {self.quantity} {self.symbol} {self.order_type} {self.status}"


class LedgerEntry(models.Model):
    """One change of an account's cash or positions, with its reason. Append-only: rows are never
    updated or deleted one by one, so cash = Σ cash_delta and each position = Σ quantity_delta of its
    symbol. They go only with their account (a deleted user's paper history goes with the user)."""

    KINDS = [("DEPOSIT", "Deposit"), ("FILL", "Fill")]

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
