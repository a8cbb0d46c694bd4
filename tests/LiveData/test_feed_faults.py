"""Feed faults are loud (issue 11): a renamed column, an empty, foreign or truncated file each get a
message saying what is wrong, in the log, the feed status and health; the poller keeps its lock and
reads a fixed workbook again within 5 seconds."""

from __future__ import annotations

import shutil
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.clock import ManualClock
from LiveData.redis_client import POLLER_LOCK_KEY, LiveDataRedis
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import FileWorkbookReader

pytestmark = pytest.mark.real_services
SAMPLE = Path(__file__).resolve().parents[2] / "LiveData" / "sample" / "rtd_sample.xlsx"


def renamed(tmp_path: Path, old: str, new: str) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book["LiveData"]
    for cell in sheet[1]:
        if cell.value == old:
            cell.value = new
    path = tmp_path / "renamed.xlsx"
    book.save(path)
    return path


@pytest.mark.django_db
def test_a_renamed_last_column_is_an_error_naming_what_was_looked_for_and_found(
    tmp_path: Path, live: LiveDataRedis, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    path = renamed(tmp_path, "Last", "LastPrice")
    with pytest.raises(CommandError) as raised:
        call_command("poll_tos_excel", "--once", "--file", str(path), stdout=StringIO())
    message = str(raised.value)
    assert "has no 'Last' column" in message and "LastPrice" in message and "Symbol" in message
    assert live.get_latest_quotes() == {}  # nothing published with last: null
    status = live.feed_status()
    assert status["state"] == "error" and "'Last'" in status["last_error"]
    health = APIClient().get("/api/health/").json()
    assert health["status"] == "degraded" and "LastPrice" in health["feed"]["last_error"]


def test_every_required_column_is_checked() -> None:
    from LiveData.tos.parser import HeaderError, parse_rows

    header = ["Symbol", "Last", "Bid", "Ask", "NetChange", "Close"]
    for missing in header:
        with pytest.raises(HeaderError, match=f"no '{missing}' column"):
            parse_rows([[h for h in header if h != missing], ["/ES", 1, 1, 1, 1]])


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty file"),
        (b"Symbol,Last\n/ES,6800\n", "not an Excel workbook"),
        (None, "truncated workbook"),
    ],
)
def test_a_broken_file_says_what_it_is(tmp_path: Path, content: bytes | None, says: str) -> None:
    from LiveData.tos.workbook import WorkbookError

    path = tmp_path / "RTD.xlsx"
    path.write_bytes(content if content is not None else SAMPLE.read_bytes()[: SAMPLE.stat().st_size // 2])
    with pytest.raises(WorkbookError, match=says):
        FileWorkbookReader(path).read()


class RecordingStop(threading.Event):
    """A stop event whose waits return at once and are remembered."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return self.is_set()


def test_a_failing_feed_retries_every_5_seconds_keeps_its_lock_and_recovers(
    tmp_path: Path, live: LiveDataRedis, clock: ManualClock
) -> None:
    path = tmp_path / "RTD.xlsx"
    path.write_bytes(b"")
    poller = TosPoller(FileWorkbookReader(path), live, clock=clock.now)
    stop = RecordingStop()
    locks: list[Any] = []

    original = poller.poll_once

    def poll_once() -> Any:
        locks.append(live.client.get(POLLER_LOCK_KEY))
        if len(locks) == 8:
            shutil.copy(SAMPLE, path)  # the trader fixes the workbook
        return original()

    poller.poll_once = poll_once  # type: ignore[method-assign]
    poller.run(interval=1.0, stop=stop, max_cycles=10)
    failures = [w for w in stop.waits[:7]]
    assert failures == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]  # never more than 5 s apart
    assert all(token is not None and token == locks[0] for token in locks)  # the same lock throughout
    assert len(live.get_latest_quotes()) == 11 and live.feed_status()["state"] == "ok"
