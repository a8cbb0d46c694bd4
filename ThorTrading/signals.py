"""Per-instrument signals from the net change (SPEC §4). Pure: no Django, no Redis.

Thresholds and the net change are in points (the feed's NetChange). First match wins:
``c > STRONG_BUY`` → STRONG_BUY; ``c > BUY`` → BUY; ``SELL <= c <= BUY`` → HOLD; ``c > STRONG_SELL`` →
SELL; otherwise STRONG_SELL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ThorTrading.choices import Signal

STRONG_BUY: str = Signal.STRONG_BUY
BUY: str = Signal.BUY
HOLD: str = Signal.HOLD
SELL: str = Signal.SELL
STRONG_SELL: str = Signal.STRONG_SELL
SIGNALS = Signal.values()
LONG_SIGNALS = frozenset({STRONG_BUY, BUY})
SHORT_SIGNALS = frozenset({SELL, STRONG_SELL})

#: SPEC §4 signal weights; instruments that rise when markets fall use the negation.
DEFAULT_SIGNAL_WEIGHTS: dict[str, int] = {STRONG_BUY: 2, BUY: 1, HOLD: 0, SELL: -1, STRONG_SELL: -2}


@dataclass(frozen=True)
class Thresholds:
    """An instrument's four thresholds in points (SELL and STRONG_SELL are usually negative)."""

    strong_buy: Decimal
    buy: Decimal
    sell: Decimal
    strong_sell: Decimal

    @classmethod
    def symmetric(cls, strong_buy: Decimal | str, buy: Decimal | str) -> Thresholds:
        """Thresholds whose sell side mirrors the buy side (the SPEC §4 defaults)."""
        sb, b = Decimal(strong_buy), Decimal(buy)
        return cls(strong_buy=sb, buy=b, sell=-b, strong_sell=-sb)

    def value_for(self, signal: str) -> Decimal:
        """The threshold behind ``signal`` (HOLD → 0): the row's ``stat_value``."""
        return {
            STRONG_BUY: self.strong_buy,
            BUY: self.buy,
            HOLD: Decimal(0),
            SELL: self.sell,
            STRONG_SELL: self.strong_sell,
        }[signal]


def classify(change: Decimal | None, thresholds: Thresholds | None) -> str | None:
    """The signal for net change ``change`` (points), or None when either is missing."""
    if change is None or thresholds is None:
        return None
    if change > thresholds.strong_buy:
        return STRONG_BUY
    if change > thresholds.buy:
        return BUY
    if change >= thresholds.sell:
        return HOLD
    if change > thresholds.strong_sell:
        return SELL
    return STRONG_SELL


def signal_weight(signal: str | None, *, weights: Mapping[str, int] | None = None, inverse: bool = False) -> int:
    """The signal's weight in the composite (+2…−2); negated for ``inverse`` instruments (VX, DX,
    GC, ZB by default). The inversion changes only this weight, never the trade direction."""
    if signal is None:
        return 0
    weight = (weights or DEFAULT_SIGNAL_WEIGHTS).get(signal, 0)
    return -weight if inverse else weight


def price_for_side(
    signal: str | None, *, long: Decimal | None, short: Decimal | None, fallback: Decimal | None
) -> Decimal | None:
    """``long`` for a long signal, ``short`` for a short one, ``fallback`` when that price is
    missing (the DX index quotes only ``last``); None for HOLD or no signal."""
    side = trade_side(signal)
    if side == 0:
        return None
    price = long if side > 0 else short
    return price if price is not None else fallback


def trade_side(signal: str | None) -> int:
    """+1 for a long (BUY, STRONG_BUY), −1 for a short (SELL, STRONG_SELL), 0 for no trade."""
    if signal in LONG_SIGNALS:
        return 1
    if signal in SHORT_SIGNALS:
        return -1
    return 0
