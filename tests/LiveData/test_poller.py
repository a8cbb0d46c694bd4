"""The poll cycle: quotes land in Redis (hash, channel, stream); failures are reported and retried."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import fakeredis
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.clock import ManualClock
from LiveData.redis_client import FEED_STATUS_KEY, LATEST_QUOTES_KEY, QUOTE_STREAM_KEY, LiveDataRedis
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import CellRange, FileWorkbookReader, WorkbookError
from tests.conftest import TOS_DATA, wait_for

pytestmark = pytest.mark.real_services


class ListReader:
    """A reader over cells held in memory (lets a test change the sheet between polls)."""

    mode = "file"
    sheet = "LiveData"
    cell_range = CellRange.parse("A1:N13")

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows
        self.fail: Exception | None = None

    def read(self) -> list[list[Any]]:
        if self.fail is not None:
            raise self.fail
        return [list(r) for r in self.rows]


HEADERS = [
    "Type",
    "Symbol",
    "Description",
    "Close",
    "Open",
    "NetChange",
    "24High",
    "24Low",
    "Volume",
    "Bid",
    "Last",
    "Ask",
    "BidSize",
    "AskSize",
]


def ym_row(bid: float, ask: float, last: float) -> list[Any]:
    return ["Futures", "YM", "Dow", 47000, 47010, 50, 47100, 46900, 1000, bid, last, ask, 1, 2]


def test_one_poll_writes_every_quote_to_the_hash_and_changed_ones_to_the_stream(
    live: LiveDataRedis, clock: ManualClock
) -> None:
    reader = FileWorkbookReader(TOS_DATA / "rtd_2025-11-26.xlsm")
    poller = TosPoller(reader, live, clock=clock.now)
    report = poller.poll_once()
    assert report.published == 11 and report.changed == 11
    assert live.client.hlen(LATEST_QUOTES_KEY) == 11
    assert live.client.xlen(QUOTE_STREAM_KEY) == 11
    zb = live.get_latest_quote("ZB")
    assert zb is not None
    assert zb["bid"] == Decimal("117.78125") and zb["change"] == Decimal("0.4375")
    assert zb["feed_symbol"] == "ZB" and zb["source"] == "tos_excel"
    assert zb["ts_ingest"] == clock.now().isoformat()
    # The same sheet again: the hash is refreshed, nothing new goes on the stream.
    clock.advance(seconds=1)
    again = poller.poll_once()
    assert again.changed == 0
    assert live.client.xlen(QUOTE_STREAM_KEY) == 11
    assert live.get_latest_quote("ZB")["ts_ingest"] == clock.now().isoformat()  # type: ignore[index]


def test_a_changed_quote_is_published_on_its_channel(live: LiveDataRedis, clock: ManualClock) -> None:
    reader = ListReader([HEADERS, ym_row(47000, 47001, 47000)])
    poller = TosPoller(reader, live, clock=clock.now)
    poller.poll_once()
    pubsub = live.client.pubsub()
    pubsub.subscribe("live_data:quotes:YM")
    wait_for(lambda: pubsub.get_message(timeout=0.1))  # the subscribe confirmation
    reader.rows = [HEADERS, ym_row(47002, 47003, 47002)]
    poller.poll_once()
    message = wait_for(lambda: pubsub.get_message(timeout=0.1))
    assert '"bid":47002' in message["data"]  # type: ignore[index]
    pubsub.close()


def test_poll_tos_excel_once_publishes_and_exits_zero(live: LiveDataRedis, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("poll_tos_excel", "--once", "--file", str(TOS_DATA / "rtd_2025-12-02.xlsm"))
    assert "published 11 quotes" in capsys.readouterr().out
    assert live.feed_status()["state"] == "ok"
    assert live.feed_status()["quotes_published"] == "11"


def test_poll_tos_excel_once_fails_when_no_quote_is_published(live: LiveDataRedis, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "empty.xlsx"
    book = Workbook()
    book.active.title = "LiveData"
    book.active.append(HEADERS)
    book.active.append(["Futures", "CL", "Crude", None, None, None, None, None, None, None, None, None, None, None])
    book.save(path)
    with pytest.raises(CommandError, match="no quotes"):
        call_command("poll_tos_excel", "--once", "--file", str(path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("poll_tos_excel", "--once", "--file", str(tmp_path / "missing.xlsm"))


def test_poller_reports_a_redis_outage_retries_and_carries_on(clock: ManualClock) -> None:
    server = fakeredis.FakeServer()
    live = LiveDataRedis(fakeredis.FakeRedis(server=server, decode_responses=True))
    reader = ListReader([HEADERS, ym_row(47000, 47001, 47000)])
    poller = TosPoller(reader, live, clock=clock.now)
    server.connected = False
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, kwargs={"interval": 0.01, "stop": stop, "max_backoff": 0.05})
    thread.start()
    try:
        wait_for(lambda: poller.cycles == 0 and thread.is_alive(), timeout=1)
        server.connected = True
        wait_for(lambda: live.client.hget(LATEST_QUOTES_KEY, "YM"), timeout=3)
        status = wait_for(lambda: live.client.hgetall(FEED_STATUS_KEY).get("state") == "ok" and live.feed_status())
        assert "redis" in status["last_error"]  # type: ignore[index]
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(2)


def test_poller_survives_an_unreadable_workbook_and_resumes(live: LiveDataRedis, clock: ManualClock) -> None:
    reader = ListReader([HEADERS, ym_row(47000, 47001, 47000)])
    reader.fail = WorkbookError("file is locked by Excel")
    poller = TosPoller(reader, live, clock=clock.now)
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, kwargs={"interval": 0.01, "stop": stop, "max_backoff": 0.05})
    thread.start()
    try:
        status = wait_for(lambda: live.feed_status().get("state") == "error" and live.feed_status())
        assert "locked by Excel" in status["last_error"]  # type: ignore[index]
        reader.fail = None
        wait_for(lambda: live.get_latest_quote("YM"))
    finally:
        stop.set()
        thread.join(2)


def test_only_one_poller_writes_at_a_time(live: LiveDataRedis, clock: ManualClock) -> None:
    first = TosPoller(ListReader([HEADERS, ym_row(1, 2, 1)]), live, clock=clock.now)
    second = TosPoller(ListReader([HEADERS, ym_row(5, 6, 5)]), live, clock=clock.now)
    stop = threading.Event()
    a = threading.Thread(target=first.run, kwargs={"interval": 0.01, "stop": stop})
    a.start()
    try:
        wait_for(lambda: first.cycles >= 2)
        second.run(interval=0.01, max_cycles=3, lock_ttl=10)
        assert second.cycles == 0
        assert live.get_latest_quote("YM")["bid"] == Decimal(1)  # type: ignore[index]
    finally:
        stop.set()
        a.join(2)
