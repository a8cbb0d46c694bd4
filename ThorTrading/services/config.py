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
from decimal import Decimal

from ThorTrading import signals, targets
from ThorTrading.config import InstrumentConfig, TradingConfig
from ThorTrading.models import SignalWeight, TradingInstrument
from ThorTrading.signals import Thresholds

__all__ = [
    "InstrumentConfig",
    "TradingConfig",
    "get_trading_config",
    "invalidate_trading_config",
    "load_trading_config",
]

CACHE_SECONDS = 60.0


_lock = threading.Lock()
_cached: TradingConfig | None = None
_loaded_at = 0.0


def load_trading_config() -> TradingConfig:
    """Read the configuration from the database (4 queries)."""
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
