"""The Schwab streaming feed (issue 24), without a network: recorded LEVELONE_FUTURES messages in the
shape schwab-py hands them to a handler (relabelled field names, change-only after the first), a
heartbeat, a symbol without quotes; then ``quotes/latest`` against a hand-worked set, the token
expiring and the stream dropping."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.health import feed_health
from LiveData.models import DEFAULT_SCHWAB_SYMBOLS, StreamSymbol
from LiveData.redis_client import LiveDataRedis
from LiveData.schwab.feed import FIELDS, SchwabFeed, SchwabSettings, TokenExpired, check_token, schwab_stream_factory
from LiveData.schwab.service import stream_symbols

pytestmark = [pytest.mark.django_db, pytest.mark.real_services]
T0 = 1_764_599_400_000  # 2025-12-01 14:30:00 UTC in epoch ms

FIRST = {
    "service": "LEVELONE_FUTURES",
    "timestamp": T0,
    "command": "SUBS",
    "content": [
        {
            "key": "/ES", "delayed": False, "BID_PRICE": 6850.25, "ASK_PRICE": 6850.5, "LAST_PRICE": 6850.5,
            "BID_SIZE": 12, "ASK_SIZE": 9, "TOTAL_VOLUME": 152340, "QUOTE_TIME_MILLIS": T0 - 500,
            "TRADE_TIME_MILLIS": T0 - 1000, "HIGH_PRICE": 6862.0, "LOW_PRICE": 6831.25, "CLOSE_PRICE": 6840.0,
            "OPEN_PRICE": 6842.0, "NET_CHANGE": 10.5, "DESCRIPTION": "E-mini S&P 500 Index Futures,Dec-2025,ETH",
        },
        {
            "key": "/YM", "delayed": False, "BID_PRICE": 47001.0, "ASK_PRICE": 47003.0, "LAST_PRICE": 47002.0,
            "BID_SIZE": 1, "ASK_SIZE": 2, "TOTAL_VOLUME": 60311, "QUOTE_TIME_MILLIS": T0 - 200,
            "TRADE_TIME_MILLIS": T0 - 300, "CLOSE_PRICE": 46980.0, "NET_CHANGE": 22.0,
        },
        {"key": "/VX", "delayed": False},  # subscribed, nothing quoted yet
    ],
}  # fmt: skip
CHANGES = [
    {"service": "LEVELONE_FUTURES", "timestamp": T0 + 1000, "command": "SUBS",
     "content": [{"key": "/ES", "BID_PRICE": 6850.5, "ASK_PRICE": 6850.75, "QUOTE_TIME_MILLIS": T0 + 900}]},
    {"service": "LEVELONE_FUTURES", "timestamp": T0 + 2000, "command": "SUBS",
     "content": [{"key": "/ES", "LAST_PRICE": 6851.0, "TOTAL_VOLUME": 152360, "TRADE_TIME_MILLIS": T0 + 1900,
                  "NET_CHANGE": 11.0},
                 {"key": "/YM", "LAST_PRICE": 47010.0, "NET_CHANGE": 30.0, "TRADE_TIME_MILLIS": T0 + 1950}]},
    None,  # a heartbeat: schwab-py calls no handler, the stream is alive
    {"service": "LEVELONE_FUTURES", "timestamp": T0 + 4000, "command": "SUBS",
     "content": [{"key": "/ES", "LAST_PRICE": 6849.0, "TOTAL_VOLUME": 152380, "NET_CHANGE": 9.0,
                  "TRADE_TIME_MILLIS": T0 + 3900, "BID_PRICE": "NaN"}]},
]  # fmt: skip


class RecordedStream:
    """Stands in for ``schwab.streaming.StreamClient``: replays messages to the handler; ``drop_after``
    raises a dropped connection after that many messages (once); ``stop`` is set when all are out."""

    def __init__(self, messages: list[Any], stop: asyncio.Event, *, drop_after: int | None = None) -> None:
        self.messages, self.stop, self.drop_after = messages, stop, drop_after
        self.handlers: list[Callable[[dict[str, Any]], Any]] = []
        self.subscribed: list[str] = []
        self.logins = 0

    async def login(self) -> None:
        self.logins += 1

    def add_level_one_futures_handler(self, handler: Callable[[dict[str, Any]], Any]) -> None:
        self.handlers = [handler]

    async def level_one_futures_subs(self, symbols: list[str], *, fields: Any = None) -> None:
        self.subscribed = symbols
        assert fields is None or [f.name for f in fields] == list(FIELDS)

    async def handle_message(self) -> None:
        if self.drop_after is not None and self.drop_after == 0:
            self.drop_after = None
            raise ConnectionError("websocket closed: 1006 (abnormal closure)")
        if not self.messages:
            self.stop.set()
            return
        message = self.messages.pop(0)
        if self.drop_after is not None:
            self.drop_after -= 1
        if message is not None:
            for handler in self.handlers:
                handler(message)


def run_feed(live: LiveDataRedis, clock: ManualClock, factory: Callable[[asyncio.Event], Any], **kw: Any) -> SchwabFeed:
    symbols = stream_symbols()

    async def main() -> SchwabFeed:
        stop = asyncio.Event()

        async def make() -> Any:
            return factory(stop)

        feed = SchwabFeed(live, symbols=symbols, stream_factory=make, clock=clock.now, max_backoff=0.01, **kw)
        await asyncio.wait_for(feed.run(stop), timeout=10)
        return feed

    return asyncio.run(main())


def test_a_recorded_stream_gives_the_hand_worked_quotes(seeded: None, live: LiveDataRedis, clock: ManualClock) -> None:
    clock.set(datetime(2025, 12, 1, 14, 30, 5, tzinfo=UTC))
    streams: list[RecordedStream] = []

    def factory(stop: asyncio.Event) -> RecordedStream:
        streams.append(RecordedStream([FIRST, *CHANGES], stop))
        return streams[0]

    feed = run_feed(live, clock, factory)
    assert streams[0].subscribed == list(DEFAULT_SCHWAB_SYMBOLS.values())  # the admin's 11 rows
    assert feed.book.warnings == ["/ES: BID_PRICE 'NaN' is not a number; kept 6850.5"]
    client = APIClient()
    client.force_authenticate(User.objects.create_user("trader"))
    rows = {r["instrument"]["symbol"]: r for r in client.get("/api/ThorTrading/quotes/latest").json()["rows"]}

    def fields(symbol: str) -> dict[str, Any]:
        row = rows[symbol]
        keys = ("bid", "ask", "last", "bid_size", "ask_size", "volume", "close_price", "change", "high_price",
                "low_price", "source")  # fmt: skip
        return {k: row[k] for k in keys}

    # ES, worked by hand: the book after four messages; its 24-hour range is Thor's own last prices
    # (6850.5, 6851.0, 6849.0), not Schwab's session HIGH/LOW (6862, 6831.25).
    assert fields("ES") == {
        "bid": 6850.5, "ask": 6850.75, "last": 6849, "bid_size": 12, "ask_size": 9, "volume": 152380,
        "close_price": 6840, "change": 9, "high_price": 6851, "low_price": 6849, "source": "schwab",
    }  # fmt: skip
    assert fields("YM") == {
        "bid": 47001, "ask": 47003, "last": 47010, "bid_size": 1, "ask_size": 2, "volume": 60311,
        "close_price": 46980, "change": 30, "high_price": 47010, "low_price": 47002, "source": "schwab",
    }  # fmt: skip
    assert rows["VX"]["last"] is None and rows["VX"]["source"] is None  # subscribed, never a quote
    latest = live.get_latest_quote("ES")
    assert (
        latest is not None
        and latest["feed_symbol"] == "/ES"
        and latest["ts_event"] == "2025-12-01T14:30:03.900000+00:00"
    )
    health = feed_health()
    assert health["ok"] and health["mode"] == "schwab" and not health["demo"] and health["quotes_published"] == 6


def test_a_dropped_stream_reconnects_and_says_so_meanwhile(
    seeded: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    streams: list[RecordedStream] = []
    messages = [FIRST, *CHANGES]
    statuses: list[str] = []

    def factory(stop: asyncio.Event) -> RecordedStream:
        # The first connection drops after two messages; the second carries on with the rest.
        stream = RecordedStream(messages, stop, drop_after=2 if not streams else None)
        streams.append(stream)
        return stream

    original = live.set_feed_status
    live.set_feed_status = lambda values: (statuses.append(str(values.get("last_error") or "")), original(values))[1]  # type: ignore[method-assign]
    feed = run_feed(live, clock, factory)
    assert feed.connections == 2 and [s.logins for s in streams] == [1, 1]
    assert any(
        "stream dropped (ConnectionError: websocket closed: 1006" in s and "reconnecting in" in s for s in statuses
    )
    assert live.get_latest_quote("ES")["last"] == Decimal("6849")  # type: ignore[index]
    assert feed_health()["state"] == "ok"  # recovered


def test_an_expired_refresh_token_says_to_log_in_again(
    seeded: None, live: LiveDataRedis, clock: ManualClock, tmp_path: Path
) -> None:
    token = tmp_path / "schwab_token.json"
    token.write_text(json.dumps({"creation_timestamp": time.time() - 8 * 86_400, "token": {"refresh_token": "x"}}))
    with pytest.raises(
        TokenExpired, match=r"refresh token is 8\.0 days old \(they last 7\): run 'python manage.py schwab_login'"
    ):
        check_token(token, now=time.time())
    make = schwab_stream_factory(SchwabSettings("key", "secret", "https://127.0.0.1:8182", token))

    async def main() -> None:
        stop = asyncio.Event()
        feed = SchwabFeed(live, symbols={"/ES": "ES"}, stream_factory=make, clock=clock.now)
        task = asyncio.create_task(feed.run(stop))
        for _ in range(100):
            await asyncio.sleep(0.01)
            if live.feed_status().get("state") == "error":
                break
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(main())
    health = feed_health()
    assert not health["ok"] and "schwab: the Schwab refresh token is 8.0 days old" in health["last_error"]
    with pytest.raises(TokenExpired, match=r"no Schwab token at .*: run 'python manage.py schwab_login' once"):
        check_token(tmp_path / "missing.json", now=time.time())


def test_the_symbols_are_the_admins(seeded: None) -> None:
    StreamSymbol.objects.filter(symbol="ES").update(schwab_symbol="/ESZ25")
    StreamSymbol.objects.filter(symbol="VX").update(enabled=False)
    symbols = stream_symbols()
    assert symbols["/ESZ25"] == "ES" and "/VX" not in symbols and len(symbols) == 10


def test_the_stream_symbols_are_edited_in_the_admin(seeded: None, admin_client: Any) -> None:
    page = admin_client.get("/admin/LiveData/streamsymbol/")
    assert page.status_code == 200 and b"/ES" in page.content and b"/ZB" in page.content


def test_a_quiet_contract_stays_current_while_the_stream_is_alive(
    seeded: None, live: LiveDataRedis, clock: ManualClock
) -> None:
    """Schwab sends changes only: a contract that does not trade for a minute is not stale while the
    stream (heartbeats) is alive, so a capture still trades it (issue 25's stale guard)."""
    clock.set(datetime(2025, 12, 1, 14, 30, 5, tzinfo=UTC))
    heartbeats: list[Any] = [None] * 3  # handle_message() returning without data: Schwab's heartbeats

    class Ticking(RecordedStream):
        async def handle_message(self) -> None:
            if len(self.messages) <= len(heartbeats):
                clock.advance(seconds=30)  # a quiet half minute per heartbeat
            await super().handle_message()

    run_feed(live, clock, lambda stop: Ticking([FIRST, *heartbeats], stop), refresh_seconds=0)
    ym = live.get_latest_quote("YM")
    assert ym is not None and ym["last"] == Decimal("47002.0")  # FIRST alone: YM last 47,002
    # YM traded at 14:30:0x; 90 s of heartbeats later its quote is stamped current, not 90 s old.
    assert ym["ts_ingest"] >= (clock.now() - timedelta(seconds=30)).isoformat()
