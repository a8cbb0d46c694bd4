"""Django signal receivers: keep the cached trading configuration in step with admin edits."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from GlobalMarkets.models import Market
from ThorTrading.models import (
    ContractWeight,
    MarketSession,
    SignalStatValue,
    SignalWeight,
    TargetHighLowConfig,
    TradingInstrument,
)
from ThorTrading.selectors.cache import bump_analytics_version
from ThorTrading.services.config import invalidate_trading_config
from ThorTrading.services.grading import EVALUATION_WINDOWS_KEY

CONFIG_MODELS = (TradingInstrument, SignalStatValue, SignalWeight, ContractWeight, TargetHighLowConfig)


def _config_changed(sender: Any, **kwargs: Any) -> None:
    """An instrument, threshold, weight or target was saved or deleted: reload the configuration."""
    invalidate_trading_config()


def _session_changed(sender: Any, instance: MarketSession, **kwargs: Any) -> None:
    """An admin edit or delete of a captured row: the statistics re-read it."""
    bump_analytics_version(ids=[instance.pk])


def _market_changed(sender: Any, **kwargs: Any) -> None:
    """A market was saved: its evaluation window, as the stats show it, is read again."""
    cache.delete(EVALUATION_WINDOWS_KEY)


# Each receiver hears its own models only (a receiver without ``sender`` ran on every save in
# the project).
for signal in (post_save, post_delete):
    for model in CONFIG_MODELS:
        signal.connect(
            _config_changed, sender=model, dispatch_uid=f"thor-config-{signal is post_save}-{model.__name__}"
        )
    signal.connect(_session_changed, sender=MarketSession, dispatch_uid=f"thor-session-{signal is post_save}")
    signal.connect(_market_changed, sender=Market, dispatch_uid=f"thor-market-{signal is post_save}")
