"""Admin for paper accounts; the ledger is read-only (append-only by design)."""

from typing import Any

from django.contrib import admin

from ActAndPos.models import Account, ContractMargin, ContractMultiplier, LedgerEntry, Order, Position


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "owner",
        "name",
        "kind",
        "cash",
        "net_liq",
        "buying_power",
        "margin_in_use",
        "margin_call",
        "realized_pnl",
        "updated_at",
    )
    list_filter = ("kind", "margin_call")
    search_fields = ("owner__username", "name")
    # Figures as of the account's last fill, cancel or expiry; the API shows them at the live marks.
    readonly_fields = (
        "cash",
        "net_liq",
        "buying_power",
        "option_buying_power",
        "margin_in_use",
        "maintenance_margin",
        "margin_call",
        "realized_pnl",
    )


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("account", "symbol", "quantity", "average_price", "realized_pnl")
    list_filter = ("symbol",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "account",
        "side",
        "quantity",
        "symbol",
        "order_type",
        "bracket_role",
        "status",
        "fill_price",
        "reject_reason",
        "created_at",
    )
    list_filter = ("status", "side", "order_type", "bracket_role", "symbol")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # An order is history its ledger entries point at; it goes only with its account.
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "account",
        "kind",
        "symbol",
        "quantity_delta",
        "price",
        "cash_delta",
        "realized_pnl",
        "reason",
        "created_at",
    )
    list_filter = ("kind", "symbol")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(ContractMultiplier)
class ContractMultiplierAdmin(admin.ModelAdmin):
    list_display = ("symbol", "multiplier")
    list_editable = ("multiplier",)


@admin.register(ContractMargin)
class ContractMarginAdmin(admin.ModelAdmin):
    """Approximate exchange margins and commissions: keep them current (the exchanges move them)."""

    list_display = ("symbol", "initial_margin", "maintenance_margin", "commission", "as_of", "source")
    list_editable = ("initial_margin", "maintenance_margin", "commission", "as_of")
