"""The admin lists and filters captures and edits configuration (SPEC issue 2, item 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from ThorTrading.services.capture import capture_market_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(seeded: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="x"))
    return client


@pytest.mark.parametrize(
    "model",
    [
        "ThorTrading/marketsession",
        "ThorTrading/tradinginstrument",
        "ThorTrading/signalstatvalue",
        "ThorTrading/signalweight",
        "ThorTrading/contractweight",
        "ThorTrading/targethighlowconfig",
        "ThorTrading/missedcapture",
        "GlobalMarkets/market",
        "GlobalMarkets/tradingday",
    ],
)
def test_every_model_has_an_admin_page(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/admin/{model}/").status_code == 200


def test_market_session_list_filters_by_country_outcome_and_signal(
    admin_client: Client, live: LiveDataRedis, clock: ManualClock, settings: Any
) -> None:
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    capture_market_open(market=Market.objects.get(country="USA"))
    page = admin_client.get("/admin/ThorTrading/marketsession/?country=USA&wndw__exact=PENDING&bhs__exact=STRONG_BUY")
    assert page.status_code == 200
    content = page.content.decode()
    assert "46683" in content  # YM's target_high
    assert "6708.25" not in content  # ES is a STRONG_SELL
