"""The TOS poll cycle: read the workbook, parse it, publish the quotes (SPEC §3.3).

:meth:`TosPoller.poll_once` does one cycle and raises on failure; :meth:`TosPoller.run` loops it
forever at ``interval`` seconds, holding the poller lock so only one poller writes, reporting every
cycle in ``live_data:feed:status`` and retrying Redis and workbook failures with backoff (1 s, 2 s,
4 s, then every 5 s: ``max_backoff``, always shorter than the lock's life, so a failing poller keeps
its lock and a fixed workbook is read again within 5 s). The loop never dies on bad input.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis.exceptions import LockError, RedisError

from core.retry import Backoff
from LiveData.choices import QuoteSource
from LiveData.redis_client import LiveDataRedis
from LiveData.ticks import Quote
from LiveData.tos.parser import ParseResult, QuoteRow, parse_rows
from LiveData.tos.workbook import WorkbookBusy, WorkbookError, WorkbookReader

logger = logging.getLogger(__name__)


@dataclass
class PollReport:
    """One cycle: how many quotes were written, how many changed, and what was wrong with the sheet."""

    at: datetime
    published: int
    changed: int
    not_quotes: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    warnings: list[str] = field(default_factory=list)
    read_ms: float = 0.0
    publish_ms: float = 0.0


@dataclass
class _Loop:
    """One :meth:`TosPoller.run`'s state: the feed lock (``ttl`` seconds), whether it is held, the
    failure being reported (logged once while it lasts), and the backoff."""

    ttl: float
    backoff: Backoff
    lock: Any = None
    holding: bool = False
    failing: str | None = None


class TosPoller:
    """Reads ``reader`` and writes quotes through ``live`` (a :class:`LiveDataRedis`).

    ``clock`` returns the aware UTC "now" stamped as each quote's ``ts_ingest``.
    """

    def __init__(
        self,
        reader: WorkbookReader,
        live: LiveDataRedis,
        *,
        clock: Callable[[], datetime],
        source: str = QuoteSource.TOS_EXCEL,
        workbook_label: str = "",
    ) -> None:
        self.reader = reader
        self.live = live
        self.clock = clock
        self.source = source
        self.workbook_label = workbook_label
        self._previous: dict[str, Quote] = {}
        self._logged_warnings: set[str] = set()
        self._unreported_error: tuple[str, str] | None = None
        self.cycles = 0

    def parse(self) -> ParseResult:
        """Read and parse the configured range. Raises :class:`WorkbookError` or ``ValueError``."""
        rows = self.reader.read()
        r = self.reader.cell_range
        return parse_rows(rows, sheet=self.reader.sheet, first_row=r.first_row, first_column=r.first_column)

    def poll_once(self) -> PollReport:
        """One read → parse → publish cycle. Raises WorkbookError, ValueError or RedisError."""
        started = time.perf_counter()
        parsed = self.parse()
        read_ms = (time.perf_counter() - started) * 1000
        at = self.clock()
        stamp = at.isoformat()
        payloads: list[Quote] = []
        changed: set[str] = set()
        current: dict[str, Quote] = {}
        for quote in parsed.quotes:
            values = quote.values()
            current[quote.symbol] = values
            if self._previous.get(quote.symbol) != values:
                changed.add(quote.symbol)
            payloads.append(self._payload(quote, stamp))
        publish_started = time.perf_counter()
        if payloads:
            self.live.publish_quotes(payloads, changed=changed)
        publish_ms = (time.perf_counter() - publish_started) * 1000
        # Only remember what Redis accepted, so a failed cycle is re-sent as changed.
        self._previous = current
        self.cycles += 1
        for warning in parsed.warnings:
            if warning not in self._logged_warnings:
                self._logged_warnings.add(warning)
                logger.warning("workbook: %s", warning)
        return PollReport(
            at=at,
            published=len(payloads),
            changed=len(changed),
            not_quotes=parsed.not_quotes,
            skipped_rows=parsed.skipped_rows,
            warnings=parsed.warnings,
            read_ms=read_ms,
            publish_ms=publish_ms,
        )

    def _payload(self, quote: QuoteRow, stamp: str) -> Quote:
        payload = quote.values()
        payload["ts_event"] = None  # the saved workbook carries no source time
        payload["ts_ingest"] = stamp
        payload["source"] = self.source
        return payload

    def report_status(self, report: PollReport | None, error: str | None = None, *, busy: str | None = None) -> None:
        """Write the cycle's outcome to ``live_data:feed:status`` (best effort; never raises):
        a good cycle's figures, an ``error`` (state "error"), or a cycle skipped because Excel was
        ``busy`` (state "busy", the cause in ``last_warning``).

        An error that could not be written (Redis was down) is written with the first good cycle
        after it, with the time it was seen, so the outage stays visible."""
        now = self.clock().isoformat()
        values: dict[str, Any] = {
            "pid": os.getpid(),
            "mode": self.reader.mode,
            "workbook": self.workbook_label,
            "cycles": self.cycles,
            "last_poll_at": now,
        }
        if report is not None:
            values.update(
                state="ok",
                last_success_at=report.at.isoformat(),
                quotes_published=report.published,
                quotes_changed=report.changed,
                not_quotes=",".join(report.not_quotes),
                skipped_rows=report.skipped_rows,
                warnings=len(report.warnings),
                last_warning=report.warnings[-1] if report.warnings else "",
                read_ms=f"{report.read_ms:.3f}",
                publish_ms=f"{report.publish_ms:.3f}",
            )
        if busy is not None:
            values.update(state="busy", last_warning=busy, busy_at=now)
        if error is not None:
            values.update(state="error", last_error=error, last_error_at=now)
        elif self._unreported_error is not None:
            values.update(last_error=self._unreported_error[0], last_error_at=self._unreported_error[1])
        try:
            self.live.set_feed_status(values)
            self._unreported_error = None
        except RedisError:
            if error is not None:
                self._unreported_error = (error, now)
            logger.debug("feed status not written: Redis unavailable", exc_info=True)

    def run(
        self,
        *,
        interval: float = 1.0,
        stop: threading.Event | None = None,
        max_backoff: float = 5.0,
        lock_ttl: float | None = None,
        max_cycles: int | None = None,
    ) -> None:
        """Poll until ``stop`` is set (or ``max_cycles`` cycles have run).

        Holds the poller lock while writing; while another poller holds it, waits. Failures are
        logged with what to do next, reported in the feed status, and retried with backoff.
        """
        stop = stop or threading.Event()
        loop = _Loop(ttl=lock_ttl or max(10.0, interval * 5), backoff=Backoff(first=1.0, maximum=max_backoff))
        cycles = 0
        while not stop.is_set() and (max_cycles is None or cycles < max_cycles):
            cycles += 1
            delay = self._cycle(loop, interval)
            if delay:
                stop.wait(delay)
        if loop.holding and loop.lock is not None:
            with contextlib.suppress(LockError, RedisError):
                loop.lock.release()

    def _cycle(self, loop: _Loop, interval: float) -> float:
        """One cycle of :meth:`run`: keep (or take) the feed lock, poll, report; returns the seconds
        to wait before the next (the interval, the backoff after a failure, or a wait for the lock)."""
        try:
            if not self._hold_lock(loop):
                return min(loop.ttl / 2, max(interval, 0.1))
            report = self.poll_once()
            self.report_status(report)
            if loop.failing:
                logger.info("feed recovered: %d quotes published", report.published)
                loop.failing = None
            loop.backoff.succeeded()
            return interval
        except LockError:
            loop.holding = False
            logger.warning("feed lock lost; taking it again")
            return 0.0
        except RedisError as exc:
            # Keep the lock object: if we still own the lock when Redis returns, reacquire() keeps
            # it; if it expired meanwhile, LockError sends us back to acquiring it.
            message = (
                f"Redis unavailable ({exc}); retrying in {loop.backoff.next_delay:g}s. Is Redis running at REDIS_URL?"
            )
            return self._failed(loop, message, status_error=f"redis: {exc}")
        except WorkbookBusy as exc:
            # Not a failure: Excel answers again when it finishes. The last good quotes stand (they
            # age into stale if it stays busy), and the next cycle runs on time.
            if loop.failing != "busy":
                logger.warning("feed: %s", exc)
            loop.failing = "busy"
            self.report_status(None, busy=str(exc))
            return interval
        except (WorkbookError, ValueError, OSError) as exc:
            message = f"workbook unreadable ({exc}); retrying in {loop.backoff.next_delay:g}s"
            return self._failed(loop, message, status_error=f"workbook: {exc}")

    def _hold_lock(self, loop: _Loop) -> bool:
        """Whether this poller holds the feed lock (renewed, or newly taken); says once that another
        poller holds it."""
        if loop.lock is None:
            loop.lock = self.live.poller_lock(loop.ttl)
        if loop.holding:
            loop.lock.reacquire()
            return True
        loop.holding = bool(loop.lock.acquire(blocking=False))
        if not loop.holding and loop.failing != "locked":
            logger.warning("another poller holds the feed lock; waiting for it to stop")
            loop.failing = "locked"
        return loop.holding

    def _failed(self, loop: _Loop, message: str, *, status_error: str) -> float:
        """Log ``message`` once while it stays the same, report it in the feed status, and return
        the backoff's next delay."""
        if loop.failing != message:
            logger.error("feed: %s", message)
        loop.failing = message
        self.report_status(None, error=status_error)
        return loop.backoff.failed()
