"""The resting-order worker: fills LMT / STP / STP_LMT orders from ``live_data:stream:quotes``
with its own consumer group (SPEC §11, issue 12), like the grader: entries are acknowledged only
after their fills are committed, and after a stop or a crash the worker first re-reads the entries
it was given but had not acknowledged. A fill happens once: under its locks an order must still be
WORKING. Each step also expires the DAY orders whose CME day has ended.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ActAndPos.services.order_engine import expire_day_orders
from ActAndPos.services.resting import fill_resting_orders
from core import clock
from core.streams import Entry, StreamConsumer
from core.workers import Worker
from LiveData.redis_client import LiveDataRedis, get_live_data_redis

logger = logging.getLogger(__name__)

GROUP = "thor-orders"
CONSUMER = "orders"
EXPIRY_SWEEP_SECONDS = 5.0


class RestingOrderFiller(StreamConsumer):
    """One step at a time; owns no thread (see :func:`resting_order_worker`)."""

    group = GROUP
    consumer = CONSUMER
    # A new group starts at the stream's end: orders rest from the moment they are placed.
    start_id = "$"
    sweep_seconds = EXPIRY_SWEEP_SECONDS

    def __init__(self, live: LiveDataRedis | None = None, *, block_ms: int = 500, batch: int = 500) -> None:
        super().__init__(block_ms=block_ms, batch=batch)
        self._live = live
        self.filled = 0

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    def handle(self, entries: list[Entry], *, now: datetime, live: Any) -> None:
        """Fill the working orders these quotes reach (SPEC §11)."""
        quotes = [q for _, q in entries if q is not None]
        self.filled += fill_resting_orders(quotes, now=now, live=live)

    def sweep(self, live: Any) -> None:
        """Expire the DAY orders whose CME day has ended."""
        expired = expire_day_orders(now=clock.now(), live=live)
        if expired:
            logger.info("expired %d DAY orders at the CME day's end", expired)


def resting_order_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-orders`` running :class:`RestingOrderFiller`."""
    return Worker("thor-orders", RestingOrderFiller(live).step)
