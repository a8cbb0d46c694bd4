"""The tick recorder: every entry of ``live_data:stream:quotes`` into the tick archive (SPEC §13).

It reads the stream with its own consumer group (``thor-recorder``), buffers entries for up to
``flush_seconds`` (or ``flush_rows``), writes them as one Parquet part per CME day and only then
acknowledges them. So a ``kill -9`` loses nothing that was acknowledged: what was read but not
written is still pending in the group and is read again on restart; what was written but not yet
acknowledged is recognised by its stream id and acknowledged without being written twice. Quotes of the replay feed (``source: replay``) came from
the archive and are acknowledged without being written again. Finished
CME days are compacted into one file (and old ones removed after the retention) once a minute.
"""

from __future__ import annotations

import logging
import shutil
import time
from datetime import date, datetime
from typing import Any

from redis.exceptions import RedisError

from core import clock
from core.streams import StreamConsumer
from core.workers import Worker
from LiveData.archive import TickArchive, get_tick_archive
from LiveData.choices import QuoteSource
from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from LiveData.ticks import Quote, cme_trading_day, tick_from_quote

logger = logging.getLogger(__name__)

GROUP = "thor-recorder"
CONSUMER = "recorder"
#: Quotes of the replay feed come from the archive itself and are not archived again.
REPLAY_SOURCE: str = QuoteSource.REPLAY
COMPACT_EVERY_SECONDS = 60.0


class TickRecorder(StreamConsumer):
    """One step at a time; owns no thread (see :func:`recorder_worker`)."""

    group = GROUP
    consumer = CONSUMER
    sweep_seconds = COMPACT_EVERY_SECONDS

    def __init__(
        self,
        live: LiveDataRedis | None = None,
        archive: TickArchive | None = None,
        *,
        block_ms: int = 500,
        batch: int = 2000,
        flush_seconds: float = 2.0,
        flush_rows: int = 20_000,
    ) -> None:
        super().__init__(block_ms=block_ms, batch=batch)
        self._live = live
        self._archive = archive
        self.flush_seconds = flush_seconds
        self.flush_rows = flush_rows
        #: Ticks read but not yet on disk, with their stream entry ids (archive rows).
        self._buffer: list[tuple[str, dict[str, Any]]] = []
        self._buffered_since = 0.0
        self.written = 0
        self.duplicates = 0
        self.malformed = 0
        self.replayed = 0
        #: True from a failed write to the next successful one.
        self.failing = False
        self.failing_since: datetime | None = None

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    @property
    def archive(self) -> TickArchive:
        return self._archive or get_tick_archive()

    def recover(self, live: Any) -> None:
        """Drop the buffer and take again what was delivered but never acknowledged: what is
        already on disk (by stream id) is acknowledged without being written twice."""
        self._buffer = []
        self._drain_pending(live)
        self._recover = False

    def consume(self, live: Any) -> int:
        """Read a batch into the buffer; write the buffer when it is due (acknowledging what is on disk)."""
        entries = live.read_stream(group=GROUP, consumer=CONSUMER, count=self.batch, block_ms=self.block_ms)
        self._take(live, entries)
        if self._buffer and (
            len(self._buffer) >= self.flush_rows or time.monotonic() - self._buffered_since >= self.flush_seconds
        ):
            self.flush(live)
        return len(entries)

    def sweep(self, live: Any) -> None:
        """Compact the finished CME days into one file each (and apply the retention)."""
        self.archive.compact_finished(today=cme_trading_day(clock.now()))

    def flush(self, live: LiveDataRedis | None = None) -> int:
        """Write the buffered ticks, then acknowledge their entries. Returns the rows written."""
        if not self._buffer:
            return 0
        live = live or self.live
        try:
            written = self.archive.append(tick for _, tick in self._buffer)
        except OSError as exc:
            # Disk full, a read-only or vanished folder: nothing is acknowledged (the entries stay
            # pending on the stream), and health and notifications say so until a write succeeds.
            self._report_failure(live, exc)
            raise
        live.ack(GROUP, [entry_id for entry_id, _ in self._buffer])
        self.written += written
        self._buffer = []
        if self.failing:
            self.failing = False
            self._report(live, {"state": "ok", "recovered_at": clock.now().isoformat(), "error": ""})
        return written

    def _report_failure(self, live: LiveDataRedis, exc: OSError) -> None:
        """Record a failed write (state ``failing``, the error, the folder's free bytes, the backlog)."""
        if not self.failing:
            self.failing_since = clock.now()
        self.failing = True
        root = self.archive.root
        try:
            free = shutil.disk_usage(root if root.exists() else root.parent).free
        except OSError:
            free = None
        logger.error("tick recorder: cannot write to %s: %s (nothing acknowledged; retrying)", root, exc)
        self._report(
            live,
            {
                "state": "failing",
                "error": f"{type(exc).__name__}: {exc}",
                "since": self.failing_since.isoformat() if self.failing_since else "",
                "path": str(root),
                "free_bytes": free,
            },
        )

    @staticmethod
    def _report(live: LiveDataRedis, values: dict[str, Any]) -> None:
        try:
            live.set_recorder_status(values)
        except RedisError:
            logger.warning("tick recorder: could not record its state (Redis away)")

    def _take(self, live: LiveDataRedis, entries: list[tuple[str, Quote | None]]) -> None:
        now = clock.now()
        bad, replayed = [], []
        for entry_id, quote in entries:
            if quote is None or not quote.get("symbol"):
                bad.append(entry_id)
                continue
            if quote.get("source") == REPLAY_SOURCE:
                replayed.append(entry_id)
                continue
            if not self._buffer:
                self._buffered_since = time.monotonic()
            self._buffer.append((entry_id, tick_from_quote(quote, default_ts=now, stream_id=entry_id)))
        if replayed:
            # Replayed ticks came from the archive: writing them again would double the day.
            live.ack(GROUP, replayed)
            self.replayed += len(replayed)
        if bad:
            # Nothing to keep: a malformed entry can never become a tick.
            live.ack(GROUP, bad)
            self.malformed += len(bad)
            logger.warning("tick recorder: skipped %d malformed stream entries", len(bad))

    def _drain_pending(self, live: LiveDataRedis) -> None:
        """Entries delivered before a stop but never acknowledged: write those not on disk yet."""
        known: dict[date, set[str]] = {}
        while True:
            entries = live.read_stream(group=GROUP, consumer=CONSUMER, count=self.batch, pending=True)
            if not entries:
                return
            self._take(live, entries)
            fresh = []
            for entry_id, tick in self._buffer:
                day = cme_trading_day(tick["ts"])
                if day not in known:
                    known[day] = self.archive.stream_ids(day)
                if entry_id in known[day]:
                    self.duplicates += 1
                else:
                    fresh.append((entry_id, tick))
            fresh_ids = {entry_id for entry_id, _ in fresh}
            on_disk = [entry_id for entry_id, _ in self._buffer if entry_id not in fresh_ids]
            self._buffer = fresh
            if on_disk:
                live.ack(GROUP, on_disk)
                logger.info("tick recorder: %d entries were archived before a stop; acknowledged", len(on_disk))
            if self._buffer:
                self.flush(live)

    def status(self) -> dict[str, Any]:
        """``{written, buffered, duplicates_skipped, malformed, replayed_skipped}`` (counts of ticks)."""
        return {
            "written": self.written,
            "buffered": len(self._buffer),
            "duplicates_skipped": self.duplicates,
            "malformed": self.malformed,
            "replayed_skipped": self.replayed,
        }


def recorder_worker(live: LiveDataRedis | None = None, archive: TickArchive | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-tick-recorder`` running :class:`TickRecorder`."""
    return Worker("thor-tick-recorder", TickRecorder(live, archive).step)
