"""Django signals Thor's trading side sends for other apps (paper trading, live push)."""

from __future__ import annotations

from django.dispatch import Signal

#: A market-open capture was committed. Keyword arguments: ``capture_group`` (int), ``country`` (str).
market_captured = Signal()
