"""Input of the Trades API (issue 11): every parameter checked and bounded at the edge, so a bad
request is a 400 naming the parameter, never a 5xx or a silently altered value."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from ActAndPos.choices import OrderSide, OrderStatus, OrderType, TimeInForce
from ThorTrading.choices import FUTURES

ORDER_STATUSES = OrderStatus.values()
#: No futures price is anywhere near this (points): a larger one is a typo.
MAX_PRICE = Decimal("10000000")
#: The largest id the database's 64-bit keys hold.
MAX_ID = 2**63 - 1
#: Contracts per order; a larger order is refused before it reaches the engine.
MAX_QUANTITY = 10_000


def _price() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        min_value=Decimal("0.000001"),
        max_value=MAX_PRICE,
        required=False,
        allow_null=True,
    )


class OrderInputSerializer(serializers.Serializer):
    """An order: ``account`` (one of yours), ``symbol``, ``side``, ``quantity`` (1–10,000 contracts),
    ``order_type``, ``limit_price`` / ``stop_price`` (points, above 0 and below 10,000,000),
    ``time_in_force``, an optional ``client_order_id`` (at most 64 characters) that makes a
    retried request return the first order, and for a bracket ``take_profit_price`` with
    ``stop_loss_price`` (points): a take-profit limit and a stop, one-cancels-other, live once
    the entry fills."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    symbol = serializers.ChoiceField(choices=FUTURES)
    side = serializers.ChoiceField(choices=OrderSide.choices())
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    order_type = serializers.ChoiceField(choices=OrderType.choices(), default=OrderType.MKT)
    limit_price = _price()
    stop_price = _price()
    time_in_force = serializers.ChoiceField(choices=TimeInForce.choices(), default=TimeInForce.DAY)
    client_order_id = serializers.CharField(min_length=1, max_length=64, required=False, allow_null=True)
    take_profit_price = _price()
    stop_loss_price = _price()


class CaptureTradeInputSerializer(serializers.Serializer):
    """Trade a capture: ``account`` (one of yours) and ``quantity`` (1–10,000 contracts)."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, default=1)


class OrderQuerySerializer(serializers.Serializer):
    """``GET orders`` filters: ``account`` (id) and ``status``."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    status = serializers.ChoiceField(choices=ORDER_STATUSES, required=False)


class StatementQuerySerializer(serializers.Serializer):
    """``GET statements``: ``account`` (id, required), ``start`` and ``end`` (UTC dates, inclusive)."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class CancelAllInputSerializer(serializers.Serializer):
    """Cancel all: ``account`` (one of yours) and optionally ``symbol`` (only its orders)."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    symbol = serializers.ChoiceField(choices=FUTURES, required=False)


class FlattenInputSerializer(serializers.Serializer):
    """Flatten: ``account`` (one of yours) and the ``symbol`` whose position to close at market."""

    account = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    symbol = serializers.ChoiceField(choices=FUTURES)
