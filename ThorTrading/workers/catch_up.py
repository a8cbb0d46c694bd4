"""The catch-up capture scan (SPEC §6): every 30 s, capture an open missed while Thor was down or
busy, if it is recent enough (``THOR_CAPTURE_CATCHUP_MINUTES``)."""

from __future__ import annotations

import threading

from core import clock
from core.workers import Worker
from ThorTrading.services.capture import catch_up_captures

CATCH_UP_SECONDS = 30.0


def _catch_up_step(stop: threading.Event) -> float:
    catch_up_captures(now=clock.now())
    return CATCH_UP_SECONDS


def capture_catch_up_worker() -> Worker:
    """The catch-up scan as a worker (not started)."""
    return Worker("thor-capture-catch-up", _catch_up_step)
