"""The replay feed: archived ticks republished in order (SPEC §13).

Each tick goes out through :meth:`LiveDataRedis.publish_quotes` — the poller's own path: latest-quotes
hash, pub/sub channel and quote stream — with ``source: replay``, ``ts_event`` = the tick's original
time and ``ts_ingest`` = Thor's clock at publication. A tick is published once Thor's clock reaches
its time, so on a simulated clock that starts at the tape (``THOR_CLOCK_START``, set by ``make run``
from ``THOR_REPLAY_FROM``) the whole of Thor lives that day again: captures at the opens, grading,
bars. Ticks due together go out in one round trip, in order.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from LiveData.archive import TickArchive
from LiveData.choices import QuoteSource
from LiveData.redis_client import LiveDataRedis
from LiveData.ticks import quote_from_tick

logger = logging.getLogger(__name__)


@dataclass
class ReplayReport:
    """What a replay published: ``ticks``, ``batches`` (round trips), and the last tick's time."""

    ticks: int = 0
    batches: int = 0
    last_ts: datetime | None = None


def replay_ticks(
    archive: TickArchive,
    live: LiveDataRedis,
    *,
    start: datetime,
    end: datetime,
    now: Callable[[], datetime],
    stop: threading.Event | None = None,
    max_batch: int = 1000,
    idle_wait: float = 0.05,
    progress: Callable[[ReplayReport], None] | None = None,
) -> ReplayReport:
    """Publish the archive's ticks with ``start <= ts < end`` in time order, each once ``now()``
    has reached its time (at once when ``now`` runs ahead of the tape). Returns when every tick is
    out or ``stop`` is set. Redis errors propagate (the caller retries or reports)."""
    stop = stop or threading.Event()
    report = ReplayReport()
    pending: list[dict[str, object]] = []
    ticks = archive.iter_ticks(start, end)
    exhausted = False
    while not stop.is_set():
        if not pending and not exhausted:
            pending = [t for _, t in zip(range(max_batch), ticks, strict=False)]
            exhausted = len(pending) < max_batch
        if not pending:
            break
        current = now()
        due = 0
        while due < len(pending) and pending[due]["ts"] <= current:  # type: ignore[operator]
            due += 1
        if not due:
            stop.wait(idle_wait)
            continue
        stamp = current.isoformat()
        quotes = []
        for tick in pending[:due]:
            quote = quote_from_tick(tick, source=QuoteSource.REPLAY)
            quote["ts_ingest"] = stamp
            quotes.append(quote)
        live.publish_quotes(quotes, changed={str(q["symbol"]) for q in quotes})
        report.ticks += due
        report.batches += 1
        report.last_ts = pending[due - 1]["ts"]  # type: ignore[assignment]
        pending = pending[due:]
        if progress is not None:
            progress(report)
    return report


def paced_clock(*, start: datetime, speed: float) -> Callable[[], datetime]:
    """A clock that starts at ``start`` now and runs ``speed`` times faster than real time (for a
    replay on its own, when Thor's clock is the real one)."""
    anchor = time.monotonic()

    def now() -> datetime:
        from datetime import timedelta

        return start + timedelta(seconds=(time.monotonic() - anchor) * speed)

    return now
