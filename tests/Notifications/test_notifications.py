"""Notifications that reach a trader who is not looking (issue 25): Apprise's ``json://`` to a test HTTP
server on loopback stands in for email, Telegram, Discord… — each message arrives once, with the
market, signal, outcome and P&L; with the server down they wait in the outbox and arrive once it is
back, while captures and grading go on untouched."""

from __future__ import annotations

import errno
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from ActAndPos.models import Account
from core.clock import ManualClock
from GlobalMarkets.models import Market
from LiveData.archive import TickArchive
from LiveData.recorder import TickRecorder
from LiveData.redis_client import LiveDataRedis
from Notifications.models import Notification
from Notifications.services import prune, send_due
from Notifications.workers import NotificationSender
from tests.conftest import TOS_DATA
from ThorTrading.models import MarketSession
from ThorTrading.services.capture import CAPTURED, FAILED, capture_market_open
from ThorTrading.services.grading import grade_quotes

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.real_services]


class Inbox:
    """A JSON webhook on 127.0.0.1 that keeps what it receives; ``start()``/``stop()`` on a fixed port."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[dict[str, Any]] = []
        self._server: http.server.HTTPServer | None = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/?cto=1&rto=2"

    def start(self) -> None:
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.HTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    box = Inbox()
    settings.THOR_NOTIFY_URLS = box.url
    yield box
    box.stop()


@pytest.fixture
def quotes(seeded: None, live: LiveDataRedis, clock: ManualClock, settings: Any) -> None:
    """2025-11-26's quotes, with ES and NQ turned up so that the composite is BUY (S = 7): TOTAL trades YM
    long at 46663, target 46683, stop 46643."""
    settings.THOR_WORKBOOK = str(TOS_DATA / "rtd_2025-11-26.xlsm")
    call_command("poll_tos_excel", "--once")
    for symbol, change in {"ES": 10, "NQ": 20}.items():
        quote = live.get_latest_quote(symbol)
        assert quote is not None
        live.publish_quote({**quote, "change": Decimal(change)})


def unreachable_redis() -> LiveDataRedis:
    """A client of a port where nothing listens (for one capture, not installed as the process's)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return LiveDataRedis(redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2, decode_responses=True))


def capture_resolve_and_miss(live: LiveDataRedis, clock: ManualClock, commits: Any) -> None:
    """A forced USA capture, its TOTAL trade reaching the target, and a Japan capture that fails."""
    with commits(execute=True):
        assert capture_market_open(market=Market.objects.get(country="USA"), force=True).status == CAPTURED
    total = MarketSession.objects.get(future="TOTAL")
    assert (total.bhs, total.wndw) == ("BUY", "PENDING")
    touched = {"symbol": "YM", "bid": "46683", "ask": "46684", "last": "46683"}
    with commits(execute=True):
        grade_quotes([{**touched, "ts_ingest": clock.advance(minutes=4).isoformat()}], now=clock.now())
    assert MarketSession.objects.get(future="TOTAL").wndw == "WORKED"
    with commits(execute=True):
        result = capture_market_open(
            market=Market.objects.get(country="Japan"), live=unreachable_redis(), retry_delay=0
        )
    assert result.status == FAILED


def test_a_capture_its_resolution_and_a_missed_capture_each_arrive_once(
    quotes: None,
    live: LiveDataRedis,
    clock: ManualClock,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inbox.start()
    capture_resolve_and_miss(live, clock, django_capture_on_commit_callbacks)
    assert send_due() == {"sent": 3, "retrying": 0, "failed": 0}
    titles = [m["title"] for m in inbox.received]
    assert titles == [
        "Thor · USA capture: TOTAL BUY",
        "Thor · USA TOTAL WORKED +$100.00",
        "Thor · Japan capture MISSED",
    ]
    capture, resolution, missed = (m["message"] for m in inbox.received)
    assert "Composite BUY: weight 7, 11 instruments." in capture
    assert "Trade: YM long at 46663, target 46683, stop 46643." in capture
    assert "YM long from 46663 hit the target 46683" in resolution
    assert "Outcome WORKED, P&L +$100.00 per contract." in resolution
    assert "Japan's open at" in missed and "was not captured after 3 tries" in missed
    assert set(Notification.objects.values_list("status", flat=True)) == {"SENT"}
    assert send_due() == {"sent": 0, "retrying": 0, "failed": 0}  # nothing twice
    # Sent messages are kept 30 days (the Notifications page lists them), then deleted.
    assert prune(now=timezone.now() + timedelta(days=29)) == 0
    assert prune(now=timezone.now() + timedelta(days=31)) == 3


def test_with_the_service_down_messages_wait_and_arrive_when_it_is_back(
    quotes: None,
    live: LiveDataRedis,
    clock: ManualClock,
    inbox: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Nothing listens on the port: the capture and the grade happen regardless (grading never sends).
    capture_resolve_and_miss(live, clock, django_capture_on_commit_callbacks)
    assert inbox.received == []
    assert send_due() == {"sent": 0, "retrying": 3, "failed": 0}
    waiting = list(Notification.objects.order_by("id"))
    assert [n.status for n in waiting] == ["PENDING"] * 3
    assert all(n.attempts == 1 and "Connection error" in n.last_error for n in waiting)
    assert all(n.next_attempt_at > timezone.now() for n in waiting)  # a pause before the next try
    assert send_due() == {"sent": 0, "retrying": 0, "failed": 0}  # not due yet
    inbox.start()
    assert send_due(now=timezone.now() + timedelta(minutes=1)) == {"sent": 3, "retrying": 0, "failed": 0}
    assert [m["title"].split(" · ")[1] for m in inbox.received] == [
        "USA capture: TOTAL BUY",
        "USA TOTAL WORKED +$100.00",
        "Japan capture MISSED",
    ]
    assert list(Notification.objects.values_list("attempts", flat=True)) == [2, 2, 2]


def test_one_failing_destination_delays_no_other_and_gives_up_after_the_retry_span(
    quotes: None, inbox: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    inbox.start()
    dead = Inbox()  # never started
    settings.THOR_NOTIFY_URLS = f"{dead.url},{inbox.url}"
    with django_capture_on_commit_callbacks(execute=True):
        capture_market_open(market=Market.objects.get(country="USA"), force=True)
    assert send_due() == {"sent": 1, "retrying": 1, "failed": 0}
    assert [m["title"] for m in inbox.received] == ["Thor · USA capture: TOTAL BUY"]
    later = timezone.now() + timedelta(hours=settings.THOR_NOTIFY_GIVE_UP_HOURS + 1)
    assert send_due(now=later) == {"sent": 0, "retrying": 0, "failed": 1}


def test_a_user_chooses_destinations_tests_them_and_alone_gets_their_fills(
    quotes: None, inbox: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    inbox.start()
    settings.THOR_NOTIFY_URLS = ""
    trader = User.objects.create_user("trader", password="pw")
    other = User.objects.create_user("other", password="pw")
    api = APIClient()
    api.force_authenticate(trader)
    refused = api.put("/api/notifications/settings", {"urls": ["not a url"]}, format="json")
    assert refused.status_code == 400 and "not an Apprise URL" in json.dumps(refused.json())
    saved = api.put(
        "/api/notifications/settings", {"urls": [inbox.url, "json://desk:ABCDEFsecret@127.0.0.1:9/"]}, format="json"
    )
    assert saved.status_code == 200
    shown = api.get("/api/notifications/settings").json()["urls"]
    assert shown[0] == f"json://127.0.0.1:{inbox.port}/" and "ABCDEFsecret" not in json.dumps(shown)
    assert shown[1].startswith("json://desk:") and shown[1].endswith("@127.0.0.1:9/")
    assert api.post("/api/notifications/test").status_code == 202
    send_due()
    assert [m["title"] for m in inbox.received] == ["Thor · Test message"]
    listed = api.get("/api/notifications/").json()
    assert {(n["title"], n["status"]) for n in listed} >= {("Thor · Test message", "SENT")}
    other_api = APIClient()
    other_api.force_authenticate(other)
    assert other_api.post("/api/notifications/test").json()["error"].startswith("urls: you have no destinations")
    # A fill goes to its owner only: the other user's market order tells the trader nothing.
    account = Account.objects.get(owner=other)
    with django_capture_on_commit_callbacks(execute=True):
        placed = other_api.post(
            "/api/trades/orders",
            {"account": account.pk, "symbol": "ES", "side": "BUY", "quantity": 1, "order_type": "MKT"},
            format="json",
        )
    assert placed.status_code == 201, placed.json()
    assert not Notification.objects.filter(kind="fill").exists()
    mine = Account.objects.get(owner=trader)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(
            "/api/trades/orders",
            {"account": mine.pk, "symbol": "ES", "side": "BUY", "quantity": 1, "order_type": "MKT"},
            format="json",
        )
    fills = list(Notification.objects.filter(kind="fill"))
    assert len(fills) == 2 and {f.user_id for f in fills} == {trader.pk}  # one per destination
    assert fills[0].title.startswith("Thor · Filled BUY 1 ES @ ")


class FullDisk(TickArchive):
    """An archive whose disk is full."""

    def append(self, ticks: Any) -> int:
        list(ticks)
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_makes_health_degraded_and_is_told_once_with_the_backlog(
    live: LiveDataRedis, clock: ManualClock, inbox: Inbox, tmp_path: Path, seeded: None
) -> None:
    inbox.start()
    sender = NotificationSender()
    sender.watch()  # the feed has not run yet (Thor starting): no news
    live.set_feed_status({"state": "error", "last_error": "Excel is not running", "mode": "live"})
    sender.watch()  # it ran and failed: that is news
    recorder = TickRecorder(live, FullDisk(tmp_path / "ticks"), block_ms=1, flush_seconds=0)
    live.publish_quotes(
        [{"symbol": "ES", "bid": Decimal(6700), "ask": Decimal("6700.25"), "ts_ingest": clock.now()}], changed={"ES"}
    )
    with pytest.raises(OSError, match="No space left"):
        recorder.step()
    health = APIClient().get("/api/health/").json()
    assert health["status"] == "degraded"
    assert health["recorder"]["ok"] is False
    assert health["recorder"]["error"] == "OSError: [Errno 28] No space left on device"
    assert health["recorder"]["free_bytes"] > 0 and health["recorder"]["backlog"]["unwritten"] == 1
    sender.watch()
    sender.watch()  # still failing: no second message
    send_due()
    titles = [m["title"] for m in inbox.received]
    assert titles == ["Thor · Feed STALE", "Thor · Tick archive CANNOT WRITE"]
    assert "GB free" in inbox.received[1]["message"] and "1 ticks wait on the stream" in inbox.received[1]["message"]
    # The disk has room again: the next flush writes, health recovers, and the recovery is told.
    recorder._archive = TickArchive(tmp_path / "ticks")
    recorder.step()
    assert APIClient().get("/api/health/").json()["recorder"]["ok"] is True
    sender.watch()
    send_due()
    assert [m["title"] for m in inbox.received][-1] == "Thor · Tick archive writing again"
