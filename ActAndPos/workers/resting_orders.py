"""The resting-order worker: fills LMT / STP / STP_LMT orders from ``live_data:stream:quotes``
with its own consumer group (SPEC §11, issue 12), like the grader: entries are acknowledged only
after their fills are committed, and after a stop or a crash the worker first re-reads the entries
it was given but had not acknowledged. A fill happens once: under its locks an order must still be
WORKING. Each step also expires the DAY orders whose CME day has ended.
"""

from __future__ import annotations

import logging
import threading
import time

from ActAndPos.services.order_engine import expire_day_orders
from ActAndPos.services.resting import fill_resting_orders
from core import clock
from core.workers import Worker, idle_delay
from LiveData.redis_client import LiveDataRedis, get_live_data_redis

logger = logging.getLogger(__name__)

GROUP = "thor-orders"
CONSUMER = "orders"
EXPIRY_SWEEP_SECONDS = 5.0


class RestingOrderFiller:
    """One step at a time; owns no thread (see :func:`resting_order_worker`)."""

    def __init__(self, live: LiveDataRedis | None = None, *, block_ms: int = 500, batch: int = 500) -> None:
        self._live = live
        self.block_ms = block_ms
        self.batch = batch
        self._recover = True
        self._last_sweep = 0.0
        self.filled = 0
        self.entries = 0

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    def step(self, stop: threading.Event | None = None) -> float:
        """Apply one batch of stream entries to the working orders; returns the seconds to wait."""
        live = self.live
        started = time.monotonic()
        if self._recover:
            # "$": a new group starts at the stream's end — orders rest from the moment they are placed.
            live.ensure_group(GROUP, start_id="$")
        try:
            entries, self._recover = live.read_stream_resuming(
                group=GROUP, consumer=CONSUMER, count=self.batch, block_ms=self.block_ms, recovering=self._recover
            )
            now = clock.now()
            if entries:
                quotes = [q for _, q in entries if q is not None]
                self.filled += fill_resting_orders(quotes, now=now, live=live)
                live.ack(GROUP, [entry_id for entry_id, _ in entries])
                self.entries += len(entries)
            if time.monotonic() - self._last_sweep >= EXPIRY_SWEEP_SECONDS:
                self._last_sweep = time.monotonic()
                expired = expire_day_orders(now=now, live=live)
                if expired:
                    logger.info("expired %d DAY orders at the CME day's end", expired)
        except Exception:
            self._recover = True
            raise
        if not entries:
            return idle_delay(started=started, block_ms=self.block_ms)
        return 0.0


def resting_order_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-orders`` running :class:`RestingOrderFiller`."""
    return Worker("thor-orders", RestingOrderFiller(live).step)
