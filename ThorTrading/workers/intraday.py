"""The intraday worker: bars, VWAP, CME-day metrics, session metrics and 52-week extremes from the
quote stream (SPEC §8), with its own consumer group.

An entry is acknowledged only once the minute it belongs to is stored, so after a stop or a crash the
entries of the unfinished minute are read again and the minute is rebuilt exactly; entries of minutes
already stored are skipped. Bars close at the minute boundary by the clock (plus a short grace for
the poll-to-stream delay), even when no tick comes.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from core import clock
from core.streams import StreamConsumer
from core.workers import Worker
from LiveData.redis_client import LiveDataRedis, get_live_data_redis
from LiveData.ticks import cme_trading_day, quote_time
from ThorTrading.services.config import get_trading_config
from ThorTrading.services.intraday import IntradayRecorder

logger = logging.getLogger(__name__)

GROUP = "thor-intraday"
CONSUMER = "intraday"


class IntradayWorker(StreamConsumer):
    """One step at a time; owns no thread (see :func:`intraday_worker`)."""

    group = GROUP
    consumer = CONSUMER

    def __init__(
        self,
        live: LiveDataRedis | None = None,
        *,
        symbols: list[str] | None = None,
        block_ms: int = 500,
        batch: int = 1000,
        grace_seconds: float = 2.0,
    ) -> None:
        super().__init__(block_ms=block_ms, batch=batch)
        self._live = live
        self._symbols = symbols
        self.grace_seconds = grace_seconds
        self.recorder: IntradayRecorder | None = None
        self.horizon = timedelta(hours=6)
        self.skipped = 0
        self._unacked: list[tuple[str, str, object]] = []

    @property
    def live(self) -> LiveDataRedis:
        return self._live or get_live_data_redis()

    def _load(self) -> IntradayRecorder:
        symbols = self._symbols
        if symbols is None:
            symbols = [i.symbol for i in get_trading_config().instruments]
        recorder = IntradayRecorder.load(symbols)
        recorder.refresh_extremes(today=cme_trading_day(clock.now()))
        return recorder

    def recover(self, live: Any) -> None:
        """Rebuild the bars in progress from the database, then from the entries never acknowledged."""
        self.recorder = self._load()
        self._unacked = []

    def consume(self, live: Any) -> int:
        """Apply a batch of stream entries, close due bars, write them, acknowledge stored entries."""
        recorder = self.recorder
        assert recorder is not None  # loaded by recover(), which runs before the first read
        recovering = self._recover
        entries = live.read_stream(
            group=GROUP, consumer=CONSUMER, count=self.batch, block_ms=self.block_ms, pending=recovering
        )
        if recovering and len(entries) < self.batch:
            self._recover = False
        if recovering and not entries:
            recovering = False
            entries = live.read_stream(group=GROUP, consumer=CONSUMER, count=self.batch, block_ms=self.block_ms)
        now = clock.now()
        closed = []
        skipped: list[str] = []
        # Entries stamped far from this clock (an old stream, another run's clock) would make
        # every current tick look late: they are acknowledged and left out.
        earliest, latest = now - self.horizon * clock.speed(), now + timedelta(minutes=1) * clock.speed()
        for entry_id, quote in entries:
            at = quote_time(quote, default=now) if quote else now
            if quote is None or not earliest <= at <= latest:
                skipped.append(entry_id)
                continue
            closed += recorder.apply_quote(quote, now=now, recovering=recovering)
            self._unacked.append((entry_id, str(quote.get("symbol")), at))
        if skipped:
            live.ack(GROUP, skipped)
            self.skipped += len(skipped)
            logger.warning(
                "intraday: left out %d stream entries stamped outside %s … %s",
                len(skipped),
                earliest.isoformat(),
                latest.isoformat(),
            )
        grace = timedelta(seconds=self.grace_seconds * clock.speed())
        closed += recorder.book.close_due(now - grace)
        report = recorder.flush(closed, now=now, live=live)
        if report.bars or report.late:
            logger.debug("intraday flush: %s", report)
        stored = [eid for eid, symbol, at in self._unacked if recorder.is_stored(symbol, at)]  # type: ignore[arg-type]
        if stored:
            live.ack(GROUP, stored)
            keep = set(stored)
            self._unacked = [item for item in self._unacked if item[0] not in keep]
        return len(entries)


def intraday_worker(live: LiveDataRedis | None = None) -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-intraday`` running :class:`IntradayWorker`."""
    return Worker("thor-intraday", IntradayWorker(live).step)
