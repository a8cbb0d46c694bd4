"""The worker stack: every app's workers, run inside the web process, and when (SPEC §1). The roof
assembles it from the workers each app offers; no app imports it.

Always (in the process holding the Redis leader lock): the GlobalMarkets monitor, the catch-up
capture scan, and the workers that must never miss a tick (SPEC §1) — the grader (futures trade
about 23 hours a day, so a trade captured by hand on a Sunday or still pending at the New York close
is graded by the next touching tick), the intraday recorder (bars, VWAP, CME-day figures and 52-week
extremes through Globex hours: the CME reopens at 17:00 Chicago, Sunday's included, while no control
market trades — issue 25), the tick recorder, the resting-order filler (paper limit and stop orders
rest around the clock too), the quote pusher (WebSocket snapshots) and the notification sender
(the outbox through Apprise, and the feed's and the recorder's state changes — issue 25). While markets trade (started
by the first ``market_opened``, stopped after the last control market closes): the session workers of
:data:`SESSION_WORKER_FACTORIES` (none today; the gate stays for workers that only matter then).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.dispatch import receiver

from ActAndPos.workers.resting_orders import resting_order_worker
from core.workers import Supervisor, Worker
from GlobalMarkets.models import Market
from GlobalMarkets.selectors import any_control_market_trading
from GlobalMarkets.signals import market_closed, market_opened, markets_bootstrapped
from GlobalMarkets.workers.monitor import MarketMonitor
from LiveData.recorder import recorder_worker
from LiveData.redis_client import get_live_data_redis
from Notifications.workers import notification_worker
from ThorTrading.workers.catch_up import capture_catch_up_worker
from ThorTrading.workers.grader import grader_worker
from ThorTrading.workers.intraday import intraday_worker
from ThorTrading.workers.quote_push import quote_push_worker

logger = logging.getLogger(__name__)

ALWAYS_WORKER_FACTORIES: list[Callable[[], Worker]] = [
    capture_catch_up_worker,
    grader_worker,
    intraday_worker,
    recorder_worker,
    resting_order_worker,
    quote_push_worker,
    notification_worker,
]
SESSION_WORKER_FACTORIES: list[Callable[[], Worker]] = []

_supervisor: Supervisor | None = None
_lock = threading.Lock()


def get_supervisor() -> Supervisor:
    """The process's supervisor (built on first use, not started)."""
    global _supervisor
    with _lock:
        if _supervisor is None:
            _supervisor = Supervisor(redis=get_live_data_redis().client)
            _supervisor.add(Worker("globalmarkets-monitor", MarketMonitor().step))
            for factory in ALWAYS_WORKER_FACTORIES:
                _supervisor.add(factory())
            _supervisor.session.extend(factory() for factory in SESSION_WORKER_FACTORIES)
        return _supervisor


def start_stack() -> Supervisor:
    """Start the worker stack (idempotent) and return its supervisor."""
    supervisor = get_supervisor()
    supervisor.start()
    return supervisor


def start_session_workers() -> None:
    """Markets trade: start the session workers (idempotent)."""
    supervisor = get_supervisor()
    if not supervisor.session_active:
        logger.info("markets are trading: starting session workers")
    supervisor.start_session()


def stop_session_workers() -> None:
    """The last control market closed: stop the session workers (idempotent)."""
    supervisor = get_supervisor()
    if supervisor.session_active:
        logger.info("all control markets closed: stopping session workers")
    supervisor.stop_session()


def session_active() -> bool:
    """Whether the session workers are meant to run (markets trade)."""
    return _supervisor is not None and _supervisor.session_active


def stack_status() -> dict[str, object]:
    """The supervisor's status for /api/health/ (``{"started": False}`` before it starts)."""
    return _supervisor.status() if _supervisor is not None else {"started": False}


def stop_stack() -> None:
    """Stop every worker (idempotent)."""
    if _supervisor is not None:
        _supervisor.stop()


def reset_stack() -> None:
    """Stop and forget the supervisor (tests, or a process that must rebuild it)."""
    global _supervisor
    stop_stack()
    with _lock:
        _supervisor = None


# The session workers follow GlobalMarkets' signals: on from the first control market's open, off
# after the last one closes (connected when thor_project's app is ready).
@receiver(market_opened, dispatch_uid="thor-stack-market-opened")
def _on_market_opened(sender: Any, market: Market, at: datetime, **kwargs: Any) -> None:
    if market.is_control_market:
        start_session_workers()


@receiver(market_closed, dispatch_uid="thor-stack-market-closed")
def _on_market_closed(sender: Any, market: Market, at: datetime, **kwargs: Any) -> None:
    if not any_control_market_trading():
        stop_session_workers()


@receiver(markets_bootstrapped, dispatch_uid="thor-stack-markets-bootstrapped")
def _on_markets_bootstrapped(sender: Any, open_markets: list[Market], at: datetime, **kwargs: Any) -> None:
    if any_control_market_trading():
        start_session_workers()
