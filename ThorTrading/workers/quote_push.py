"""The quote-push worker: coalesced ``/ws/quotes/`` snapshots (SPEC §14, issue 13).

It waits on ``live_data:stream:quotes`` for new entries (ids only) and, when some came, sends the
``quotes/latest`` snapshot to the ``quotes`` group — at once when the last send is at least
``interval`` (250 ms) old, else when it is: at most 4 messages a second however fast the ticks come,
each carrying the latest values, and no message at all while nothing changes. It runs in the leader
process only (one sender), and the channel layer fans the message out to every web process.
"""

from __future__ import annotations

import logging
import threading
import time

from redis.exceptions import RedisError

from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from thor_project.push import QUOTES_GROUP, push
from thor_project.workers import Worker, idle_delay
from ThorTrading.services.quotes import quotes_message

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 0.25


class QuotePusher:
    """One wait-and-maybe-send at a time; owns no thread (see :func:`quote_push_worker`)."""

    def __init__(self, live: LiveDataRedis | None = None, *, interval: float = INTERVAL_SECONDS,
                 block_ms: int = 1000) -> None:
        self._live = live
        self.interval = interval
        self.block_ms = block_ms
        self.last_id: str | None = None
        self.dirty = False
        self.last_sent = 0.0
        self.sent = 0

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    def step(self, stop: threading.Event | None = None) -> float:
        """Wait for stream entries (up to ``block_ms``, or until the next send slot while a change
        waits), then send a snapshot if one is due; returns the seconds to wait before the next step."""
        live = self.live
        started = time.monotonic()
        if self.last_id is None:
            self.last_id = live.last_stream_id()
        due_in = self.interval - (started - self.last_sent)
        if not (self.dirty and due_in <= 0):
            block = max(1, int(due_in * 1000)) if self.dirty else self.block_ms
            newest = live.wait_for_quotes(self.last_id, block_ms=block)
            if newest is not None:
                self.last_id, self.dirty = newest, True
        if self.dirty and time.monotonic() - self.last_sent >= self.interval:
            self.send(live)
            return 0.0
        if self.dirty:
            return max(0.0, self.interval - (time.monotonic() - self.last_sent))
        return idle_delay(started=started, block_ms=self.block_ms)

    def send(self, live: LiveDataRedis) -> None:
        """Push the current snapshot to the ``quotes`` group. Entries already on the stream are in
        it, so waiting resumes after the newest: they do not cause a second, identical message."""
        self.dirty, self.last_sent = False, time.monotonic()
        try:
            self.last_id = live.last_stream_id()
            message = quotes_message(live=live)
        except RedisError as exc:
            logger.warning("quote push skipped: Redis unavailable (%s)", exc)
            return
        push(QUOTES_GROUP, message)
        self.sent += 1


def quote_push_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~thor_project.workers.Worker` named ``thor-quote-push`` running :class:`QuotePusher`."""
    return Worker("thor-quote-push", QuotePusher(live).step)
