"""An order as the engine takes it: typed, normalised and checked once, where it is built (issue 22).

The API's serializer checks each field's type and range; :class:`OrderRequest` adds the rules that
tie fields together (a limit order needs its limit, a bracket both legs on the right sides). The
engine (``place_order``) then trusts it and validates nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ActAndPos import fills
from ActAndPos.choices import OrderSide, OrderType, TimeInForce


class OrderRejected(ValueError):
    """An order the engine refuses; the message says why, for the trader (the API answers 400)."""


def plain(value: Decimal) -> str:
    """47551.0 → 47551, 5.0000 → 5, 18.50 → 18.5 (for messages)."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class OrderRequest:
    """``symbol`` (a root: ES, or /ES as TOS writes it), ``side``, ``quantity`` (contracts ≥ 1),
    ``order_type``, ``limit_price`` / ``stop_price`` (points > 0; LMT and STP_LMT need the limit,
    STP and STP_LMT the stop), ``time_in_force``, ``client_order_id`` (a retried request with the same
    id returns the first order), and a bracket's ``take_profit_price`` with ``stop_loss_price``
    (points; a BUY takes profit above its stop, a SELL below).

    Raises :class:`OrderRejected` naming the field when the values do not make an order."""

    symbol: str
    side: OrderSide
    quantity: int
    order_type: OrderType = OrderType.MKT
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.DAY
    client_order_id: str | None = None
    take_profit_price: Decimal | None = None
    stop_loss_price: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "symbol", self.symbol.strip().upper().lstrip("/"))
        for name, vocabulary in (("side", OrderSide), ("order_type", OrderType), ("time_in_force", TimeInForce)):
            value = getattr(self, name)
            if value not in vocabulary.values():
                raise OrderRejected(f"{name}: {value!r} is not one of {', '.join(vocabulary.values())}")
            object.__setattr__(self, name, vocabulary(value))
        object.__setattr__(self, "client_order_id", self.client_order_id or None)
        if self.quantity < 1:
            raise OrderRejected(f"quantity: must be at least 1, got {self.quantity}")
        for name in ("limit_price", "stop_price", "take_profit_price", "stop_loss_price"):
            value = getattr(self, name)
            if value is not None and (not value.is_finite() or value <= 0):
                raise OrderRejected(f"{name}: must be a positive number, got {value}")
        if self.order_type in (OrderType.LMT, OrderType.STP_LMT) and self.limit_price is None:
            raise OrderRejected(f"limit_price: a {self.order_type} order needs one")
        if self.order_type in (OrderType.STP, OrderType.STP_LMT) and self.stop_price is None:
            raise OrderRejected(f"stop_price: a {self.order_type} order needs one")
        take_profit, stop_loss = self.take_profit_price, self.stop_loss_price
        if (take_profit is None) != (stop_loss is None):
            raise OrderRejected("take_profit_price and stop_loss_price: a bracket needs both")
        if (
            take_profit is not None
            and stop_loss is not None
            and not fills.bracket_prices_valid(self.side, take_profit, stop_loss)
        ):
            where = "above" if self.side == OrderSide.BUY else "below"
            raise OrderRejected(
                f"take_profit_price: a {self.side} bracket takes profit {where} its stop "
                f"(take profit {plain(take_profit)}, stop {plain(stop_loss)})"
            )

    @property
    def is_bracket(self) -> bool:
        """Whether the order carries a take profit and a stop (one-cancels-other children)."""
        return self.take_profit_price is not None

    def order_fields(self) -> dict[str, object]:
        """The ``Order`` model's fields this request sets (the bracket legs become child orders)."""
        return {
            "symbol": self.symbol,
            "side": self.side,
            "order_type": self.order_type,
            "quantity": self.quantity,
            "limit_price": self.limit_price,
            "stop_price": self.stop_price,
            "time_in_force": self.time_in_force,
            "client_order_id": self.client_order_id,
        }
