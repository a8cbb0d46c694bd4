"""The trading configuration, loaded once and cached (SPEC §4).

Instruments, thresholds, signal weights, contract weights and target settings change only when
someone edits them in the admin. :func:`get_trading_config` loads them in a fixed handful of
queries and caches the result; saving or deleting any of those models calls
:func:`invalidate_trading_config` (see ``ThorTrading.receivers``). A 60-second lifetime bounds how
long another process (the feed, a second web process) can keep an old copy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from ThorTrading import signals, targets
from ThorTrading.signals import Thresholds

CACHE_SECONDS = 60.0


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


_lock = threading.Lock()
_cached: TradingConfig | None = None
_loaded_at = 0.0


def load_trading_config() -> TradingConfig:
    """Read the configuration from the database (4 queries)."""
    from ThorTrading.models import SignalWeight, TradingInstrument

    weights = dict(signals.DEFAULT_SIGNAL_WEIGHTS)
    weights.update({w.signal: w.weight for w in SignalWeight.objects.all()})
    instruments = (
        TradingInstrument.objects.filter(is_active=True)
        .select_related("contract_weight", "target_config")
        .prefetch_related("signal_stat_values")
        .order_by("sort_order", "symbol")
    )
    result = []
    for inst in instruments:
        values = {s.signal: s.value for s in inst.signal_stat_values.all()}
        thresholds = None
        if all(k in values for k in (signals.STRONG_BUY, signals.BUY, signals.SELL, signals.STRONG_SELL)):
            thresholds = Thresholds(
                strong_buy=values[signals.STRONG_BUY],
                buy=values[signals.BUY],
                sell=values[signals.SELL],
                strong_sell=values[signals.STRONG_SELL],
            )
        contract = getattr(inst, "contract_weight", None)
        target = getattr(inst, "target_config", None)
        if target is None or not target.is_active:
            target_mode, profit_target, stop_loss = targets.DISABLED, None, None
        else:
            target_mode, profit_target, stop_loss = target.mode, target.profit_target, target.stop_loss
        result.append(
            InstrumentConfig(
                id=inst.pk,
                symbol=inst.symbol,
                name=inst.name,
                display_precision=inst.display_precision,
                price_format=inst.price_format,
                tick_size=inst.tick_size,
                tick_value=inst.tick_value,
                sort_order=inst.sort_order,
                show_in_ribbon=inst.show_in_ribbon,
                inverse_weight=inst.inverse_weight,
                thresholds=thresholds,
                contract_weight=contract.weight if contract is not None else Decimal(1),
                target_mode=target_mode,
                profit_target=profit_target,
                stop_loss=stop_loss,
            )
        )
    return TradingConfig(instruments=result, signal_weights=weights)


def get_trading_config() -> TradingConfig:
    """The cached configuration (reloaded after an admin change or after ``CACHE_SECONDS``)."""
    global _cached, _loaded_at
    cached = _cached
    if cached is not None and time.monotonic() - _loaded_at < CACHE_SECONDS:
        return cached
    with _lock:
        if _cached is None or time.monotonic() - _loaded_at >= CACHE_SECONDS:
            _cached = load_trading_config()
            _loaded_at = time.monotonic()
        return _cached


def invalidate_trading_config() -> None:
    """Drop the cached configuration; the next reader loads it again."""
    global _cached
    with _lock:
        _cached = None
