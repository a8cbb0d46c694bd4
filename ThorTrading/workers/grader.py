"""The grader worker: consumes ``live_data:stream:quotes`` with a consumer group (SPEC §7).

Every changed quote the feed writes is an entry on the stream, so a touch between two reads of the
workbook is never missed. The stream is capped: when the grader (re)starts behind entries that were
trimmed meanwhile, it grades that span from the tick archive first. Entries are acknowledged only after their grades are committed; after a
stop, a crash or a database failure the worker first re-reads the entries it had been given but not
acknowledged, then continues from where the group stopped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Min

from core import clock
from core.streams import Entry, StreamConsumer
from core.workers import Worker
from LiveData.archive import TickArchive, get_tick_archive
from LiveData.redis_client import LiveDataRedis, get_live_data_redis, stream_id_key
from LiveData.ticks import quote_from_tick, quote_time
from ThorTrading import grading
from ThorTrading.models import MarketSession
from ThorTrading.services.grading import expire_overdue, grade_quotes

logger = logging.getLogger(__name__)

GROUP = "thor-grader"
#: The grader's last catch-up from the tick archive, for /api/health/.
STATUS_KEY = "thor:grader:status"
CONSUMER = "grader"
EXPIRY_SWEEP_SECONDS = 5.0


class Grader(StreamConsumer):
    """One grading step at a time; owns no thread (see :func:`grader_worker`)."""

    group = GROUP
    consumer = CONSUMER
    sweep_seconds = EXPIRY_SWEEP_SECONDS

    def __init__(
        self,
        live: LiveDataRedis | None = None,
        *,
        block_ms: int = 500,
        batch: int = 500,
        archive: TickArchive | None = None,
    ) -> None:
        super().__init__(block_ms=block_ms, batch=batch)
        self._live = live
        self.archive = archive
        self.resolved = 0
        #: The latest quote time graded (bounded by the clock): rows expire up to here.
        self.watermark: datetime | None = None
        #: Whether the last read returned less than a full batch (the grader has read the stream).
        self.caught_up = False

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    def recover(self, live: Any) -> None:
        """Grade from the tick archive what a trimmed stream lost while this grader was away."""
        self.catch_up_from_archive(live)

    def consume(self, live: Any) -> int:
        """A batch of the stream graded (:meth:`handle`); notes whether the grader has caught up."""
        read = super().consume(live)
        self.caught_up = read < self.batch
        return read

    def handle(self, entries: list[Entry], *, now: datetime, live: Any) -> None:
        """Grade the PENDING rows these quotes touch (SPEC §7); advance the expiry watermark."""
        quotes = [q for _, q in entries if q is not None]
        malformed = len(entries) - len(quotes)
        if malformed:
            logger.warning("grader skipped %d malformed stream entries", malformed)
        self.resolved += grade_quotes(quotes, now=now, max_ahead=timedelta(minutes=1) * clock.speed())
        stamps = [quote_time(q, default=now) for q in quotes]
        if stamps:
            self.watermark = max(self.watermark or stamps[0], min(max(stamps), now))

    def sweep(self, live: Any) -> None:
        """Expire the rows past their evaluation window, up to :meth:`expiry_horizon`."""
        horizon = self.expiry_horizon(clock.now())
        expired = expire_overdue(now=horizon) if horizon is not None else 0
        if expired:
            logger.info("grader expired %d rows past their evaluation window", expired)

    def expiry_horizon(self, now: datetime) -> datetime | None:
        """Up to when rows may expire (None: not yet). While the grader still has stream entries to
        read, only up to the latest quote time it has graded — a window is never closed before the
        ticks inside it were read, however far the stream runs behind the clock. Once it has read
        everything, also up to the clock less the staleness threshold (real seconds), so rows expire
        when no quotes come at all."""
        if not self.caught_up:
            return self.watermark
        quiet = now - timedelta(seconds=settings.THOR_QUOTE_STALE_SECONDS) * clock.speed()
        return max(self.watermark, quiet) if self.watermark is not None else quiet

    def catch_up_from_archive(self, live: LiveDataRedis) -> int:
        """Grade, from the tick archive, the stream entries this grader never read because the capped
        stream was trimmed past its position (SPEC §7): the archived ticks whose stream id lies
        between the group's last delivered entry and the stream's oldest one, since the oldest
        PENDING capture. Says so in the log and in ``thor:grader:status`` (health). Returns the rows
        resolved."""
        gap = live.trimmed_gap(GROUP)
        if gap is None:
            return 0
        oldest = MarketSession.objects.filter(wndw=grading.PENDING).aggregate(m=Min("captured_at"))["m"]
        if oldest is None:
            return 0
        low, high = stream_id_key(gap[0]), stream_id_key(gap[1])
        archive = self.archive or get_tick_archive()
        missed = [
            quote_from_tick(tick)
            for tick in archive.iter_ticks(oldest, clock.now() + timedelta(minutes=1) * clock.speed())
            if tick["stream_id"] and low < stream_id_key(tick["stream_id"]) < high
        ]
        resolved = (
            grade_quotes(missed, now=clock.now(), max_ahead=timedelta(minutes=1) * clock.speed()) if missed else 0
        )
        self.resolved += resolved
        message = (
            f"the quote stream was trimmed past the grader's position ({gap[0]} … {gap[1]}); graded "
            f"{len(missed)} archived ticks from the tick archive, {resolved} rows resolved"
        )
        logger.warning("grader: %s", message)
        live.client.hset(
            STATUS_KEY, mapping={"archive_catch_up_at": clock.now().isoformat(), "archive_catch_up": message}
        )
        return resolved


def grader_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-grader`` running :class:`Grader`."""
    return Worker("thor-grader", Grader(live).step)
