"""The one injectable clock (SPEC §1 "Time").

Every "now" in Thor comes from :func:`now`. By default that is the real UTC time. ``THOR_CLOCK_START``
(an ISO-8601 instant) and ``THOR_CLOCK_SPEED`` (a factor, default 1) run the whole process on a
simulated clock: ``now = START + (real now - ANCHOR) * SPEED``, where ``THOR_CLOCK_ANCHOR`` is one real
instant shared by every process of a run (``make run`` sets it), so all processes agree on the time.
Tests install a :class:`ManualClock` with :func:`set_clock`.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with ``now() -> aware UTC datetime``."""

    def now(self) -> datetime: ...


class RealClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """``start + (real now - anchor) * speed``; all three are fixed when the clock is made.

    Raises ``ValueError`` when ``speed`` is not positive or an instant is naive.
    """

    def __init__(self, *, start: datetime, anchor: datetime, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError(f"clock speed must be positive, got {speed}")
        if start.tzinfo is None or anchor.tzinfo is None:
            raise ValueError("simulated clock instants must be timezone-aware")
        self.start = start.astimezone(UTC)
        self.anchor = anchor.astimezone(UTC)
        self.speed = speed

    def now(self) -> datetime:
        elapsed = datetime.now(UTC) - self.anchor
        return self.start + elapsed * self.speed


class ManualClock:
    """A clock that moves only when told to (tests and replays)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when.astimezone(UTC)

    def advance(self, **kwargs: float) -> datetime:
        """Move forward by ``timedelta(**kwargs)`` and return the new time."""
        with self._lock:
            self._now += timedelta(**kwargs)
            return self._now


def _parse_instant(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not an ISO-8601 instant (e.g. 2026-11-23T13:55:00Z)") from exc
    if value.tzinfo is None:
        raise ValueError(f"{name}={raw!r} needs a UTC offset (e.g. 2026-11-23T13:55:00Z)")
    return value


def clock_from_environment(environ: dict[str, str] | None = None) -> Clock:
    """Build the process clock from ``THOR_CLOCK_START`` / ``_SPEED`` / ``_ANCHOR``.

    Without ``THOR_CLOCK_START`` the real clock is returned. Without an anchor the simulated clock
    starts now. Raises ``ValueError`` with the variable's name when a value is malformed.
    """
    env = os.environ if environ is None else environ
    start_raw = env.get("THOR_CLOCK_START", "").strip()
    if not start_raw:
        return RealClock()
    start = _parse_instant("THOR_CLOCK_START", start_raw)
    anchor_raw = env.get("THOR_CLOCK_ANCHOR", "").strip()
    anchor = _parse_instant("THOR_CLOCK_ANCHOR", anchor_raw) if anchor_raw else datetime.now(UTC)
    speed_raw = env.get("THOR_CLOCK_SPEED", "1").strip() or "1"
    try:
        speed = float(speed_raw)
    except ValueError as exc:
        raise ValueError(f"THOR_CLOCK_SPEED={speed_raw!r} is not a number") from exc
    return SimulatedClock(start=start, anchor=anchor, speed=speed)


_clock: Clock | None = None


def get_clock() -> Clock:
    """The process clock (built from the environment on first use)."""
    global _clock
    if _clock is None:
        _clock = clock_from_environment()
    return _clock


def set_clock(clock: Clock | None) -> None:
    """Install ``clock`` for the whole process; ``None`` goes back to the environment's clock."""
    global _clock
    _clock = clock


def speed() -> float:
    """How many clock seconds pass per real second (1 on the real clock, e.g. 600 in a fast replay).
    Thresholds meant in real time (quote staleness) scale by it."""
    return float(getattr(get_clock(), "speed", 1.0))


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return get_clock().now()
