"""In-process workers: named threads with idempotent ``start()`` / ``stop()`` (SPEC §1).

A :class:`Worker` calls its ``step`` function in a loop until stopped. ``step`` returns how long to
wait before the next call (seconds); an exception is logged and the worker backs off (1 s, 2 s, 4 s…
up to ``max_backoff``) instead of dying. The :class:`Supervisor` owns a set of workers and, when given
a Redis client, runs them only while this process holds the leader lock, so that several web
processes never run the same worker twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.retry import Backoff

logger = logging.getLogger(__name__)

Step = Callable[[threading.Event], float | None]


def idle_delay(*, started: float, block_ms: int) -> float:
    """Seconds a stream worker waits after a read that returned nothing (``started``: the step's
    ``time.monotonic()``): what is left of ``block_ms`` (at most 50 ms, at least 1 ms). A server that
    ignores BLOCK (the embedded fakeredis) then cannot turn an idle worker into a busy loop."""
    return max(0.001, min(block_ms / 1000, 0.05) - (time.monotonic() - started))


class Worker:
    """A named daemon thread that runs ``step(stop_event)`` until stopped.

    ``step`` returns the seconds to wait before the next call (``None`` or 0 = call again at once).
    ``start()`` and ``stop()`` may be called any number of times.
    """

    def __init__(self, name: str, step: Step, *, max_backoff: float = 30.0) -> None:
        self.name = name
        self._step = step
        self._max_backoff = max_backoff
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.errors = 0
        self.last_error: str | None = None
        #: Steps failed in a row (0 after a step that succeeded): the worker is failing now.
        self.consecutive_errors = 0
        self.steps = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the thread; returns False when it was already running."""
        with self._lock:
            if self.running:
                return False
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
            logger.info("worker %s started", self.name)
            return True

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait up to ``timeout`` seconds for it."""
        with self._lock:
            thread = self._thread
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("worker %s did not stop within %.1fs", self.name, timeout)
            else:
                logger.info("worker %s stopped", self.name)

    def _run(self) -> None:
        stop = self._stop
        backoff = Backoff(first=1.0, maximum=self._max_backoff)
        while not stop.is_set():
            try:
                delay = self._step(stop)
                self.steps += 1
                self.consecutive_errors = 0
                backoff.succeeded()
            except Exception as exc:  # a worker never dies on one bad step
                self.errors += 1
                self.consecutive_errors += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                delay = backoff.failed()
                logger.exception("worker %s failed; retrying in %.0fs", self.name, delay)
            self._return_pooled_connections()
            if delay:
                stop.wait(delay)
        self._close_connections()

    @staticmethod
    def _return_pooled_connections() -> None:
        """With a connection pool (PostgreSQL), give this thread's connection back after each step,
        so that idle workers do not hold connections the web requests need."""
        try:
            from django.db import connections

            for conn in connections.all(initialized_only=True):
                if conn.settings_dict.get("OPTIONS", {}).get("pool") and not conn.in_atomic_block:
                    conn.close()
        except Exception:  # Django not configured (plain use)
            logger.debug("returning pooled connections failed", exc_info=True)

    @staticmethod
    def _close_connections() -> None:
        """Give back this thread's database connections when the worker stops."""
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django not configured (plain use), or the database already gone
            logger.debug("closing worker connections failed", exc_info=True)

    def status(self) -> dict[str, Any]:
        """``{running, steps, errors, last_error, failing}`` for /api/health/; ``failing`` is True while
        its latest step failed (the grader on a dead database, the recorder on a full disk)."""
        return {
            "running": self.running,
            "steps": self.steps,
            "errors": self.errors,
            "last_error": self.last_error,
            "failing": self.consecutive_errors > 0,
        }


@dataclass
class Supervisor:
    """Starts and stops a set of workers, optionally only while holding a Redis leader lock.

    With ``redis`` set, :meth:`start` runs a small "leader" thread that takes the lock
    ``lock_name`` (expiring after ``lock_ttl`` seconds, renewed every ``lock_ttl / 3``); the workers
    run while the lock is held and are stopped if it is lost. Without ``redis`` they simply start.

    ``workers`` run whenever this process may run workers; ``session`` workers (those that must run
    only while markets trade) additionally need :meth:`start_session`, and stop at
    :meth:`stop_session`. Before :meth:`start` the session calls only record the wish.
    """

    workers: list[Worker] = field(default_factory=list)
    session: list[Worker] = field(default_factory=list)
    session_active: bool = False
    started: bool = False
    redis: Any = None
    lock_name: str = "thor:leader"
    lock_ttl: float = 15.0
    identity: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _leader: Worker | None = None
    _lock: Any = None
    is_leader: bool = False

    def add(self, worker: Worker) -> Worker:
        """Supervise ``worker`` (started with the others)."""
        self.workers.append(worker)
        return worker

    def start(self) -> None:
        """Start the workers (or the leader election that starts them). Idempotent."""
        self.started = True
        if self.redis is None:
            self._start_workers()
            return
        if self._leader is None:
            self._leader = Worker("thor-leader", self._lead)
        self._leader.start()

    def stop(self) -> None:
        """Stop every worker and give up the leader lock. Idempotent."""
        self.started = False
        if self._leader is not None:
            self._leader.stop()
        self._stop_workers()
        self._release()

    def start_session(self) -> None:
        """Markets trade: run the session workers (now, if this process may run workers)."""
        self.session_active = True
        if self.started and (self.redis is None or self.is_leader):
            for worker in self.session:
                worker.start()

    def stop_session(self) -> None:
        """The last market closed: stop the session workers."""
        self.session_active = False
        for worker in self.session:
            worker.stop()

    def _start_workers(self) -> None:
        for worker in self.workers:
            worker.start()
        if self.session_active:
            for worker in self.session:
                worker.start()

    def _stop_workers(self) -> None:
        for worker in self.workers + self.session:
            worker.stop()

    def _release(self) -> None:
        if self._lock is not None and self.is_leader:
            try:
                self._lock.release()
            except Exception:  # the lock may have expired already; nothing to give back
                logger.debug("leader lock already gone", exc_info=True)
        self.is_leader = False

    def _lead(self, stop: threading.Event) -> float:
        from redis.exceptions import LockError, RedisError

        if self._lock is None:
            self._lock = self.redis.lock(self.lock_name, timeout=self.lock_ttl, thread_local=False)
        try:
            if self.is_leader or self._lock.owned():
                # Still ours (also after a Redis blip, while the key has not expired): extend it.
                self._lock.reacquire()
                self.is_leader = True
            elif self._lock.acquire(blocking=False, token=self.identity):
                self.is_leader = True
                logger.info("%s is the leader; starting workers", self.identity)
        except (LockError, RedisError) as exc:
            if self.is_leader:
                logger.warning("leader lock lost (%s); stopping workers", exc)
            self.is_leader = False
        if self.is_leader:
            self._start_workers()
        else:
            self._stop_workers()
        return self.lock_ttl / 3

    def status(self) -> dict[str, Any]:
        """``{identity, leader, workers: {name: status}}``; ``leader`` is None without Redis."""
        return {
            "identity": self.identity,
            "leader": self.is_leader if self.redis is not None else None,
            "session_active": self.session_active,
            "workers": {w.name: w.status() for w in self.workers + self.session},
        }
