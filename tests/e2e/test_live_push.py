"""Live push in the browser (SPEC §14, issue 13): quotes by WebSocket with no polling, the last
price's blink, a capture and its grade on the session cards without a reload, and polling taking
over when the socket route is cut."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

from core import clock
from core.workers import Worker
from GlobalMarkets.models import Market
from LiveData.redis_client import LiveDataRedis
from tests.e2e.test_dashboard import login, pytestmark, shot, trader_with_quotes  # noqa: F401  (same marks)
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import capture_market_open
from ThorTrading.workers.grader import Grader
from ThorTrading.workers.quote_push import QuotePusher


def publish(live: LiveDataRedis, symbol: str, **prices: Decimal) -> None:
    quote = live.get_latest_quote(symbol)
    assert quote is not None
    live.publish_quote({**quote, **prices, "ts_ingest": clock.now().isoformat()})


def test_quotes_and_events_arrive_by_socket_and_polling_takes_over_when_the_socket_is_cut(
    thor_server: Any,
    live: LiveDataRedis,
    seeded: None,
    browser_page: tuple[Any, list[str]],
    capsys: Any,
) -> None:
    page, errors = browser_page
    trader_with_quotes("rtd_2025-11-26.xlsm")
    for symbol, change in {"ES": Decimal(10), "NQ": Decimal(20)}.items():  # composite BUY: TOTAL trades YM
        publish(live, symbol, change=change)
    # Every socket goes through this route, so the test can cut them as a broken proxy would.
    sockets: list[Any] = []
    cut = False

    def route(ws: Any) -> None:
        if cut:
            ws.close()
            return
        ws.connect_to_server()
        sockets.append(ws)

    page.route_web_socket(re.compile(r".*/ws/(quotes|events)/$"), route)
    workers = [
        Worker("e2e-quote-push", QuotePusher(live, block_ms=100).step),
        Worker("e2e-grader", Grader(live, block_ms=100).step),
    ]
    for worker in workers:
        worker.start()
    quote_requests: list[str] = []
    try:
        login(page, thor_server.url)
        page.locator("nav .badge.live").wait_for()
        page.on("request", lambda r: quote_requests.append(r.url) if "/quotes/" in r.url else None)
        last = page.locator("article[data-symbol=YM] [data-testid=last]")
        published = time.monotonic()
        publish(live, "YM", last=Decimal(46701), bid=Decimal(46700), ask=Decimal(46702))
        last.get_by_text("46,701", exact=True).wait_for(timeout=2_000)
        latency_ms = (time.monotonic() - published) * 1000
        page.locator("article[data-symbol=YM] .last.blink-up").wait_for(timeout=1_000)  # 46,669 → 46,701
        assert quote_requests == []  # the price came by the socket, not by polling
        report = [shot(page, "live-home")]

        page.get_by_role("link", name="Sessions").click()
        page.get_by_text("0 captures").wait_for()
        assert capture_market_open(market=Market.objects.get(country="USA"), force=True).status == "captured"
        card = page.locator("article[data-country=USA]")
        card.get_by_text("PENDING").wait_for(timeout=5_000)  # pushed: no reload, no polling
        total = MarketSession.objects.get(future="TOTAL")
        publish(live, "YM", last=total.target_high, bid=total.target_high, ask=total.target_high + 1)
        card.get_by_text("WORKED").wait_for(timeout=5_000)
        report.append(shot(page, "live-sessions-graded"))

        cut = True
        for ws in sockets:
            ws.close()
        page.get_by_role("status").get_by_text("Live updates lost — polling").wait_for(timeout=5_000)
        page.get_by_role("link", name="Home").click()
        publish(live, "YM", last=Decimal(46800), bid=Decimal(46799), ask=Decimal(46801))
        last.get_by_text("46,800", exact=True).wait_for(timeout=12_000)  # by polling now
        assert any("/quotes/latest" in url for url in quote_requests)
        report.append(shot(page, "live-polling"))
    finally:
        for worker in workers:
            worker.stop()
    unexpected = [e for e in errors if "WebSocket" not in e]  # the cut sockets' errors are the point
    assert unexpected == [], unexpected
    with capsys.disabled():
        print(f"\npublish → YM card over the socket: {latency_ms:.0f} ms; screenshots: {'; '.join(report)}")
