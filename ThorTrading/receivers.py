"""Django signal receivers: keep the cached trading configuration in step with admin edits."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

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


@receiver([post_save, post_delete])
def _config_changed(sender: Any, **kwargs: Any) -> None:
    if sender in CONFIG_MODELS:
        invalidate_trading_config()
    elif sender is MarketSession:  # an admin edit or delete of a captured row
        bump_analytics_version(ids=[kwargs["instance"].pk])
    elif sender is Market:  # its evaluation window, as the stats show it
        from django.core.cache import cache

        cache.delete(EVALUATION_WINDOWS_KEY)
