"""A trader's day in Debian's headless chromium (issue 25): a short's card says target and stop as the
trader places them, the order ticket places a bracket STP_LMT that rests with its legs, Flatten closes
a position and its bracket, Sessions pages to the oldest of 200 captures (the filters and the page in
the address), History sorts by outcome and expands a row to its 12 instruments, and Home's Today
shows the figures ``stats/`` gives for today. Screenshots land in ``e2e-screenshots/``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from ActAndPos.models import Order, Position
from core import clock
from GlobalMarkets.models import Market
from tests.conftest import TOS_DATA
from tests.e2e.test_dashboard import CHROMIUM, DIST, SHOTS, login, shot, trader_with_quotes
from tests.factories import capture_rows
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(not DIST.exists(), reason="the dashboard is not built (cd frontend && npm ci && npm run build)"),
]

FUTURES = ["YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB", "TOTAL"]


def fresh_quotes() -> None:
    """The 2025-11-26 workbook polled again: market orders refuse a quote older than the staleness threshold."""
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-11-26.xlsm"))


def test_a_short_card_the_bracket_ticket_flatten_and_cancel_all(
    seeded: None, thor_server: Any, browser_page: tuple[Any, list[str]], live: Any
) -> None:
    page, errors = browser_page
    trader_with_quotes("rtd_2025-11-26.xlsm")  # ES STRONG_SELL: a short entered at the bid, 6708.25
    assert capture_market_open(market=Market.objects.get(country="USA"), force=True).status == "captured"
    login(page, thor_server.url)

    # A SELL card (the filters in the address: a bookmarkable view of ES's trades).
    page.goto(f"{thor_server.url}/#/sessions?future=ES")
    card = page.get_by_role("article", name="USA capture")
    card.wait_for()
    text = card.inner_text()
    assert "STRONG SELL" in text or "STRONG_SELL" in text
    assert re.search(r"ES 6,708\.25 → open\s*· target 6,706\.25 · stop 6,710\.25", text), text
    assert page.get_by_role("button", name="Filters (1 set)").is_visible()
    shot(page, "traders-day-sell-card")

    # The ticket: a BUY STP_LMT above the market with a bracket 8 ticks each way, DAY.
    page.goto(f"{thor_server.url}/#/trade")
    ticket = page.get_by_role("form", name="Order ticket")
    ticket.get_by_label("Symbol").select_option("ES")
    ticket.get_by_label("Type").select_option("STP_LMT")
    ticket.get_by_label("Stop", exact=True).fill("6720")
    ticket.get_by_label("Limit", exact=True).fill("6721")
    ticket.get_by_label("Bracket (take profit + stop loss, one-cancels-other)").check()
    ticket.get_by_label("Legs in").select_option("ticks")
    ticket.get_by_role("textbox", name="Take profit").fill("8")
    ticket.get_by_role("textbox", name="Stop loss").fill("8")
    # 8 ticks of 0.25 from the limit 6721: take profit 6723, stop loss 6719.
    assert ticket.locator("[data-legs]").inner_text() == "take profit 6,723.00 · stop loss 6,719.00"
    preview = ticket.get_by_label("Margin preview").inner_text()
    assert re.search(r"Needs \$[\d,]+\.\d\d initial margin \(1 × \$[\d,]+\.\d\d\); buying power after \$", preview), (
        preview
    )
    ticket.get_by_role("textbox", name="Stop loss").press("Enter")  # Enter sends
    page.get_by_role("status").filter(has_text="BUY 1 ES STP_LMT is working").wait_for()
    entry = Order.objects.get(symbol="ES", order_type="STP_LMT")
    assert (entry.status, entry.stop_price, entry.limit_price) == ("WORKING", Decimal(6720), Decimal(6721))
    legs = page.get_by_role("list", name=f"Bracket of order {entry.pk}")
    legs.wait_for()
    leg_text = legs.inner_text()
    assert (
        "take profit: SELL 1 ES LMT limit 6,723.00" in leg_text and "stop loss: SELL 1 ES STP stop 6,719.00" in leg_text
    )
    assert leg_text.count("waits for its entry, one-cancels-other") == 2
    # Esc clears the ticket.
    ticket.get_by_label("Stop", exact=True).press("Escape")
    assert ticket.get_by_label("Type").input_value() == "MKT"
    shot(page, "traders-day-bracket-stp-lmt")

    # A YM position with a bracket, then Flatten: the legs are cancelled, the position closed at market.
    fresh_quotes()
    ticket.get_by_label("Symbol").select_option("YM")
    ticket.get_by_label("Quantity").fill("2")
    ticket.get_by_label("Bracket (take profit + stop loss, one-cancels-other)").check()
    ticket.get_by_label("Legs in").select_option("usd")
    ticket.get_by_role("textbox", name="Take profit").fill("100")
    ticket.get_by_role("textbox", name="Stop loss").fill("100")
    ticket.get_by_role("button", name="Place order").click()
    page.get_by_role("status").filter(has_text="BUY 2 YM filled at").wait_for()
    page.get_by_role("button", name="Flatten YM").wait_for()
    ym_legs = Order.objects.filter(symbol="YM", bracket_role__in=["TAKE_PROFIT", "STOP_LOSS"])
    assert sorted(ym_legs.values_list("status", flat=True)) == ["WORKING", "WORKING"]
    fresh_quotes()
    page.get_by_role("button", name="Flatten YM").click()
    page.get_by_role("status").filter(has_text="Flattened YM: SELL 2 filled at").wait_for()
    assert not Position.objects.filter(symbol="YM").exists()
    assert sorted(ym_legs.values_list("status", flat=True)) == ["CANCELED", "CANCELED"]
    page.get_by_role("button", name="Flatten YM").wait_for(state="detached")
    shot(page, "traders-day-flattened")

    # Cancel all: the resting ES entry and its two legs.
    page.get_by_role("button", name="Cancel all").click()
    page.get_by_role("status").filter(has_text="Cancelled 1 order(s)").wait_for()
    page.get_by_text("No working orders.").wait_for()
    assert not Order.objects.filter(status__in=["WORKING", "PENDING"]).exists()
    assert errors == [], errors


def _history(today: datetime) -> None:
    """200 captures of USA, one a day back from ``today`` at 14:30 UTC, 12 rows each, the TOTAL
    outcomes cycling WORKED, DIDNT_WORK, EXPIRED, PENDING; and today's Japan and London captures."""
    rows: list[MarketSession] = []
    outcomes = [("WORKED", Decimal(100)), ("DIDNT_WORK", Decimal(-100)), ("EXPIRED", Decimal(0)), ("PENDING", None)]
    for n in range(200):
        at = today.replace(hour=14, minute=30) - timedelta(days=n + 1)
        wndw, pnl = outcomes[n % 4]
        rows += capture_rows(
            futures={
                f: {"wndw": wndw if f == "TOTAL" else "NEUTRAL", "pnl_usd": pnl if f == "TOTAL" else None}
                for f in FUTURES
            },
            captured_at=at,
            country="USA",
        )
    for country, hour, (wndw, pnl) in [("Japan", 0, outcomes[0]), ("United Kingdom", 8, outcomes[1])]:
        rows += capture_rows(
            futures={
                f: {"wndw": wndw if f == "TOTAL" else "NEUTRAL", "pnl_usd": pnl if f == "TOTAL" else None}
                for f in FUTURES
            },
            captured_at=today.replace(hour=hour, minute=5),
            country=country,
        )
    MarketSession.objects.bulk_create(rows)


def test_sessions_page_through_200_captures_history_sorts_and_expands_and_today_equals_stats(
    seeded: None, thor_server: Any, browser_page: tuple[Any, list[str]], live: Any
) -> None:
    page, errors = browser_page
    today = clock.now().astimezone(UTC).replace(second=0, microsecond=0)
    trader_with_quotes("rtd_2025-11-26.xlsm")
    _history(today)
    login(page, thor_server.url)

    # Today on Home: the figures of stats/ for today's date.
    day = today.date().isoformat()
    expected = page.evaluate(
        "async (day) => (await (await fetch(`/api/ThorTrading/market-opens/stats/?start=${day}&end=${day}`)).json()).overall",
        day,
    )
    today_panel = page.get_by_role("region", name="Today")
    today_panel.locator("[data-figure=captures]").filter(has_text=str(expected["rows"])).wait_for()
    figures = {
        key: today_panel.locator(f"[data-figure={key}]").inner_text()
        for key in ("captures", "decided", "hit-rate", "pnl")
    }
    assert expected["rows"] == 2 and expected["worked"] + expected["didnt_work"] == 2
    assert figures == {
        "captures": str(expected["rows"]),
        "decided": str(expected["worked"] + expected["didnt_work"]),
        "hit-rate": f"{expected['hit_rate']:.2f}%",
        "pnl": f"${expected['total_pnl']:,.2f}",
    }, (figures, expected)
    assert re.search(r"in \d+h \d\dm \d\ds", today_panel.inner_text())  # the next open's countdown
    shot(page, "traders-day-today")

    # Sessions: 50 a page, to the oldest of the 202 (200 USA + today's two), the page in the address.
    page.goto(f"{thor_server.url}/#/sessions?country=USA")
    pager = page.get_by_role("navigation", name="Pages").first
    pager.filter(has_text="Page 1 of 4 · 1–50 of 200 captures").wait_for()
    pager.get_by_role("button", name="Last page").click()
    pager.filter(has_text="Page 4 of 4 · 151–200 of 200 captures").wait_for()
    assert "page=4" in page.url and "country=USA" in page.url
    oldest = MarketSession.objects.filter(country="USA", future="TOTAL").order_by("captured_at").first()
    assert oldest is not None
    # The oldest capture is the last card of the last page (the page before it stays shown while it loads).
    page.locator(f'article.card.session[data-capture-group="{oldest.capture_group}"]').wait_for()
    cards = page.locator("article.card.session")
    assert cards.count() == 50
    assert cards.last.get_attribute("data-capture-group") == str(oldest.capture_group)
    page.reload()  # a bookmark of this view opens it again
    page.get_by_role("navigation", name="Pages").first.filter(has_text="Page 4 of 4").wait_for()
    shot(page, "traders-day-sessions-oldest")

    # History: sort by outcome, then expand a row to its 12 instruments.
    page.goto(f"{thor_server.url}/#/history?country=USA")
    table = page.get_by_role("table", name="Sessions")
    table.get_by_role("button", name="Outcome").click()
    page.wait_for_function("() => location.hash.includes('history')")
    first_rows = table.locator("tbody tr[data-capture-group]")
    first_rows.first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('table[aria-label=Sessions] tbody tr[data-capture-group]')]"
        ".slice(0, 3).every(r => r.textContent.includes(\"DIDN'T WORK\") || r.textContent.includes('DIDNT'))"
    )
    outcomes = [r.inner_text() for r in first_rows.all()[:60]]
    # Ascending by outcome: the 50 DIDN'T WORK rows, then EXPIRED.
    assert all("DIDN" in o for o in outcomes[:50]) and "EXPIRED" in outcomes[50], outcomes[48:52]
    table.get_by_role("button", name="Outcome ▲").click()  # descending: WORKED first
    page.wait_for_function(
        "() => document.querySelector('table[aria-label=Sessions] tbody tr[data-capture-group]').textContent.includes('WORKED')"
        " && !document.querySelector('table[aria-label=Sessions] tbody tr[data-capture-group]').textContent.includes('DIDN')"
    )
    first = first_rows.first
    first.get_by_role("button", name=re.compile("Show the 12 instruments")).click()
    expanded = table.locator("tr.expanded table.rows tbody tr")
    expanded.first.wait_for()
    assert expanded.count() == 12
    assert [expanded.nth(i).locator("td").first.inner_text() for i in range(12)] == FUTURES
    shot(page, "traders-day-history-expanded")
    table.locator("tr.expanded").screenshot(path=str(SHOTS / "traders-day-history-row-12.png"))

    # The best and the worst weekday by expected value: by the ends of their 95 % intervals, as stats/ gives them.
    ev = page.get_by_role("table", name="Expected value by weekday")
    ev.wait_for()
    page.locator(".ev-tables").screenshot(path=str(SHOTS / "traders-day-best-worst.png"))
    weekdays = page.evaluate(
        "async () => (await (await fetch('/api/ThorTrading/market-opens/stats/?country=USA')).json()).by_weekday"
    )
    best = max(weekdays, key=lambda g: g["expected_value_low"])["key"]
    worst = min(weekdays, key=lambda g: g["expected_value_high"])["key"]
    assert best != worst
    assert ev.locator("tr.best td").first.inner_text().startswith(best)
    assert ev.locator("tr.worst td").first.inner_text().startswith(worst)
    assert errors == [], errors
