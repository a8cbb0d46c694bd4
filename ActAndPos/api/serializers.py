"""JSON shapes for accounts, positions, orders and ledger entries (amounts in USD, prices in points)."""

from __future__ import annotations

from rest_framework import serializers

from ActAndPos.models import Account, LedgerEntry, Order, Position


class AccountSerializer(serializers.ModelSerializer):
    """An account with its figures at the live marks (USD): ``kind`` FUTURES / CASH, ``cash``,
    ``net_liq``, ``buying_power``, ``margin_in_use`` (initial margin of positions and working
    orders), ``maintenance_margin``, ``margin_call``."""

    class Meta:
        model = Account
        fields = ["id", "name", "kind", "currency", "cash", "net_liq", "buying_power", "option_buying_power",
                  "margin_in_use", "maintenance_margin", "margin_call", "realized_pnl", "auto_trade_markets",
                  "auto_trade_quantity", "created_at", "updated_at"]
        read_only_fields = fields


class PositionSerializer(serializers.ModelSerializer):
    mark = serializers.DecimalField(max_digits=18, decimal_places=6, read_only=True, allow_null=True)
    market_value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    unrealized_pnl = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = Position
        fields = ["symbol", "quantity", "average_price", "realized_pnl", "mark", "market_value", "unrealized_pnl"]


class OrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "account", "client_order_id", "symbol", "side", "quantity", "order_type", "limit_price",
                  "stop_price", "time_in_force", "status", "fill_price", "commission", "reject_reason", "parent",
                  "bracket_role", "capture", "created_at", "working_since", "triggered_at", "expires_at", "filled_at",
                  "canceled_at"]


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "order", "symbol", "quantity_delta", "price", "cash_delta", "realized_pnl", "reason",
                  "created_at"]
