"""The injectable clock and the worker supervisor (SPEC §1)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import fakeredis
import pytest

from core.clock import RealClock, SimulatedClock, clock_from_environment
from core.workers import Supervisor, Worker
from tests.conftest import wait_for


def test_without_a_start_the_clock_is_real() -> None:
    assert isinstance(clock_from_environment({}), RealClock)


def test_simulated_clock_runs_from_the_shared_anchor_at_its_speed() -> None:
    anchor = datetime.now(UTC) - timedelta(seconds=10)
    clock = clock_from_environment(
        {"THOR_CLOCK_START": "2026-11-23T13:55:00Z", "THOR_CLOCK_SPEED": "600", "THOR_CLOCK_ANCHOR": anchor.isoformat()}
    )
    assert isinstance(clock, SimulatedClock)
    elapsed = clock.now() - datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
    assert timedelta(minutes=100) <= elapsed < timedelta(minutes=101)  # 10 real seconds × 600


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"THOR_CLOCK_START": "monday"}, "THOR_CLOCK_START"),
        ({"THOR_CLOCK_START": "2026-11-23T13:55:00"}, "UTC offset"),
        ({"THOR_CLOCK_START": "2026-11-23T13:55:00Z", "THOR_CLOCK_SPEED": "fast"}, "THOR_CLOCK_SPEED"),
        ({"THOR_CLOCK_START": "2026-11-23T13:55:00Z", "THOR_CLOCK_SPEED": "0"}, "positive"),
    ],
)
def test_bad_clock_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clock_from_environment(env)


def test_worker_start_and_stop_are_idempotent_and_errors_back_off() -> None:
    calls: list[int] = []

    def step(stop: threading.Event) -> float:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return 0.001

    worker = Worker("test-worker", step, max_backoff=0.01)
    assert worker.start() is True
    assert worker.start() is False
    wait_for(lambda: len(calls) >= 5)
    assert worker.errors == 1 and worker.last_error == "RuntimeError: boom"
    worker.stop()
    worker.stop()
    assert not worker.running


def test_only_the_leader_runs_workers() -> None:
    server = fakeredis.FakeServer()
    ticks = {"a": 0, "b": 0}

    def counter(name: str) -> Worker:
        def step(stop: threading.Event) -> float:
            ticks[name] += 1
            return 0.001

        return Worker(f"w-{name}", step)

    a = Supervisor(workers=[counter("a")], redis=fakeredis.FakeRedis(server=server), lock_ttl=0.3, identity="a")
    b = Supervisor(workers=[counter("b")], redis=fakeredis.FakeRedis(server=server), lock_ttl=0.3, identity="b")
    a.start()
    wait_for(lambda: ticks["a"] > 0)
    b.start()
    try:
        wait_for(lambda: b._leader is not None and b._leader.steps >= 2)
        assert a.is_leader and not b.is_leader and ticks["b"] == 0
        a.stop()  # gives the lock back: b takes over
        wait_for(lambda: b.is_leader and ticks["b"] > 0, timeout=3)
    finally:
        a.stop()
        b.stop()


def test_quote_staleness_is_measured_in_real_seconds_on_a_fast_clock(live: object, settings: object) -> None:
    from decimal import Decimal

    from core import clock as thor_clock
    from LiveData.redis_client import LiveDataRedis
    from ThorTrading.config import InstrumentConfig, TradingConfig
    from ThorTrading.services.quotes import get_enriched_quotes_with_composite

    assert isinstance(live, LiveDataRedis)
    start = datetime(2025, 12, 1, 23, 30, tzinfo=UTC)
    fast = SimulatedClock(start=start, anchor=datetime.now(UTC), speed=600)
    thor_clock.set_clock(fast)
    try:
        ym = InstrumentConfig(
            1, "YM", "Dow", 0, Decimal(1), Decimal(5), 0, True, False, None, Decimal(1), "DISABLED", None, None
        )
        config = TradingConfig(instruments=[ym], signal_weights={})
        live.publish_quote(
            {
                "symbol": "YM",
                "last": 1,
                "bid": 1,
                "ask": 2,
                "ts_ingest": (fast.now() - timedelta(seconds=300)).isoformat(),
            }
        )
        rows, _ = get_enriched_quotes_with_composite(live=live, config=config)
        assert rows[0]["stale"] is False  # 300 clock seconds = half a real second at 600×
        live.publish_quote(
            {"symbol": "YM", "last": 1, "bid": 1, "ask": 2, "ts_ingest": (fast.now() - timedelta(hours=3)).isoformat()}
        )
        rows, _ = get_enriched_quotes_with_composite(live=live, config=config)
        assert rows[0]["stale"] is True  # 18 real seconds
    finally:
        thor_clock.set_clock(None)


def test_two_web_processes_against_one_redis_run_the_monitor_once() -> None:
    """Two supervisors built like the web process's stack share one Redis: one monitor runs."""
    server = fakeredis.FakeServer()
    steps = {"a": 0, "b": 0}

    def stack(name: str) -> Supervisor:
        def monitor(stop: threading.Event) -> float:
            steps[name] += 1
            return 0.001

        supervisor = Supervisor(redis=fakeredis.FakeRedis(server=server), lock_ttl=0.3, identity=name)
        supervisor.add(Worker(f"monitor-{name}", monitor))
        supervisor.session.append(Worker(f"grader-{name}", lambda stop: 0.001))
        supervisor.start_session()
        return supervisor

    a, b = stack("a"), stack("b")
    a.start()
    b.start()
    try:
        wait_for(lambda: steps["a"] + steps["b"] > 20)
        assert (steps["a"] == 0) != (steps["b"] == 0)
        running = [w.name for s in (a, b) for w in s.workers + s.session if w.running]
        assert len(running) == 2 and running[0][-1] == running[1][-1]  # one process runs both
    finally:
        a.stop()
        b.stop()
