"""Django signals Thor's trading side sends for other apps (paper trading, live push)."""

from __future__ import annotations

from django.dispatch import Signal

#: A market-open capture was committed. Keyword arguments: ``capture_group`` (int), ``country`` (str).
market_captured = Signal()

#: Captured trades left PENDING (a first touch, or the evaluation window ran out), committed.
#: Keyword arguments: ``ids`` (list of ``MarketSession`` ids).
trade_resolved = Signal()

#: A market open could not be captured after every retry. Keyword arguments: ``missed`` (the
#: ``MissedCapture`` row).
capture_missed = Signal()
