"""The weighted composite TOTAL over the instruments' signals (SPEC §4). Pure.

S = Σ signal weights; S > 9 STRONG_BUY, 3 < S ≤ 9 BUY, −3 ≤ S ≤ 3 HOLD, −9 ≤ S < −3 SELL,
S < −9 STRONG_SELL (the original VBA constants).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ThorTrading.signals import BUY, HOLD, SELL, STRONG_BUY, STRONG_SELL


@dataclass(frozen=True)
class CompositeInput:
    """One instrument's part in the composite: its signal, the threshold behind it (points),
    its contract weight and its (possibly inverted) signal weight."""

    signal: str | None
    stat_value: Decimal | None
    contract_weight: Decimal
    signal_weight: int


def composite_signal(signal_weight_sum: int) -> tuple[str, int]:
    """(composite_signal, composite_signal_weight) for S = ``signal_weight_sum``."""
    s = signal_weight_sum
    if s > 9:
        return STRONG_BUY, 2
    if s > 3:
        return BUY, 1
    if s >= -3:
        return HOLD, 0
    if s >= -9:
        return SELL, -1
    return STRONG_SELL, -2


def compute_composite(items: Iterable[CompositeInput], *, as_of: datetime | None) -> dict[str, Any]:
    """The TOTAL over every item that has a signal.

    Returns ``{signal_weight_sum, sum_weighted, avg_weighted, count, composite_signal,
    composite_signal_weight, as_of}``: sum_weighted = Σ stat_value × contract_weight (points),
    avg_weighted = sum_weighted / Σ|contract_weight| (None when that is 0).
    """
    signal_sum = 0
    weighted = Decimal(0)
    denominator = Decimal(0)
    count = 0
    for item in items:
        if item.signal is None or item.stat_value is None:
            continue
        count += 1
        signal_sum += item.signal_weight
        weighted += item.stat_value * item.contract_weight
        denominator += abs(item.contract_weight)
    signal, weight = composite_signal(signal_sum)
    return {
        "signal_weight_sum": signal_sum,
        "sum_weighted": weighted,
        "avg_weighted": (weighted / denominator).quantize(Decimal("0.000001")) if denominator else None,
        "count": count,
        "composite_signal": signal if count else None,
        "composite_signal_weight": weight if count else 0,
        "as_of": as_of,
    }
