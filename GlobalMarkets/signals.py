"""Signals GlobalMarkets sends after a market's status change is committed (SPEC §10).

All carry ``market`` (a ``Market``) and ``at`` (the aware UTC instant of the scheduled change).

- ``market_status_changed``: every transition; also ``old`` and ``new`` statuses.
- ``market_opened``: a market entered OPEN; ``bootstrap`` is True when the monitor found it already
  open at start-up (Thor was down at the open).
- ``market_closed``: a market left OPEN/PRECLOSE for CLOSED (or HOLIDAY).
- ``markets_bootstrapped``: the monitor has brought every market to its current status;
  ``open_markets`` lists the markets that are open now.
"""

from django.dispatch import Signal

market_status_changed = Signal()
market_opened = Signal()
market_closed = Signal()
markets_bootstrapped = Signal()
