"""Admin for paper accounts; the ledger is read-only (append-only by design)."""

from typing import Any

from django.contrib import admin

from ActAndPos.models import Account, ContractMultiplier, LedgerEntry, Order, Position


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("id", "owner", "name", "cash", "net_liq", "buying_power", "realized_pnl", "updated_at")
    search_fields = ("owner__username", "name")
    readonly_fields = ("cash", "net_liq", "buying_power", "option_buying_power", "realized_pnl")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("account", "symbol", "quantity", "average_price", "realized_pnl")
    list_filter = ("symbol",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "account", "side", "quantity", "symbol", "order_type", "status", "fill_price", "reject_reason",
                    "created_at")
    list_filter = ("status", "side", "order_type", "symbol")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # An order is history its ledger entries point at; it goes only with its account.
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "account", "kind", "symbol", "quantity_delta", "price", "cash_delta", "realized_pnl", "reason",
                    "created_at")
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
