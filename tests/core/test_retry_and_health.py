"""The ground floor's retry policy and health registry (issue 22)."""

from __future__ import annotations

import pytest

from core import health
from core.retry import Backoff, retrying


def test_a_failing_loop_waits_1_2_4_seconds_up_to_its_ceiling_and_starts_over_after_a_success() -> None:
    backoff = Backoff(first=1.0, maximum=5.0)
    assert [backoff.failed() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    backoff.succeeded()
    assert backoff.next_delay == 1.0 and backoff.failed() == 1.0
    assert Backoff(first=1.0, maximum=0.5).failed() == 0.5  # a ceiling below the first delay wins


class Flaky(Exception):
    pass


class Clash(Flaky):
    pass


def test_retrying_pauses_between_tries_but_not_after_a_clash_and_reraises_the_last_error() -> None:
    for error, pauses in ((Flaky, [0.25, 0.25]), (Clash, [0.0, 0.0])):
        calls: list[int] = []
        slept: list[float] = []
        with pytest.raises(error, match="no 3"):
            for attempt in retrying(tries=3, pause_seconds=0.25, on=(Flaky,), no_pause_on=(Clash,), sleep=slept.append):
                with attempt:
                    calls.append(1)
                    raise error(f"no {len(calls)}")
        assert (len(calls), slept) == (3, pauses)
    with pytest.raises(KeyError):  # not retried: only the errors named are
        for attempt in retrying(tries=3, pause_seconds=0.25, on=(Flaky,), sleep=slept.append):
            with attempt:
                raise KeyError("other")


def test_a_health_check_that_raises_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_CHECKS", {})
    health.register("fine", lambda: {"ok": True})
    health.register("advice", lambda: {"ok": False})  # not part of the status
    health.register("broken", lambda: 1 / 0, affects_status=True)
    sections, healthy = health.run_checks()
    assert sections == {
        "fine": {"ok": True},
        "advice": {"ok": False},
        "broken": {"ok": False, "error": "ZeroDivisionError: division by zero"},
    }
    assert healthy is False
    monkeypatch.setattr(health, "_CHECKS", {})
    health.register("advice", lambda: {"ok": False})
    assert health.run_checks()[1] is True
