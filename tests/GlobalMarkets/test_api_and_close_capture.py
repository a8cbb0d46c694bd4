"""Markets API and close capture (SPEC §9, §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from core.clock import ManualClock
from GlobalMarkets.models import Market
from GlobalMarkets.services.calendars import sync_market_calendars
from GlobalMarkets.workers.monitor import MarketMonitor
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from thor_project import stack
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]


@pytest.fixture
def api(seeded: None, live: LiveDataRedis) -> APIClient:
    stack.reset_stack()
    sync_market_calendars(start=date(2025, 11, 20), end=date(2025, 12, 31))
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    return client


def test_markets_list_status_local_time_and_next_events(api: APIClient, clock: ManualClock) -> None:
    clock.set(datetime(2025, 12, 1, 14, 40, tzinfo=UTC))
    MarketMonitor(now=clock.now).step()
    markets = {m["country"]: m for m in api.get("/api/global-markets/markets/").json()}
    assert list(markets) == [
        "Japan",
        "China",
        "India",
        "Germany",
        "Netherlands",
        "United Kingdom",
        "Pre_USA",
        "USA",
        "Canada",
        "Mexico",
    ]
    usa = markets["USA"]
    assert usa["status"] == "OPEN" and usa["local_time"].startswith("2025-12-01T09:40:00-05:00")
    assert usa["next_close"] == "2025-12-01T21:00:00+00:00" and usa["next_open"] == "2025-12-02T14:30:00+00:00"
    assert markets["Japan"]["status"] == "CLOSED" and markets["Germany"]["enable_futures_capture"] is False
    stats = api.get("/api/global-markets/stats/").json()
    assert stats["now"] == "2025-12-01T14:40:00+00:00" and stats["us_open"] is True
    assert stats["open_markets"] == ["Germany", "Netherlands", "United Kingdom", "USA", "Canada", "Mexico"]
    assert stats["next_event"] == {"country": "Germany", "event": "close", "at": "2025-12-01T16:30:00+00:00"}
    stack.reset_stack()


def test_close_capture_fills_close_and_range_metrics(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="USA"))
    quote = live.get_latest_quote("YM")
    assert quote is not None
    quote.update(last=Decimal(46700))
    live.publish_quote(quote)
    response = api.post("/api/ThorTrading/market-close/capture", {"country": "usa"})
    body = response.json()
    assert response.status_code == 200
    assert body == {
        "country": "USA",
        "capture_group": 1,
        "status": "ok",
        "message": body["message"],
        "close_rows_updated": 12,
        "range_rows_updated": 12,
    }
    ym = MarketSession.objects.get(future="YM")
    assert ym.market_close == Decimal(46700) and ym.market_high_open == Decimal(46700)
    assert ym.market_range == Decimal(31)  # 46700 − 46669 (the open)
    assert ym.market_close_vs_open_pct == Decimal("0.0664")
    again = api.post("/api/ThorTrading/market-close/capture", {"country": "USA"})
    assert again.status_code == 200 and again.json()["status"] == "already_closed"
    # Forcing a close again is for staff only.
    refused = api.post("/api/ThorTrading/market-close/capture", {"country": "USA", "force": "1"})
    assert refused.status_code == 403 and refused.json() == {"error": "force: only staff may force a close capture"}
    User.objects.filter(username="trader").update(is_staff=True)
    api.force_authenticate(User.objects.get(username="trader"))
    assert api.post("/api/ThorTrading/market-close/capture", {"country": "USA", "force": "1"}).json()["status"] == "ok"


def test_get_never_closes_a_market(api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="USA"))
    response = api.get("/api/ThorTrading/market-close/capture?country=USA&force=1")
    assert response.status_code == 405 and "POST" in response["Allow"] and "GET" not in response["Allow"]
    assert "POST /api/ThorTrading/market-close/capture" in response.json()["error"]
    assert MarketSession.objects.filter(market_close__isnull=False).count() == 0


def test_a_cookie_session_must_send_the_csrf_token_to_close(api: APIClient, live: LiveDataRedis) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="trader"))
    # An <img> or a form on another site cannot forge it: no CSRF token, no close.
    forged = browser.post("/api/ThorTrading/market-close/capture", {"country": "USA"})
    assert forged.status_code == 403 and "CSRF" in forged.json()["error"]


def test_close_capture_errors_are_clear(api: APIClient) -> None:
    missing = api.post("/api/ThorTrading/market-close/capture", {})
    assert missing.status_code == 400 and missing.json()["error"] == "country: This field is required."
    bad = api.post("/api/ThorTrading/market-close/capture", {"country": "Atlantis"})
    assert bad.status_code == 400 and "country" in bad.json()["error"]
    none = api.post("/api/ThorTrading/market-close/capture", {"country": "Japan"})
    assert none.status_code == 404 and none.json()["status"] == "no_sessions"
    with pytest.raises(CommandError, match="no_sessions"):
        call_command("capture_market_close", "--market", "Japan")


def test_close_capture_with_redis_down_reports_an_error(
    api: APIClient, live: LiveDataRedis, clock: ManualClock, settings: Any, dead_redis: LiveDataRedis
) -> None:
    from LiveData.redis_client import set_live_data_redis

    set_live_data_redis(live)
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    capture_market_open(market=Market.objects.get(country="USA"))
    set_live_data_redis(dead_redis)
    response = api.post("/api/ThorTrading/market-close/capture", {"country": "USA"})
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_markets_api_needs_login(seeded: None) -> None:
    assert APIClient().get("/api/global-markets/markets/").status_code == 401


def test_the_request_path_never_imports_pandas(api: APIClient, clock: ManualClock) -> None:
    import subprocess
    import sys

    code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='thor_project.settings_test'; django.setup();"
        "import thor_project.urls, thor_project.asgi;"
        "from django.urls import get_resolver; [p.callback for p in get_resolver().url_patterns if hasattr(p, 'callback')];"
        "import ThorTrading.api.sessions, GlobalMarkets.api.views, GlobalMarkets.admin, thor_project.api;"
        "print('pandas' in sys.modules, 'exchange_calendars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False False", out.stderr
