"""JSON shapes for accounts, positions, orders and ledger entries (amounts in USD, prices in points)."""

from __future__ import annotations

from rest_framework import serializers

from ActAndPos.models import Account, ContractMargin, LedgerEntry, Order, Position


class AccountSerializer(serializers.ModelSerializer):
    """An account with its figures at the live marks (USD): ``kind`` FUTURES / CASH, ``cash``,
    ``net_liq``, ``buying_power``, ``margin_in_use`` (initial margin of positions and working
    orders), ``maintenance_margin``, ``margin_call``; ``auto_trade_markets`` the control markets
    whose captures it trades by itself."""

    auto_trade_markets = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "kind",
            "currency",
            "cash",
            "net_liq",
            "buying_power",
            "option_buying_power",
            "margin_in_use",
            "maintenance_margin",
            "margin_call",
            "realized_pnl",
            "auto_trade_markets",
            "auto_trade_quantity",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# Contract counts are declared, not taken from the model: the model field's bounds come from the
# database backend (int32 on PostgreSQL, int64 on SQLite), and the schema must not change with it.
class PositionSerializer(serializers.ModelSerializer):
    quantity = serializers.IntegerField(read_only=True, help_text="contracts, signed: negative is short")
    mark = serializers.DecimalField(max_digits=18, decimal_places=6, read_only=True, allow_null=True)
    market_value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    unrealized_pnl = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = Position
        fields = ["symbol", "quantity", "average_price", "realized_pnl", "mark", "market_value", "unrealized_pnl"]


class OrderSerializer(serializers.ModelSerializer):
    quantity = serializers.IntegerField(read_only=True, help_text="contracts")

    class Meta:
        model = Order
        fields = [
            "id",
            "account",
            "client_order_id",
            "symbol",
            "side",
            "quantity",
            "order_type",
            "limit_price",
            "stop_price",
            "time_in_force",
            "status",
            "fill_price",
            "commission",
            "reject_reason",
            "parent",
            "bracket_role",
            "capture",
            "created_at",
            "working_since",
            "triggered_at",
            "expires_at",
            "filled_at",
            "canceled_at",
        ]


class LedgerEntrySerializer(serializers.ModelSerializer):
    quantity_delta = serializers.IntegerField(read_only=True, help_text="contracts, signed")

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "order",
            "symbol",
            "quantity_delta",
            "price",
            "cash_delta",
            "realized_pnl",
            "reason",
            "created_at",
        ]


class ContractMarginSerializer(serializers.ModelSerializer):
    """A contract's exchange margins and commission (USD per contract; commission per side), with the
    schedule's date and source, for the order ticket's margin preview."""

    class Meta:
        model = ContractMargin
        fields = ["symbol", "initial_margin", "maintenance_margin", "commission", "as_of", "source"]
        read_only_fields = fields
