"""The backtests API (SPEC §13): a variant runs in a worker thread; its progress and result are read
back by its owner only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.archive import TickArchive
from tests.conftest import wait_for
from tests.ThorTrading.test_backtest import golden_tape
from ThorTrading.models import Backtest
from ThorTrading.services.backtest import backtest_state

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]


@pytest.fixture
def api(seeded: None, django_user_model: Any, settings: Any, tmp_path: Path, clock: ManualClock) -> APIClient:
    settings.THOR_TICK_DIR = tmp_path / "ticks"
    TickArchive(settings.THOR_TICK_DIR).append(golden_tape())
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("trader", password="pw-123456"))
    return client


def finished(api: APIClient, url: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        body = api.get(url).json()
        return body if body["status"] in ("DONE", "FAILED") else None

    return wait_for(done, timeout=20.0)  # type: ignore[return-value]


def test_a_variant_runs_in_the_background_and_its_result_is_kept(api: APIClient) -> None:
    response = api.post(
        "/api/ThorTrading/backtests/",
        {
            "start": "2025-12-01",
            "end": "2025-12-01",
            "markets": ["USA"],
            "future": "all",
            "target_mode": "USD",
            "profit_target": "150",
            "stop_loss": "100",
        },
        format="json",
    )
    assert response.status_code == 202, response.json()
    body = finished(api, response.json()["url"])
    assert body["status"] == "DONE" and body["progress"] == 100.0 and body["error"] == ""
    trades = {t["future"]: t for t in body["result"]["trades"]}
    # The golden tape with $150 targets (worked out in test_backtest): YM through its stop, ES expired.
    assert (trades["YM"]["wndw"], trades["YM"]["pnl_usd"]) == ("DIDNT_WORK", -505.0)
    assert (trades["ES"]["wndw"], trades["ES"]["target_low"]) == ("EXPIRED", 6797.0)
    assert body["result"]["stats"]["overall"]["trades"] == 5
    listed = api.get("/api/ThorTrading/backtests/").json()
    assert [b["id"] for b in listed] == [body["id"]] and listed[0]["result"]["stats"]["overall"]["trades"] == 5
    assert "trades" not in listed[0]["result"]


def test_another_user_cannot_read_it(api: APIClient, django_user_model: Any) -> None:
    url = api.post("/api/ThorTrading/backtests/", {"start": "2025-12-01", "end": "2025-12-01"}, format="json").json()[
        "url"
    ]
    finished(api, url)
    other = APIClient()
    other.force_authenticate(django_user_model.objects.create_user("other", password="pw-123456"))
    assert other.get(url).status_code == 404 and other.get("/api/ThorTrading/backtests/").json() == []
    assert APIClient().get(url).status_code == 401


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"start": "2025-12-02", "end": "2025-12-01"}, "end", "must not be before start"),
        ({"start": "2025-12-01", "end": "2027-12-01"}, "end", "at most 366 days"),
        ({"start": "2025-12-01", "end": "2025-12-01", "markets": ["Atlantis"]}, "markets", "not a valid choice"),
        ({"start": "2025-12-01", "end": "2025-12-01", "target_mode": "USD"}, "profit_target", "go together"),
        (
            {
                "start": "2025-12-01",
                "end": "2025-12-01",
                "target_mode": "USD",
                "profit_target": "1e30",
                "stop_loss": "1",
            },
            "profit_target",
            "",
        ),
        ({"start": "yesterday", "end": "2025-12-01"}, "start", "wrong format"),
        (
            {"start": "2025-12-01", "end": "2025-12-01", "window_minutes": -1},
            "window_minutes",
            "greater than or equal to 0",
        ),
        (
            {"start": "2025-12-01", "end": "2025-12-01", "signal_weights": {"BUY": 11}},
            "signal_weights",
            "less than or equal to 10",
        ),
        ({"start": "2025-12-01", "end": "2025-12-01", "roll": "calendar"}, "roll", "not a valid choice"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api: APIClient, payload: dict[str, Any], field: str, message: str) -> None:
    response = api.post("/api/ThorTrading/backtests/", payload, format="json")
    body = response.json()
    assert response.status_code == 400 and body["error"].startswith(f"{field}: ") and field in body["details"], body
    assert message in str(body["details"][field])
    assert Backtest.objects.count() == 0


def test_no_ticks_for_the_range_fails_with_what_to_do(api: APIClient) -> None:
    url = api.post("/api/ThorTrading/backtests/", {"start": "2024-06-03", "end": "2024-06-04"}, format="json").json()[
        "url"
    ]
    body = finished(api, url)
    assert body["status"] == "FAILED" and "has no ticks from 2024-06-03 to 2024-06-04" in body["error"]


def test_a_run_interrupted_by_a_restart_reads_as_failed(
    api: APIClient, clock: ManualClock, django_user_model: Any
) -> None:
    owner = django_user_model.objects.get(username="trader")
    stuck = Backtest.objects.create(owner=owner, created_at=clock.now(), status="RUNNING", params={})
    Backtest.objects.filter(pk=stuck.pk).update(updated_at=clock.now())
    stuck.refresh_from_db()
    assert backtest_state(stuck, now=clock.now() + timedelta(minutes=4)) == ("RUNNING", "")
    status, error = backtest_state(stuck, now=clock.now() + timedelta(minutes=6))
    assert status == "FAILED" and "interrupted" in error and "run it again" in error
