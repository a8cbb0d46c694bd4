"""The trading configuration as plain values (SPEC §4). Pure: no Django, no Redis.

The strategy, the backtest and the grader take a :class:`TradingConfig` as an argument; the live
path loads it from the database (``ThorTrading.services.config.get_trading_config``), a backtest
variant derives another from it (``ThorTrading.backtest.Variant.apply``), and tests build one by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ThorTrading.signals import Thresholds


@dataclass(frozen=True)
class InstrumentConfig:
    """Everything the quote, capture and grading paths need about one instrument.

    Prices in points, ``tick_value`` in USD per tick. ``thresholds`` is None when the instrument's
    four thresholds are not all configured (its quotes then get no signal).
    """

    id: int
    symbol: str
    name: str
    display_precision: int
    tick_size: Decimal
    tick_value: Decimal
    sort_order: int
    show_in_ribbon: bool
    inverse_weight: bool
    thresholds: Thresholds | None
    contract_weight: Decimal
    target_mode: str
    profit_target: Decimal | None
    stop_loss: Decimal | None
    #: "decimal", or "32nds" for Treasury futures (the dashboard writes 117'02)
    price_format: str = "decimal"

    def as_row_instrument(self) -> dict[str, object]:
        """The ``instrument`` object of a quote row (SPEC §4)."""
        return {
            "id": self.id,
            "symbol": self.symbol,
            "name": self.name,
            "display_precision": self.display_precision,
            "price_format": self.price_format,
            "show_in_ribbon": self.show_in_ribbon,
            "tick_size": self.tick_size,
            "tick_value": self.tick_value,
            "sort_order": self.sort_order,
        }


@dataclass(frozen=True)
class TradingConfig:
    """The active instruments in display order, and the signal weights."""

    instruments: list[InstrumentConfig]
    signal_weights: dict[str, int]
    by_symbol: dict[str, InstrumentConfig] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_symbol.update({i.symbol: i for i in self.instruments})
