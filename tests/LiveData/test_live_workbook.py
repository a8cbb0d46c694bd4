"""The live RTD path (issue 24): ``LiveWorkbookReader`` driven through a stand-in for xlwings' object
model — ``apps`` → ``books`` → ``sheets`` → ``range(...).options(ndim=2).value`` — serving the real TOS
workbooks' cells as Excel hands them over (numbers, text, None for an empty cell), and Excel's
failure modes: busy, closed, the workbook not open, the sheet renamed, and coming back."""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

import pytest
from django.test import Client

from core.clock import ManualClock
from LiveData.health import feed_health
from LiveData.redis_client import LiveDataRedis
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import FileWorkbookReader, LiveWorkbookReader, WorkbookBusy, WorkbookError
from tests.conftest import TOS_DATA, WORKBOOKS
from tests.LiveData.test_parser import EXPECTED, as_expected

pytestmark = pytest.mark.real_services
BOOK = "RTD_TOS.xlsm"


class ComError(Exception):
    """Shaped like ``pywintypes.com_error``: (hresult, text, excepinfo, argerr)."""


CALL_REJECTED = ComError(-2147418111, "Call was rejected by callee.", None, None)
DISCONNECTED = ComError(-2147417848, "The object invoked has disconnected from its clients.", None, None)


class Range:
    def __init__(self, sheet: Sheet, address: str) -> None:
        self.sheet, self.address, self.ndim = sheet, address, 1

    def options(self, *, ndim: int) -> Range:
        self.ndim = ndim
        return self

    @property
    def value(self) -> list[list[Any]]:
        excel = self.sheet.book.excel
        if excel.fail is not None:
            raise excel.fail
        if not any(self.sheet.book is b for app in excel.apps for b in app.books):
            raise DISCONNECTED  # a book object held from an Excel that quit, or a workbook closed
        assert self.ndim == 2, "the reader must ask for a 2-D block, or one row comes back flat"
        assert self.address == "A1:N13"
        excel.reads += 1
        return excel.cells()


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name

    def range(self, address: str) -> Range:
        return Range(self, address)


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book

    def __iter__(self) -> Any:
        return iter([Sheet(self.book, n) for n in self.book.sheet_names])

    def __getitem__(self, name: str) -> Sheet:
        if name not in self.book.sheet_names:
            raise ComError(-2147352565, "Invalid index.", None, None)
        return Sheet(self.book, name)


class Book:
    def __init__(self, excel: Excel, name: str) -> None:
        self.excel, self.name = excel, name
        self.sheet_names = ["LiveData", "Notes"]
        self.sheets = Sheets(self)


class App:
    def __init__(self, books: list[Book]) -> None:
        self.books = books


class Excel:
    """The stand-in xlwings module: one Excel with the RTD workbook open, serving the real
    workbooks' cells one after another as the RTD values change."""

    def __init__(self) -> None:
        self.book = Book(self, BOOK)
        self.apps: list[App] = [App([Book(self, "Book1.xlsx"), self.book])]
        self.fail: Exception | None = None
        self.reads = 0
        self.workbook = WORKBOOKS[0]

    def cells(self) -> list[list[Any]]:
        # Excel gives None for an empty cell where the saved file (calamine) gives "".
        rows = FileWorkbookReader(TOS_DATA / self.workbook).read()
        return [[None if v == "" else v for v in row] for row in rows]


@pytest.fixture
def excel() -> Excel:
    return Excel()


def reader_for(excel: Excel) -> LiveWorkbookReader:
    return LiveWorkbookReader(f"C:/Users/trader/Documents/{BOOK}", xlwings=excel)


def quotes(poller: TosPoller, workbook: str) -> dict[str, Any]:
    expected = EXPECTED[workbook]
    keys = list(next(iter(expected.values())))
    return {q.symbol: as_expected(q.values(), keys) for q in poller.parse().quotes}


def test_live_values_of_all_six_real_workbooks_equal_file_mode(
    excel: Excel, live: LiveDataRedis, clock: ManualClock
) -> None:
    poller = TosPoller(reader_for(excel), live, clock=clock.now)
    for workbook in WORKBOOKS:  # the RTD values changing over time
        excel.workbook = workbook
        assert quotes(poller, workbook) == EXPECTED[workbook], workbook
    assert excel.reads == len(WORKBOOKS)


def cycle(poller: TosPoller) -> None:
    poller.run(interval=0.0, max_cycles=1, max_backoff=0.0)


def test_excel_busy_skips_the_cycle_and_keeps_the_last_good_quotes(
    excel: Excel, live: LiveDataRedis, clock: ManualClock
) -> None:
    excel.workbook = "rtd_2025-11-26.xlsm"
    poller = TosPoller(reader_for(excel), live, clock=clock.now)
    cycle(poller)
    before = live.get_latest_quote("ES")
    excel.fail = CALL_REJECTED
    with pytest.raises(WorkbookBusy, match=r"Excel is busy .*Call was rejected by callee"):
        reader_for(excel).read()
    clock.advance(seconds=1)
    cycle(poller)
    assert live.get_latest_quote("ES") == before
    health = feed_health()
    assert health["state"] == "busy" and "Call was rejected by callee" in health["last_warning"]
    assert health["ok"]  # the last good quotes are still fresh
    excel.fail = None
    clock.advance(seconds=1)
    cycle(poller)
    assert feed_health()["state"] == "ok"


@pytest.mark.django_db
def test_excel_closed_or_the_workbook_missing_degrades_health_until_it_comes_back(
    excel: Excel, live: LiveDataRedis, clock: ManualClock
) -> None:
    poller = TosPoller(reader_for(excel), live, clock=clock.now)
    cycle(poller)
    assert feed_health()["ok"]
    apps = excel.apps
    excel.apps = []  # Excel closed
    clock.advance(seconds=1)
    cycle(poller)
    health = feed_health()
    assert not health["ok"] and f"Excel is not running: open {BOOK} in Excel" in health["last_error"]
    body = Client().get("/api/health/").json()  # what a trader (or a monitor) reads
    assert body["status"] == "degraded" and f"open {BOOK} in Excel" in body["feed"]["last_error"]
    excel.apps = [App([Book(excel, "Book1.xlsx")])]  # Excel back, without the RTD workbook
    clock.advance(seconds=1)
    cycle(poller)
    assert (
        f"{BOOK} is not open in Excel (open workbooks: Book1.xlsx): open {BOOK} in Excel" in feed_health()["last_error"]
    )
    excel.apps = apps  # the trader opened it: recovered without a restart
    clock.advance(seconds=1)
    cycle(poller)
    assert feed_health()["ok"] and feed_health()["state"] == "ok"
    assert Client().get("/api/health/").json()["feed"]["ok"]


def test_excel_closed_mid_session_is_found_again(excel: Excel, live: LiveDataRedis, clock: ManualClock) -> None:
    reader = reader_for(excel)
    reader.read()
    excel.apps = []  # Excel quit: the book the reader held is disconnected, and none is running
    with pytest.raises(WorkbookError, match=f"Excel is not running: open {BOOK} in Excel"):
        reader.read()
    excel.book = Book(excel, BOOK)
    excel.apps = [App([excel.book])]  # a new Excel, the workbook reopened
    assert len(reader.read()) == 13
    # Excel restarted between two cycles: the stale book is dropped and the new one found at once.
    excel.book = Book(excel, BOOK)
    excel.apps = [App([excel.book])]
    assert len(reader.read()) == 13
    # A book that keeps failing after it was found again says so.
    excel.fail = DISCONNECTED
    with pytest.raises(WorkbookError, match=f"Excel closed .*disconnected.*: open {BOOK} in Excel"):
        reader.read()


def test_a_renamed_sheet_is_named_with_the_sheets_there_are(
    excel: Excel, live: LiveDataRedis, clock: ManualClock
) -> None:
    poller = TosPoller(reader_for(excel), live, clock=clock.now)
    excel.book.sheet_names = ["Live Data", "Notes"]
    cycle(poller)
    assert f"{BOOK} has no sheet 'LiveData' (sheets: Live Data, Notes)" in feed_health()["last_error"]
    excel.book.sheet_names = ["LiveData", "Notes"]
    clock.advance(seconds=1)
    cycle(poller)
    assert feed_health()["state"] == "ok"


def test_com_is_initialised_on_each_thread_that_reads(excel: Excel, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    fake = types.ModuleType("pythoncom")
    fake.CoInitialize = lambda: calls.append(threading.get_ident())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pythoncom", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    reader = reader_for(excel)
    reader.read()
    reader.read()
    worker = threading.Thread(target=reader.read)
    worker.start()
    worker.join(5)
    assert len(calls) == 2 and calls[0] == threading.get_ident() and calls[1] != calls[0]


def test_without_xlwings_live_mode_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlwings", None)
    with pytest.raises(WorkbookError, match=r"live mode needs xlwings and Excel: pip install -e '\.\[live\]'"):
        LiveWorkbookReader(BOOK).read()
