"""Sending Django signals to other apps without making their failures the sender's (SPEC §1)."""

from __future__ import annotations

import logging
from typing import Any

from django.dispatch import Signal

logger = logging.getLogger(__name__)


def send_robust(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal``; a receiver that raises is logged with its traceback, never raised into the
    sender (a capture, a grade or a fill has happened whatever a listener does with it)."""
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("%s receiver %s failed (%s): %s", sender.__name__, receiver, kwargs, result, exc_info=result)


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """:func:`send_robust` once the current transaction commits (at once outside one)."""
    from django.db import transaction

    transaction.on_commit(lambda: send_robust(signal, sender, **kwargs))
