"""Demo history and the MarketSession admin as a trader's tool."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from ThorTrading.models import MarketSession
from ThorTrading.services.demo import seed_demo_sessions

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[object, ...]]:
    return list(MarketSession.objects.order_by("capture_group", "future").values_list(
        "country", "session_date", "future", "bhs", "entry_price", "target_high", "wndw", "pnl_usd"))


def test_demo_history_is_deterministic_marked_and_consistent(seeded: None) -> None:
    rows = seed_demo_sessions(days=14, seed=3, end=date(2025, 12, 1))
    assert rows == 10 * 9 * 12  # ten weekdays, nine markets, twelve rows
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
