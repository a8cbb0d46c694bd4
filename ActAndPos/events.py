"""Django signals the paper desk sends for other apps (notifications)."""

from __future__ import annotations

from django.dispatch import Signal

#: An order changed state (placed, filled, cancelled, expired, rejected), committed. Keyword
#: arguments: ``order`` (the ``Order``), ``owner_id`` (int).
order_changed = Signal()

#: An account fell into a margin call (net liquidation below maintenance margin), committed.
#: Keyword arguments: ``account`` (the ``Account``).
margin_called = Signal()
