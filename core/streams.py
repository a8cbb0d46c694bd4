"""The stream-consumer loop every quote-stream worker shares (issue 22): the grader, the intraday
recorder, the tick recorder and the resting-order filler each read ``live_data:stream:quotes``
with a consumer group of their own, and each must never skip an entry.

:class:`StreamConsumer` owns the part they have in common: create the group on the first step and
after a failure; re-read, after a start, a crash or a failed step, the entries delivered but never
acknowledged (:meth:`StreamConsumer.recover` for anything else a worker rebuilds then); a periodic
sweep (expiries, compaction); back off while the stream is idle; and on any exception mark the
consumer as recovering and re-raise, so the worker (``core.workers.Worker``) logs it and backs off.
A subclass says what a batch means (:meth:`StreamConsumer.handle`), or how it reads and
acknowledges when that differs (:meth:`StreamConsumer.consume`).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Protocol

from core import clock
from core.workers import idle_delay

#: One stream entry as a consumer gets it: ``(entry id, quote dict or None when malformed)``.
Entry = tuple[str, Any]


class ConsumerGroupStream(Protocol):
    """What a consumer needs of the stream (``LiveData.redis_client.LiveDataRedis`` provides it)."""

    def ensure_group(self, group: str, *, start_id: str = "0") -> None: ...

    def read_stream_resuming(
        self, *, group: str, consumer: str, count: int, block_ms: int | None, recovering: bool
    ) -> tuple[list[Entry], bool]: ...

    def ack(self, group: str, entry_ids: list[str]) -> int: ...


class StreamConsumer(ABC):
    """One step at a time of a consumer-group reader; owns no thread (a ``Worker`` runs :meth:`step`).

    Class attributes: ``group`` and ``consumer`` (the Redis names), ``start_id`` (where a new group
    starts: "0" sees the whole stream, "$" only what comes after), ``sweep_seconds`` (how often
    :meth:`sweep` runs; None = never). ``block_ms``: how long a read waits for entries; ``batch``:
    entries per read."""

    group: ClassVar[str]
    consumer: ClassVar[str]
    start_id: ClassVar[str] = "0"
    sweep_seconds: ClassVar[float | None] = None

    def __init__(self, *, block_ms: int, batch: int) -> None:
        self.block_ms = block_ms
        self.batch = batch
        self._recover = True
        self._last_sweep = 0.0
        #: Entries read and handled since start.
        self.entries = 0

    @property
    @abstractmethod
    def live(self) -> ConsumerGroupStream:
        """The stream to read (resolved at each step, so a test or a reconnect can swap it)."""

    def step(self, stop: threading.Event | None = None) -> float:
        """Read and handle one batch (waiting up to ``block_ms`` for one), sweep when due; returns
        the seconds to wait before the next step (0 after a batch, a short idle delay otherwise)."""
        live = self.live
        started = time.monotonic()
        try:
            if self._recover:
                live.ensure_group(self.group, start_id=self.start_id)
                self.recover(live)
            read = self.consume(live)
            if self.sweep_seconds is not None and time.monotonic() - self._last_sweep >= self.sweep_seconds:
                self._last_sweep = time.monotonic()
                self.sweep(live)
        except Exception:
            # Unacknowledged entries stay pending in the group: read them again first.
            self._recover = True
            raise
        return 0.0 if read else idle_delay(started=started, block_ms=self.block_ms)

    def recover(self, live: ConsumerGroupStream) -> None:  # noqa: B027  (an optional hook)
        """Called before reading while recovering (after a start, a crash or a failed step)."""

    def consume(self, live: ConsumerGroupStream) -> int:
        """Read one batch — while recovering, the entries delivered earlier but never acknowledged —
        handle it at the clock's now, and acknowledge it. Returns how many entries were read."""
        entries, self._recover = live.read_stream_resuming(
            group=self.group,
            consumer=self.consumer,
            count=self.batch,
            block_ms=self.block_ms,
            recovering=self._recover,
        )
        if entries:
            self.handle(entries, now=clock.now(), live=live)
            live.ack(self.group, [entry_id for entry_id, _ in entries])
            self.entries += len(entries)
        return len(entries)

    def handle(self, entries: list[Entry], *, now: datetime, live: ConsumerGroupStream) -> None:
        """Apply a batch (acknowledged by :meth:`consume` once this returns). Raising leaves it
        pending, to be read again."""
        raise NotImplementedError(f"{type(self).__name__} reads the stream its own way; it overrides consume()")

    def sweep(self, live: ConsumerGroupStream) -> None:  # noqa: B027  (an optional hook)
        """Periodic work between batches (every ``sweep_seconds``)."""
