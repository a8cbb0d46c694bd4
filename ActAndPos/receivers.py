"""Every new user gets a default paper account, able to trade at once (SPEC §11)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ActAndPos.models import ContractMargin
from ActAndPos.services.capture_trades import auto_trade_capture
from ActAndPos.services.order_engine import open_default_account
from ThorTrading.events import market_captured
from ThorTrading.services.costs import forget_costs


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="actandpos-default-account")
def _open_account(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        open_default_account(instance)


@receiver(market_captured, dispatch_uid="actandpos-auto-trade")
def _auto_trade(sender: Any, capture_group: int, country: str, **kwargs: Any) -> None:
    auto_trade_capture(capture_group=capture_group, country=country)


@receiver([post_save, post_delete], sender=ContractMargin, dispatch_uid="actandpos-forget-costs")
def _forget_costs(sender: Any, **kwargs: Any) -> None:
    # stats/ nets trades of the commissions: an edited commission counts at once.
    forget_costs()
