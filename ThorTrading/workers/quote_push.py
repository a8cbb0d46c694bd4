"""The quote-push worker: coalesced ``/ws/quotes/`` snapshots (SPEC §14, issue 13).

It waits on ``live_data:stream:quotes`` for new entries (ids and symbols only) and, when some came,
sends a snapshot to the ``quotes`` group — at once when the last send is at least ``interval`` (250 ms)
old, else when it is: at most 4 messages a second however fast the ticks come, each carrying the
latest values, and no message at all while nothing changes. A message carries the rows of the
symbols that changed and TOTAL (``"partial": true``; ~1 KB a row instead of the 11 KB body); the full
``quotes/latest`` body goes out when the set of stale symbols changes and at least every
``full_every`` seconds, so rows that go stale without a tick are seen too. It runs in the leader
process only (one sender), and the channel layer fans the message out to every web process.
"""

from __future__ import annotations

import logging
import threading
import time

from redis.exceptions import RedisError

from core.push import QUOTES_GROUP, push
from core.workers import Worker, idle_delay
from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from ThorTrading.services.quotes import quotes_message

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 0.25
FULL_EVERY_SECONDS = 10.0


class QuotePusher:
    """One wait-and-maybe-send at a time; owns no thread (see :func:`quote_push_worker`)."""

    def __init__(
        self,
        live: LiveDataRedis | None = None,
        *,
        interval: float = INTERVAL_SECONDS,
        block_ms: int = 1000,
        full_every: float = FULL_EVERY_SECONDS,
    ) -> None:
        self._live = live
        self.interval = interval
        self.block_ms = block_ms
        self.full_every = full_every
        self.last_id: str | None = None
        self.dirty = False
        self.changed: set[str] = set()
        self.last_sent = 0.0
        self.last_full = 0.0
        self.last_stale: list[str] | None = None
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
            news = live.wait_for_quotes(self.last_id, block_ms=block)
            if news is not None:
                self.last_id, self.dirty = news[0], True
                self.changed |= news[1]
        if self.dirty and time.monotonic() - self.last_sent >= self.interval:
            self.send(live)
            return 0.0
        if self.dirty:
            return max(0.0, self.interval - (time.monotonic() - self.last_sent))
        return idle_delay(started=started, block_ms=self.block_ms)

    def send(self, live: LiveDataRedis) -> None:
        """Push a snapshot to the ``quotes`` group: the changed rows and TOTAL, or the full body (see
        the module). Entries already on the stream are in it, so waiting resumes after the newest:
        they do not cause a second, identical message."""
        now = time.monotonic()
        changed, self.changed = self.changed, set()
        self.dirty, self.last_sent = False, now
        try:
            self.last_id = live.last_stream_id()
            message = quotes_message(live=live)
        except RedisError as exc:
            logger.warning("quote push skipped: Redis unavailable (%s)", exc)
            return
        stale = list(message["total"].get("stale_symbols") or [])
        if stale == self.last_stale and now - self.last_full < self.full_every and changed:
            message["rows"] = [row for row in message["rows"] if row["symbol"] in changed]
            message["partial"] = True
        else:
            self.last_full, self.last_stale = now, stale
        push(QUOTES_GROUP, message)
        self.sent += 1


def quote_push_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-quote-push`` running :class:`QuotePusher`."""
    return Worker("thor-quote-push", QuotePusher(live).step)
