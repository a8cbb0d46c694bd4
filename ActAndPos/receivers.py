"""Every new user gets a default paper account, able to trade at once (SPEC §11)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from ActAndPos.services.order_engine import open_default_account


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="actandpos-default-account")
def _open_account(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        open_default_account(instance)
