"""ThorTrading follows GlobalMarkets' signals (SPEC §1, §6): capture at the open, close capture at
the close, and opens missed while down at start-up. Connected in ``ready()``. (The session workers
follow the same signals in the project's worker stack, ``thor_project.stack``.)"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from core import clock
from GlobalMarkets.models import Market
from GlobalMarkets.signals import market_closed, market_opened, markets_bootstrapped
from ThorTrading.services.capture import capture_market_open, catch_up_captures
from ThorTrading.services.close_capture import capture_market_close

logger = logging.getLogger(__name__)

# One capture at a time in this process: duplicate signals queue here, then find the capture done.
_capture_lock = threading.Lock()


@receiver(market_opened, dispatch_uid="thor-market-opened")
def on_market_opened(sender: Any, market: Market, at: datetime, bootstrap: bool = False, **kwargs: Any) -> None:
    """Capture the open if the market's capture is on. A market found open at start-up is captured
    late, if it opened within THOR_CAPTURE_CATCHUP_MINUTES."""
    if not (market.enable_futures_capture and market.enable_open_capture):
        return
    now = clock.now()
    if bootstrap and now - at > timedelta(minutes=settings.THOR_CAPTURE_CATCHUP_MINUTES):
        logger.warning("%s opened at %s, too long ago to capture late", market.country, at.isoformat())
        return
    with _capture_lock:
        result = capture_market_open(
            market=market, now=now, late=bootstrap, retry_delay=settings.THOR_CAPTURE_RETRY_SECONDS
        )
    logger.info("open capture: %s", result.message)


@receiver(market_closed, dispatch_uid="thor-market-closed")
def on_market_closed(sender: Any, market: Market, at: datetime, **kwargs: Any) -> None:
    """Close capture for the market."""
    if market.enable_futures_capture and market.enable_close_capture:
        result = capture_market_close(country=market.country)
        logger.info("close capture %s: %s", result.status, result.message)


@receiver(markets_bootstrapped, dispatch_uid="thor-markets-bootstrapped")
def on_markets_bootstrapped(sender: Any, open_markets: list[Market], at: datetime, **kwargs: Any) -> None:
    """At start-up: capture opens missed while down."""
    with _capture_lock:
        catch_up_captures(now=clock.now())
