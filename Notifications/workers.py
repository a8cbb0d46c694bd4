"""The notification worker: sends the outbox and watches the feed and the tick recorder (issue 25).

It runs in the worker stack whenever Thor runs (``thor_project.stack``). Each step sends what is due
(:func:`Notifications.services.send_due`) and, every ``watch_seconds``, compares the feed's and the
recorder's health with the last look: going stale or failing, and coming back, each become one
message. Sending happens only here, never in a request, the grader or a capture.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from core.workers import Worker
from LiveData.health import feed_health, recorder_health
from Notifications.choices import NotificationKind
from Notifications.services import enqueue, prune, send_due

logger = logging.getLogger(__name__)

#: How often the outbox's old messages are deleted (seconds).
PRUNE_SECONDS = 3600.0


def _size(free: Any) -> str:
    return f"{int(free) / 1e9:.2f} GB free" if isinstance(free, int) else "free space unknown"


class NotificationSender:
    """One step at a time; owns no thread (see :func:`notification_worker`)."""

    def __init__(self, *, watch_seconds: float = 10.0, idle_seconds: float = 1.0) -> None:
        self.watch_seconds = watch_seconds
        self.idle_seconds = idle_seconds
        self._last_watch = float("-inf")
        self._last_prune = float("-inf")
        #: What the last look saw (None before the first: a feed dead at start-up is news too).
        self.feed_ok: bool | None = None
        self.recorder_ok: bool | None = None

    def step(self, stop: threading.Event | None = None) -> float:
        """Send what is due; watch when it is time. Returns the pause before the next step."""
        if time.monotonic() - self._last_watch >= self.watch_seconds:
            self._last_watch = time.monotonic()
            self.watch()
        if time.monotonic() - self._last_prune >= PRUNE_SECONDS:
            self._last_prune = time.monotonic()
            prune()
        counts = send_due()
        return 0.0 if sum(counts.values()) else self.idle_seconds

    def watch(self) -> None:
        """Queue a message when the feed or the recorder changed state since the last look."""
        feed = feed_health()
        if self.feed_ok is None and feed.get("state") == "never run":
            feed = {**feed, "ok": True}  # starting up: the feed has not had its first cycle yet
        if feed["ok"] != self.feed_ok and not (self.feed_ok is None and feed["ok"]):
            if feed["ok"]:
                enqueue(NotificationKind.FEED, "Feed back", f"Quotes are fresh again ({feed.get('mode') or 'feed'}).")
            else:
                age = feed.get("seconds_since_success")
                enqueue(
                    NotificationKind.FEED,
                    "Feed STALE",
                    f"No fresh quotes: state {feed.get('state')}, last success "
                    f"{feed.get('last_success_at') or 'never'}"
                    + (f" ({age:.0f} s ago)" if isinstance(age, int | float) else "")
                    + (f"; error: {feed['last_error']}" if feed.get("last_error") else "")
                    + ". Captures will not trade and market orders are refused until it recovers.",
                )
        self.feed_ok = bool(feed["ok"])
        recorder = recorder_health()
        if recorder["ok"] != self.recorder_ok and not (self.recorder_ok is None and recorder["ok"]):
            if recorder["ok"]:
                enqueue(NotificationKind.ARCHIVE, "Tick archive writing again", "The tick recorder writes again.")
            else:
                backlog = recorder.get("backlog") or {}
                enqueue(
                    NotificationKind.ARCHIVE,
                    "Tick archive CANNOT WRITE",
                    f"The tick recorder cannot write to {recorder.get('path')}: {recorder.get('error')} "
                    f"({_size(recorder.get('free_bytes'))}). {backlog.get('unwritten', '?')} ticks wait on the "
                    f"stream; {backlog.get('headroom', '?')} more may arrive before its trim starts losing them. "
                    "Free space in the tick folder (THOR_TICK_DIR).",
                )
        self.recorder_ok = bool(recorder["ok"])


def notification_worker() -> Worker:
    """A :class:`~core.workers.Worker` named ``thor-notifications`` running :class:`NotificationSender`."""
    return Worker("thor-notifications", NotificationSender().step)
