"""Live push over WebSockets (SPEC §14, issue 13): the quotes snapshot on connect, coalescing,
refusal of anonymous and foreign-origin sockets, and fills only to their owner. Sockets go through
``thor_project.asgi.application`` as daphne calls it, on the RedisPubSubChannelLayer."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from ActAndPos.models import Account
from ActAndPos.services.order_engine import place_order
from ActAndPos.services.order_request import OrderRequest
from core.clock import ManualClock
from core.push import push
from LiveData.redis_client import LiveDataRedis
from tests.conftest import TOS_DATA
from thor_project.asgi import application
from ThorTrading.workers.quote_push import QuotePusher

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_services]

EXPECTED = json.loads((TOS_DATA / "expected_quotes.json").read_text())


@pytest.fixture
def quotes(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any, channel_layer: Any) -> None:
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")


def token_for(username: str) -> str:
    return Token.objects.create(user=User.objects.create_user(username)).key


def socket(path: str, token: str | None = None, origin: str = "http://127.0.0.1:8000") -> WebsocketCommunicator:
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", origin.encode())]
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def test_a_quotes_socket_gets_the_latest_snapshot_on_connect(quotes: None) -> None:
    key = token_for("trader")

    async def scenario() -> dict[str, Any]:
        ws = socket("/ws/quotes/", key)
        connected, _ = await ws.connect()
        assert connected
        message = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return message

    message = asyncio.run(scenario())
    assert message["type"] == "quotes"
    rows = {r["symbol"]: r for r in message["rows"]}
    assert len(rows) == 11 and message["total"]["count"] == 11
    assert rows["YM"]["last"] == float(Decimal(str(EXPECTED["rtd_2025-11-26.xlsm"]["YM"]["last"])))


def test_anonymous_and_foreign_origin_sockets_are_refused(quotes: None) -> None:
    key = token_for("trader")

    async def scenario() -> list[bool]:
        results = []
        for ws in (
            socket("/ws/quotes/"),
            socket("/ws/events/"),
            socket("/ws/quotes/", key, origin="https://evil.example"),
            socket("/ws/quotes/", "not-a-token"),
            socket("/ws/quotes/", key),
        ):
            connected, _ = await ws.connect()
            results.append(connected)
            await ws.disconnect()
        return results

    assert asyncio.run(scenario()) == [False, False, False, False, True]


def test_100_quotes_in_100_ms_arrive_as_at_most_one_message_per_250_ms_with_the_last_values(
    quotes: None, live: LiveDataRedis
) -> None:
    key = token_for("trader")
    sends: list[float] = []

    class Recording(QuotePusher):
        def send(self, live: LiveDataRedis) -> None:
            sends.append(time.monotonic())
            super().send(live)

    pusher = Recording(live, block_ms=50)
    push("warm-up", {"type": "warm-up"}, wait=5)  # the push loop's first Redis connection, not timed here
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            time.sleep(pusher.step())

    async def scenario() -> list[tuple[float, dict[str, Any]]]:
        ws = socket("/ws/quotes/", key)
        assert (await ws.connect())[0]
        await ws.receive_json_from(timeout=5)  # the snapshot on connect
        worker = threading.Thread(target=run)
        worker.start()
        await asyncio.sleep(0.3)
        ym = live.get_latest_quote("YM")
        assert ym is not None

        def feed() -> None:  # 100 ticks in ~100 ms, from a thread: this loop only receives
            for i in range(100):
                live.publish_quote(
                    {**ym, "last": Decimal(47000 + i), "bid": Decimal(46999 + i), "ask": Decimal(47001 + i)}
                )
                time.sleep(0.001)

        feeder = threading.Thread(target=feed)
        feeder.start()
        received = []
        deadline = time.monotonic() + 1.2
        while time.monotonic() < deadline:
            # receive_nothing waits without cancelling the consumer (a receive timeout would)
            if not await ws.receive_nothing(timeout=0.005, interval=0.001):
                received.append((time.monotonic(), await ws.receive_json_from()))
        stop.set()
        worker.join(5)
        feeder.join(5)
        await ws.disconnect()
        return received

    received = asyncio.run(scenario())
    assert 1 <= len(received) <= 2, [m["rows"][0]["last"] for _, m in received]
    assert len(sends) == len(received)
    assert all(b - a >= 0.25 for a, b in itertools.pairwise(sends)), sends
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(received)]
    assert all(gap >= 0.2 for gap in gaps), gaps  # 250 ms apart at the sender, less transport jitter
    if len(received) == 2:  # after a full snapshot, only what changed: YM's row and TOTAL
        assert received[1][1]["partial"] is True and [r["symbol"] for r in received[1][1]["rows"]] == ["YM"]
    last = {r["symbol"]: r for r in received[-1][1]["rows"]}["YM"]
    assert (last["last"], last["bid"], last["ask"]) == (47099.0, 47098.0, 47100.0)


def test_fills_reach_only_their_owners_socket(quotes: None, live: LiveDataRedis) -> None:
    owner_key, other_key = token_for("owner"), token_for("other")
    account = Account.objects.get(owner__username="owner")

    async def scenario() -> tuple[dict[str, Any], list[Any]]:
        mine, theirs = socket("/ws/events/", owner_key), socket("/ws/events/", other_key)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await asyncio.sleep(0.2)  # subscriptions in place
        from asgiref.sync import sync_to_async

        await sync_to_async(place_order)(account=account, request=OrderRequest(symbol="ES", side="BUY", quantity=1))
        message = await mine.receive_json_from(timeout=5)
        leaked = [] if await theirs.receive_nothing(timeout=0.5) else [await theirs.receive_json_from()]
        await mine.disconnect()
        await theirs.disconnect()
        return message, leaked

    message, leaked = asyncio.run(scenario())
    assert (message["type"], message["symbol"], message["side"], message["status"]) == ("order", "ES", "BUY", "FILLED")
    assert message["account"] == account.pk
    assert leaked == []


def test_two_thors_on_one_redis_server_do_not_hear_each_other(push_redis_url: str) -> None:
    """Redis pub/sub ignores the database number: a dev server on db 0 and the suite on db 15 once
    shared their quotes (a CI run received the dev server's YM). The channel prefix names the
    database, so a group message reaches only the Thor on the same database."""
    from urllib.parse import urlparse, urlunparse

    from channels_redis.pubsub import RedisPubSubChannelLayer

    from thor_project.settings import channel_layers

    def on_database(number: int) -> RedisPubSubChannelLayer:
        url = urlunparse(urlparse(push_redis_url)._replace(path=f"/{number}"))
        return RedisPubSubChannelLayer(**channel_layers(url)["default"]["CONFIG"])  # type: ignore[arg-type]

    async def scenario() -> list[str]:
        mine, other = on_database(15), on_database(14)
        channel = await mine.new_channel()
        await mine.group_add("quotes", channel)
        await other.group_send("quotes", {"type": "push.message", "text": "from the other Thor"})
        await mine.group_send("quotes", {"type": "push.message", "text": "mine"})
        heard = [(await asyncio.wait_for(mine.receive(channel), 5))["text"]]
        with contextlib.suppress(TimeoutError):  # nothing more may come
            heard.append((await asyncio.wait_for(mine.receive(channel), 0.5))["text"])
        await mine.flush()
        await other.flush()
        return heard

    assert asyncio.run(scenario()) == ["mine"]
