"""Demo history and the MarketSession admin as a trader's tool."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ThorTrading.models import MarketSession
from ThorTrading.services.demo import seed_demo_sessions

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[object, ...]]:
    return list(
        MarketSession.objects.order_by("capture_group", "future").values_list(
            "country", "session_date", "future", "bhs", "entry_price", "target_high", "wndw", "pnl_usd"
        )
    )


def test_demo_history_is_deterministic_marked_and_consistent(seeded: None) -> None:
    rows = seed_demo_sessions(days=14, seed=3, end=date(2025, 12, 1))
    assert rows == 10 * 10 * 12  # ten weekdays, ten control markets, twelve rows
    first = snapshot()
    MarketSession.objects.all().delete()
    seed_demo_sessions(days=14, seed=3, end=date(2025, 12, 1))
    assert snapshot() == first
    assert not MarketSession.objects.filter(is_demo=False).exists()
    for row in MarketSession.objects.exclude(wndw="NEUTRAL").exclude(wndw="EXPIRED"):
        # a long's profit sits above its entry, a short's below; P&L sign follows the outcome
        assert row.entry_price is not None and row.target_high is not None and row.target_low is not None
        assert row.target_low < row.entry_price < row.target_high
        assert (row.pnl_usd > 0) == (row.wndw == "WORKED")  # type: ignore[operator]
    assert seed_demo_sessions(days=14, seed=3, end=date(2025, 12, 1)) == 0  # days already captured are skipped


def test_admin_colours_outcomes_marks_demo_rows_and_exports_a_selection(seeded: None) -> None:
    seed_demo_sessions(days=3, seed=1, end=date(2025, 12, 2))
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="x"))
    page = client.get("/admin/ThorTrading/marketsession/?is_demo__exact=1&wndw__exact=WORKED").content.decode()
    assert 'class="thor-outcome worked"' in page and "ThorTrading/admin.css" in page
    ids = list(MarketSession.objects.values_list("pk", flat=True)[:5])
    response = client.post("/admin/ThorTrading/marketsession/", {"action": "export_csv", "_selected_action": ids})
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 6 and lines[0].startswith("id,")


def test_admin_capture_now_writes_a_forced_capture_and_says_what_it_did(seeded: None, live: Any, clock: Any) -> None:
    """The markets' admin action "Capture now" (the market-open plan's third trigger): a capture of
    the selected markets at this instant, even one whose capture is switched off, reported per market."""
    from django.core.management import call_command

    from GlobalMarkets.models import Market
    from tests.conftest import TOS_DATA

    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password="x"))
    amsterdam, usa = Market.objects.get(country="Netherlands"), Market.objects.get(country="USA")
    assert not amsterdam.enable_futures_capture  # off by default, like Frankfurt
    response = client.post(
        "/admin/GlobalMarkets/market/",
        {"action": "capture_now", "_selected_action": [amsterdam.pk, usa.pk]},
        follow=True,
    )
    notes = [str(m) for m in response.context["messages"] if str(m).startswith("Capture now")]
    groups = {
        c: set(MarketSession.objects.filter(country=c).values_list("capture_group", flat=True))
        for c in ("Netherlands", "USA")
    }
    assert all(len(g) == 1 for g in groups.values()) and MarketSession.objects.count() == 24
    assert notes == [
        f"Capture now — Netherlands: captured 12 rows for {clock.now().date()} (capture_group {min(groups['Netherlands'])}, "
        f"TOTAL {MarketSession.objects.get(country='Netherlands', future='TOTAL').bhs or 'no signal'})",
        f"Capture now — USA: captured 12 rows for {clock.now().date()} (capture_group {min(groups['USA'])}, "
        f"TOTAL {MarketSession.objects.get(country='USA', future='TOTAL').bhs or 'no signal'})",
    ], notes
    trader = Client()
    trader.force_login(User.objects.create_user("trader", password="x"))  # not staff: no admin, no action
    assert (
        trader.post("/admin/GlobalMarkets/market/", {"action": "capture_now", "_selected_action": [usa.pk]}).status_code
        == 302
    )
    assert MarketSession.objects.count() == 24


def test_capture_now_from_the_dashboard_is_the_admin_action_for_staff_only(seeded: None, live: Any, clock: Any) -> None:
    """``POST market-opens/capture``: the same forced capture as the admin's action, for staff; a
    trader gets 403 and nothing is written; a bad market is a 400 naming the control markets."""
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from tests.conftest import TOS_DATA

    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))
    trader = APIClient()
    trader.force_authenticate(User.objects.create_user("trader"))
    assert trader.post("/api/ThorTrading/market-opens/capture", {"country": "USA"}, format="json").status_code == 403
    assert not MarketSession.objects.exists()
    boss = APIClient()
    boss.force_authenticate(User.objects.create_superuser("boss", password="x"))
    bad = boss.post("/api/ThorTrading/market-opens/capture", {"country": "Atlantis"}, format="json")
    assert bad.status_code == 400 and "is not one of" in str(bad.json())
    for _ in range(2):  # forced: a second capture the same day is a new event, as the admin's action
        made = boss.post("/api/ThorTrading/market-opens/capture", {"country": "usa"}, format="json")
        assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["country"], body["status"], body["rows"]) == ("USA", "captured", 12)
    assert body["message"].startswith(f"USA: captured 12 rows for {clock.now().date()}")
    assert MarketSession.objects.filter(forced=True).values("capture_group").distinct().count() == 2
    assert trader.get("/api/ThorTrading/market-opens/capture").status_code in (403, 405)
