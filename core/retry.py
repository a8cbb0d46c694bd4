"""One retry policy (issue 22; freqtrade's ``retrier``): tenacity, applied where it is needed,
instead of a backoff loop written in each caller.

Two shapes of retrying, one library:

- :func:`retrying` — a call tried a bounded number of times with a fixed pause (the open capture:
  3 tries, 2 s apart, then recorded as missed).
- :class:`Backoff` — a loop that runs for the life of the process and meets failures in it (the
  workers, the quote poller): after each failure it waits 1 s, 2 s, 4 s… up to a ceiling, and
  starts again from the first delay after a success. The delays are tenacity's
  ``wait_exponential``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential, wait_fixed


def retrying(
    *,
    tries: int,
    pause_seconds: float,
    on: tuple[type[BaseException], ...],
    no_pause_on: tuple[type[BaseException], ...] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> Retrying:
    """A tenacity ``Retrying`` that calls up to ``tries`` times, ``pause_seconds`` apart, while the
    call raises one of ``on`` (at once, without the pause, after one of ``no_pause_on``); the last
    error is re-raised (never tenacity's ``RetryError``). ``sleep`` waits the pauses (tests record them).

    Use: ``for attempt in retrying(...): with attempt: ...``."""
    pause = wait_fixed(pause_seconds)

    def wait(state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        return 0.0 if no_pause_on and isinstance(failure, no_pause_on) else float(pause(state))

    return Retrying(
        stop=stop_after_attempt(tries), wait=wait, retry=retry_if_exception_type(on), reraise=True, sleep=sleep
    )


@dataclass
class Backoff:
    """The delays of a long-running loop's failures: ``first`` seconds after the first failure,
    doubling up to ``maximum``; :meth:`succeeded` starts again from ``first``."""

    first: float = 1.0
    maximum: float = 30.0
    failures: int = 0
    _wait: wait_exponential = field(init=False, repr=False)

    def __post_init__(self) -> None:
        first = min(self.first, self.maximum)
        self._wait = wait_exponential(multiplier=first, min=first, max=self.maximum)

    @property
    def next_delay(self) -> float:
        """Seconds the next failure will wait (the first delay when nothing has failed yet)."""
        return float(self._wait(SimpleNamespace(attempt_number=self.failures + 1)))  # type: ignore[arg-type]

    def failed(self) -> float:
        """Record a failure; returns the seconds to wait before trying again."""
        delay = self.next_delay
        self.failures += 1
        return delay

    def succeeded(self) -> None:
        """A success: the next failure waits ``first`` again."""
        self.failures = 0
