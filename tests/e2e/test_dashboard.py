"""The dashboard end to end in Debian's headless chromium, driven by Playwright (SPEC §12).

Thor is served by daphne in a child process (``tests/e2e/conftest.py``), the real workbook in Redis,
a grader thread in the test process; the browser logs in, sees the futures, watches a capture appear and resolve, filters, opens History.
Screenshots land in ``e2e-screenshots/``. Skipped when chromium or the built dashboard is missing
(``make test`` builds the dashboard and CI installs chromium).
"""

from __future__ import annotations

import io
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from ActAndPos.models import Order
from core import clock
from core.workers import Worker
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.conftest import REAL_DATA, TOS_DATA
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open
from ThorTrading.workers.grader import Grader

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DIST = settings.BASE_DIR / "frontend" / "dist" / "index.html"
SHOTS = settings.BASE_DIR / "e2e-screenshots"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif(not DIST.exists(), reason="the dashboard is not built (cd frontend && npm ci && npm run build)"),
]


def shot(page: Any, name: str) -> str:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return f"{name}.png {path.stat().st_size // 1024} KB"


def trader_with_quotes(workbook: str) -> None:
    """The user the browser logs in as, and the workbook's quotes in Redis."""
    User.objects.create_user("trader", password="correct horse")
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / workbook))


def login(page: Any, url: str) -> None:
    """Log in and turn Home's Futures toggle on (Global Markets is full width by default; the
    browser remembers the toggle for the rest of the test)."""
    page.goto(url)
    page.get_by_label("Username").fill("trader")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("table", name="Global markets").wait_for()
    # Home's Today panel fills in by its own queries: wait for it, so the page does not move under the click.
    page.get_by_role("region", name="Today").locator("[data-figure=captures]").wait_for()
    page.get_by_role("region", name="Today").locator(".next-open").wait_for()
    assert page.get_by_role("article", name="TOTAL card").count() == 0
    page.get_by_role("checkbox", name="Futures").check()
    page.get_by_role("article", name="TOTAL card").wait_for()


def test_trader_logs_in_sees_futures_watches_a_capture_resolve_filters_and_opens_history(
    thor_server: Any,
    live: LiveDataRedis,
    seeded: None,
    browser_page: tuple[Any, list[str]],
    capsys: Any,
) -> None:
    page, errors = browser_page
    trader_with_quotes("rtd_2025-11-26.xlsm")
    for symbol, change in {"ES": Decimal(10), "NQ": Decimal(20)}.items():  # composite BUY: TOTAL trades YM
        quote = live.get_latest_quote(symbol)
        assert quote is not None
        quote["change"] = change
        live.publish_quote(quote)
    report: list[str] = []

    login(page, thor_server.url)
    cards = page.locator("article[data-symbol]")
    cards.nth(10).wait_for()
    assert cards.count() == 11
    assert page.locator("article[data-symbol=YM] [data-testid=last]").inner_text() == "46,669"
    assert page.locator("article[data-symbol=ZB] [data-testid=last]").inner_text() == "117'25"  # 117 + 25/32, as TOS
    assert "BUY" in page.get_by_role("article", name="TOTAL card").inner_text()
    report.append(shot(page, "home"))

    result = capture_market_open(market=Market.objects.get(country="USA"), force=True)
    assert result.status == "captured"
    total = MarketSession.objects.get(future="TOTAL")
    assert total.target_high is not None
    grader = Worker("e2e-grader", Grader(live, block_ms=100).step)
    grader.start()
    try:
        page.goto(f"{thor_server.url}/#/sessions")
        card = page.locator("article[data-country=USA]")
        card.get_by_text("PENDING").wait_for()
        report.append(shot(page, "sessions-pending"))
        ym = live.get_latest_quote("YM")
        assert ym is not None
        ym.update(
            bid=total.target_high, ask=total.target_high + 1, last=total.target_high, ts_ingest=clock.now().isoformat()
        )
        live.publish_quote(ym)
        card.get_by_text("WORKED").wait_for(timeout=20_000)
        card.get_by_role("button", name="All 12 rows").click()
        assert page.locator("table.rows tbody tr").count() == 12
        report.append(shot(page, "sessions-worked"))
    finally:
        grader.stop()

    page.get_by_role("button", name="Filters", exact=True).click()
    drawer = page.get_by_role("complementary", name="Filters")
    drawer.get_by_role("checkbox", name="Japan").check()
    page.get_by_text("0 captures").wait_for()
    drawer.get_by_role("checkbox", name="Japan").uncheck()
    drawer.get_by_role("checkbox", name="USA", exact=True).check()
    page.locator("article[data-country=USA]").wait_for()
    report.append(shot(page, "sessions-filtered"))
    drawer.get_by_role("button", name="Clear all").click()
    drawer.get_by_role("button", name="Done").click()

    page.goto(f"{thor_server.url}/#/trade")
    ticket = page.get_by_role("form", name="Order ticket")
    ticket.locator("select[name=symbol]").select_option("VX")
    ticket.get_by_role("button", name="Place order").click()
    page.get_by_role("status").get_by_text("BUY 1 VX filled at 20.20").wait_for()
    page.get_by_role("table", name="Positions").get_by_text("VX").wait_for()
    # a FUTURES account: 1 VX ties up its $9,900 initial margin; cash stays $100,000
    page.get_by_role("definition").filter(has_text="$9,900.00").first.wait_for()
    page.get_by_role("definition").filter(has_text="$90,100.00").first.wait_for()
    page.get_by_role("table", name="Orders").get_by_text("FILLED").wait_for()
    report.append(shot(page, "trade"))

    # "Trade this capture": the USA capture's YM trade as a bracket with its target and stop
    page.goto(f"{thor_server.url}/#/sessions")
    usa = page.locator("article[data-country=USA]").first
    usa.get_by_role("button", name="Trade this capture").click()
    usa.get_by_role("status").get_by_text("BUY 1 YM filled at").wait_for()
    entry = Order.objects.get(symbol="YM", bracket_role="ENTRY")
    legs = {o.bracket_role: o for o in entry.children.all()}
    assert (entry.capture_id, legs["TAKE_PROFIT"].limit_price, legs["STOP_LOSS"].stop_price) == (
        total.pk,
        total.target_high,
        total.target_low,
    )
    assert {o.status for o in legs.values()} == {"WORKING"}
    report.append(shot(page, "sessions-traded"))

    # the statement: the ledger, the equity curve, P&L by day and the CSV download
    account = Order.objects.get(symbol="VX").account
    page.goto(f"{thor_server.url}/#/trade")
    statement = page.get_by_role("region", name="Statement")
    statement.get_by_role("table", name="Ledger").get_by_text("BUY 1 VX @ 20.2").wait_for()
    page.locator("figure[aria-label='Equity curve'] svg").first.wait_for()
    page.locator("figure[aria-label='Realised P&L by day'] svg").first.wait_for()
    assert statement.get_by_role("link", name="Download CSV").get_attribute("href") == (
        f"/api/trades/statements/export?account={account.pk}"
    )
    # auto-trade: follow USA from the dashboard, then a (forced) USA capture trades by itself
    form = page.get_by_role("form", name="Auto-trade market opens")
    form.get_by_label("USA", exact=True).check()
    form.get_by_role("button", name="Save auto-trade").click()
    form.get_by_role("status").get_by_text("Auto-trading USA").wait_for()
    again = capture_market_open(market=Market.objects.get(country="USA"), force=True)
    assert again.status == "captured"
    auto = Order.objects.get(account=account, client_order_id=f"auto-{again.capture_group}")
    assert (auto.symbol, auto.side, auto.status, auto.bracket_role) == ("YM", "BUY", "FILLED", "ENTRY")
    assert auto.children.filter(status="WORKING").count() == 2
    report.append(shot(page, "trade-statement"))

    page.goto(f"{thor_server.url}/#/history")
    page.locator("figure[aria-label='Hit rate by market'] svg").first.wait_for()
    page.locator("figure[aria-label='Cumulative P&L'] svg").first.wait_for()
    page.get_by_role("table", name="Signal insight").wait_for()
    report.append(shot(page, "history"))

    assert errors == [], errors
    with capsys.disabled():
        print("\nscreenshots:", "; ".join(report))


def test_every_page_renders_a_year_of_demo_history_without_errors(
    thor_server: Any,
    live: LiveDataRedis,
    seeded: None,
    browser_page: tuple[Any, list[str]],
    capsys: Any,
) -> None:
    from datetime import date

    from ThorTrading.services.demo import seed_demo_sessions

    page, errors = browser_page
    trader_with_quotes("rtd_2025-11-29.xlsm")
    rows = seed_demo_sessions(days=365, seed=1, end=date(2025, 12, 1))
    login(page, thor_server.url)
    timings = {}
    for name, route, ready in [
        ("home", "/#/", "article[data-symbol=ZB]"),
        ("sessions", "/#/sessions", "article[data-country]"),
        ("history", "/#/history", "figure[aria-label='Cumulative P&L'] svg"),
    ]:
        started = time.perf_counter()
        page.goto("about:blank")
        page.goto(f"{thor_server.url}{route}")
        page.locator(ready).first.wait_for()
        timings[name] = (time.perf_counter() - started) * 1000
        shot(page, f"year-{name}")
    # How fast is measured in bench/, not asserted here: a busy machine must not fail the suite.
    assert errors == [], errors
    with capsys.disabled():
        print(f"\n{rows} demo rows; first render: " + ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items()))
    Path(SHOTS / "timings.txt").write_text(repr(timings))


@pytest.fixture
def golden_archive(settings: Any, tmp_path: Path) -> None:
    """No workbook (the demo feed) and the golden tape in the tick archive, set before the server
    process starts so that it sees them too. The golden tape (S = 1) has NQ, SI and HG turned to
    BUY at the open: S = 4, so TOTAL buys YM at 47001. A $150 target (47031) is never reached and
    the 14:50 bid of 46900 goes through the 46981 stop: (46900 − 47001) × $5 = −$505.00."""
    from LiveData.archive import TickArchive
    from tests.ThorTrading.test_backtest import golden_tape

    settings.THOR_WORKBOOK, settings.THOR_FEED_MODE, settings.THOR_TICK_DIR = "", "auto", tmp_path / "ticks"
    buys = {"NQ": 3.0, "SI": 0.03, "HG": 0.005}
    tape = [
        dict(t, change=buys[t["symbol"]]) if t["symbol"] in buys and t["ts"].minute == 29 else t for t in golden_tape()
    ]
    TickArchive(tmp_path / "ticks").append(tape)


def test_demo_quotes_are_marked_and_what_if_runs_a_variant_over_the_tick_archive(
    golden_archive: None,
    thor_server: Any,
    live: LiveDataRedis,
    seeded: None,
    browser_page: tuple[Any, list[str]],
    capsys: Any,
) -> None:
    page, errors = browser_page
    User.objects.create_user("trader", password="correct horse")
    call_command("poll_tos_excel", "--once")  # no workbook: the demo feed
    login(page, thor_server.url)
    page.locator("nav .badge.feed.demo").wait_for()
    assert page.locator("h2 .badge.feed.demo").inner_text() == "DEMO"
    report = [shot(page, "home-demo")]

    page.goto(f"{thor_server.url}/#/history")
    panel = page.get_by_role("region", name="What if")
    panel.locator("input[type=date]").nth(0).fill("2025-12-01")
    panel.locator("input[type=date]").nth(1).fill("2025-12-01")
    panel.get_by_role("checkbox", name="USA", exact=True).check()
    panel.get_by_role("button", name="Run backtest").click()
    panel.get_by_text("What if: 1 trades over 1 opens").wait_for(timeout=30_000)
    comparison = panel.get_by_role("table", name="What if versus live").inner_text()
    assert "$-505.00" in comparison and "0.00%" in comparison
    report.append(shot(page, "history-what-if"))
    assert errors == [], errors
    with capsys.disabled():
        print("\nscreenshots:", "; ".join(report))


@pytest.fixture
def lean_history(settings: Any, tmp_path: Path) -> None:
    """The real AlgoSeek ES minute bars imported before the server process starts (it sees them too)."""
    settings.THOR_WORKBOOK, settings.THOR_FEED_MODE, settings.THOR_TICK_DIR = "", "auto", tmp_path / "ticks"
    lean = REAL_DATA / "lean" / "future" / "cme"
    call_command("import_history", str(lean), "--format", "lean", stdout=io.StringIO(), stderr=io.StringIO())


def test_what_if_runs_on_imported_history_and_says_what_data_it_was(
    lean_history: None,
    thor_server: Any,
    live: LiveDataRedis,
    seeded: None,
    browser_page: tuple[Any, list[str]],
    capsys: Any,
) -> None:
    """SPEC §15 in the browser: History's What if over the LEAN ES days of October 2013 reads them as
    1-minute bars of ESZ13 from AlgoSeek, and says so beside its figures."""
    page, errors = browser_page
    User.objects.create_user("trader", password="correct horse")
    login(page, thor_server.url)
    page.goto(f"{thor_server.url}/#/history")
    panel = page.get_by_role("region", name="What if")
    panel.locator("input[type=date]").nth(0).fill("2013-10-07")
    panel.locator("input[type=date]").nth(1).fill("2013-10-11")
    panel.locator("input[name=profit]").fill("100")
    panel.locator("select[name=future]").select_option("ES")
    panel.get_by_role("button", name="Run backtest").click()
    source = panel.get_by_label("Data source")
    source.wait_for(timeout=60_000)
    text = source.inner_text()
    assert "1-minute bars from algoseek" in text and "contracts ESZ13" in text, text
    assert "5 CME days (2013-10-07 … 2013-10-11)" in text and "previous close from last trade" in text, text
    headline = panel.get_by_role("status").first.inner_text()
    assert "trades of ES" in headline and "bars)" in headline, headline
    report = [shot(page, "history-what-if-real-history")]
    assert errors == [], errors
    with capsys.disabled():
        print("\nscreenshots:", "; ".join(report))
