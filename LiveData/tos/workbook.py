"""Reading the cells of the TOS RTD workbook (SPEC §3.1, §3.3).

Two readers behind one interface, :class:`WorkbookReader` (``read() -> list[list[cell]]``):

- :class:`FileWorkbookReader` (``file`` mode) reads the saved workbook with python-calamine. It sees
  what Excel last saved, not live RTD values.
- :class:`LiveWorkbookReader` (``live`` mode) asks a running Excel through xlwings (Windows/macOS),
  which sees the live RTD values. xlwings is imported only when this reader is used.

:func:`open_reader` picks one for ``auto`` / ``live`` / ``file``.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from LiveData.tos.parser import column_letter

logger = logging.getLogger(__name__)

_RANGE_RE = re.compile(r"^\s*([A-Za-z]{1,3})(\d+)\s*:\s*([A-Za-z]{1,3})(\d+)\s*$")


class WorkbookError(RuntimeError):
    """The workbook cannot be read now (missing, locked, corrupt, no such sheet). Retry later."""


@dataclass(frozen=True)
class CellRange:
    """A rectangular range such as ``A1:N13``: 1-based rows, 0-based columns, both inclusive."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int

    @classmethod
    def parse(cls, text: str) -> CellRange:
        """``"A1:N13"`` → CellRange(1, 13, 0, 13). Raises ``ValueError`` for anything else."""
        match = _RANGE_RE.match(text)
        if not match:
            raise ValueError(f"range {text!r} is not like A1:N13")
        c1, r1, c2, r2 = match.groups()
        first_row, last_row = int(r1), int(r2)
        first_col, last_col = _column_index(c1), _column_index(c2)
        if first_row < 1 or last_row < first_row or last_col < first_col:
            raise ValueError(f"range {text!r} is empty or reversed")
        return cls(first_row, last_row, first_col, last_col)

    def __str__(self) -> str:
        return f"{column_letter(self.first_column)}{self.first_row}:{column_letter(self.last_column)}{self.last_row}"


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


class WorkbookReader(Protocol):
    """Reads the configured range; raises :class:`WorkbookError` when it cannot."""

    mode: str
    sheet: str
    cell_range: CellRange

    def read(self) -> list[list[Any]]: ...


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def diagnose(path: Path) -> str:
    """Why a workbook file cannot be opened, in words: "empty file", "not an Excel workbook",
    "truncated workbook" or "damaged workbook", with what to do. Reads at most the file's first bytes
    and its zip directory; never raises."""
    import zipfile

    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        return f"cannot read {path}: {exc}"
    if size == 0:
        return f"empty file: {path} has 0 bytes (is Excel still saving it?); retrying"
    if head == OLE_MAGIC:
        return f"damaged workbook: {path} is an old binary .xls that could not be read; save it as .xlsx or .xlsm"
    if head != ZIP_MAGIC:
        return (
            f"not an Excel workbook: {path} ({size} bytes) does not start like an .xlsx/.xlsm file; "
            "point THOR_WORKBOOK at the RTD workbook Excel saves"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except zipfile.BadZipFile:
        return f"truncated workbook: {path} ({size} bytes) ends before its zip directory (saved half-way?); retrying"
    if broken:
        return f"damaged workbook: {path} has a corrupt part ({broken}); save it again from Excel"
    return f"damaged workbook: {path} could not be read; save it again from Excel"


class FileWorkbookReader:
    """Reads a saved .xlsx/.xlsm with python-calamine (about 0.15 ms for the LiveData sheet)."""

    mode = "file"

    def __init__(self, path: str | Path, *, sheet: str = "LiveData", cell_range: str = "A1:N13") -> None:
        self.path = Path(path)
        self.sheet = sheet
        self.cell_range = CellRange.parse(cell_range)

    def read(self) -> list[list[Any]]:
        from python_calamine import CalamineWorkbook

        if not self.path.exists():
            raise WorkbookError(f"workbook {self.path} does not exist; set THOR_WORKBOOK or --file")
        try:
            workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as exc:  # calamine raises its own error types for zip/xml damage
            raise WorkbookError(f"{diagnose(self.path)} ({type(exc).__name__}: {exc})") from exc
        try:
            if self.sheet not in workbook.sheet_names:
                raise WorkbookError(f"{self.path} has no sheet {self.sheet!r} (sheets: {workbook.sheet_names})")
            sheet = workbook.get_sheet_by_name(self.sheet)
            rows = sheet.to_python(skip_empty_area=False, nrows=self.cell_range.last_row)
        except WorkbookError:
            raise
        except Exception as exc:
            raise WorkbookError(f"cannot read {self.path}!{self.sheet}: {type(exc).__name__}: {exc}") from exc
        finally:
            close = getattr(workbook, "close", None)
            if close is not None:
                close()
        r = self.cell_range
        return [list(row[r.first_column : r.last_column + 1]) for row in rows[r.first_row - 1 : r.last_row]]


class WorkbookBusy(WorkbookError):
    """Excel is running but cannot answer now (recalculating, a dialog open, a cell being edited):
    the cycle is skipped and the last good quotes stand. Not a failure of the feed."""


#: COM results that mean "Excel is busy, ask again" (winerror.h): RPC_E_CALL_REJECTED ("Call was
#: rejected by callee"), RPC_E_SERVERCALL_RETRYLATER, and VBA_E_IGNORE (Excel in edit mode or a
#: modal dialog). xlwings raises them as ``pywintypes.com_error`` with the HRESULT first.
BUSY_HRESULTS = {-2147418111, -2147417846, -2146777998}
#: RPC_E_DISCONNECTED and RPC_S_SERVER_UNAVAILABLE: the Excel we held is gone (closed or crashed).
GONE_HRESULTS = {-2147417848, -2147023174}
_BUSY_WORDS = ("call was rejected by callee", "retrylater", "application is busy", "timed out")


def com_hresult(exc: BaseException) -> int | None:
    """The HRESULT of a COM error (``pywintypes.com_error.args[0]``), or None for anything else."""
    code = exc.args[0] if exc.args else None
    return code if isinstance(code, int) else None


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` means Excel is busy rather than gone (see :data:`BUSY_HRESULTS`; on macOS,
    AppleScript's "timed out")."""
    return com_hresult(exc) in BUSY_HRESULTS or any(w in str(exc).lower() for w in _BUSY_WORDS)


class LiveWorkbookReader:
    """Reads the range of the open RTD workbook from a running Excel through xlwings (live RTD values;
    Windows and macOS), walking xlwings' object model — ``apps`` → ``books`` → ``sheets`` →
    ``range(...).options(ndim=2).value`` — to find the workbook by its file name among the books
    Excel has open; it never opens the file itself (that would start Excel, or a second copy).

    Each failure says what to do, and the next cycle tries again (no restart needed):

    - Excel busy (:func:`is_busy`) → :class:`WorkbookBusy`: the poller skips the cycle with a
      warning naming the cause and keeps the last good quotes;
    - Excel not running, closed mid-session, or the workbook not open → :class:`WorkbookError`
      "open RTD_TOS.xlsm in Excel" (health shows it, degraded);
    - the sheet renamed → :class:`WorkbookError` naming the sheets the workbook has.

    COM must be initialised on the thread that uses it: each thread's first read calls
    ``pythoncom.CoInitialize()`` on Windows. ``xlwings``: the module to use (tests pass a stand-in);
    default: ``import xlwings``."""

    mode = "live"

    def __init__(
        self, path: str | Path, *, sheet: str = "LiveData", cell_range: str = "A1:N13", xlwings: Any = None
    ) -> None:
        self.path = Path(path)
        self.sheet = sheet
        self.cell_range = CellRange.parse(cell_range)
        self._xlwings = xlwings
        self._book: Any = None
        self._com = threading.local()

    def _module(self) -> Any:
        if self._xlwings is None:
            try:
                import xlwings
            except ImportError as exc:
                raise WorkbookError(
                    "live mode needs xlwings and Excel: pip install -e '.[live]' (Windows or macOS), "
                    "or set THOR_FEED_MODE=file to read the saved workbook"
                ) from exc
            self._xlwings = xlwings
        return self._xlwings

    def _initialise_com(self) -> None:
        """``CoInitialize`` once on this thread (Windows: COM is per thread; a worker thread that
        skips it gets "CoInitialize has not been called")."""
        if getattr(self._com, "ready", False):
            return
        if sys.platform == "win32":
            try:
                pythoncom = importlib.import_module("pythoncom")  # pywin32, which xlwings installs
            except ImportError:  # without it xlwings fails with its own message
                pass
            else:
                pythoncom.CoInitialize()
        self._com.ready = True

    def _find_book(self, xw: Any) -> Any:
        """The open book named like ``self.path`` in any running Excel; raises :class:`WorkbookError`
        saying what to open."""
        name = self.path.name
        apps = list(xw.apps)
        if not apps:
            raise WorkbookError(f"Excel is not running: open {name} in Excel (with the TOS RTD links)")
        seen = []
        for app in apps:
            for book in app.books:
                seen.append(str(book.name))
                if str(book.name).lower() == name.lower():
                    return book
        shown = ", ".join(seen) or "none"
        raise WorkbookError(f"{name} is not open in Excel (open workbooks: {shown}): open {name} in Excel")

    def read(self) -> list[list[Any]]:
        xw = self._module()
        self._initialise_com()
        try:
            return self._read(xw, retry=True)
        except _Gone:
            # The Excel (or book) we held is gone: look again at once — a restarted Excel is found
            # this cycle; otherwise the error says what is missing ("Excel is not running…").
            self._book = None
            return self._read(xw, retry=False)

    def _read(self, xw: Any, *, retry: bool) -> list[list[Any]]:
        try:
            if self._book is None:
                self._book = self._find_book(xw)
            book = self._book
            names = [str(s.name) for s in book.sheets]
            if self.sheet not in names:
                self._book = None
                raise WorkbookError(
                    f"{self.path.name} has no sheet {self.sheet!r} (sheets: {', '.join(names)}): rename it back "
                    "or set THOR_WORKBOOK_SHEET"
                )
            values = book.sheets[self.sheet].range(str(self.cell_range)).options(ndim=2).value
        except WorkbookError:
            raise
        except Exception as exc:  # xlwings surfaces COM (Windows) and AppleScript (macOS) errors as-is
            if is_busy(exc):
                raise WorkbookBusy(f"Excel is busy ({exc}); cycle skipped, the last quotes stand") from exc
            self._book = None  # Excel closed, crashed or the book was closed: find it again
            if retry:
                raise _Gone from exc
            what = "Excel closed" if com_hresult(exc) in GONE_HRESULTS else "Excel did not answer"
            raise WorkbookError(f"{what} ({exc}): open {self.path.name} in Excel") from exc
        return [list(row) for row in values or []]


class _Gone(Exception):
    """The Excel object the reader held stopped answering (internal: the read is tried once more)."""


def excel_is_running() -> bool:
    """True when xlwings is installed and an Excel instance is running (never raises)."""
    try:
        import xlwings as xw

        return bool(xw.apps.count)
    except Exception:
        return False


def open_reader(
    path: str | Path, *, mode: str = "auto", sheet: str = "LiveData", cell_range: str = "A1:N13"
) -> WorkbookReader:
    """The reader for ``mode``: ``live`` (xlwings), ``file`` (python-calamine) or ``auto``.

    ``auto`` is live when Excel is running, else file. Raises ``ValueError`` for an unknown mode or a
    malformed range.
    """
    if mode not in {"auto", "live", "file"}:
        raise ValueError(f"feed mode {mode!r} is not one of auto, live, file")
    if mode == "live" or (mode == "auto" and excel_is_running()):
        return LiveWorkbookReader(path, sheet=sheet, cell_range=cell_range)
    return FileWorkbookReader(path, sheet=sheet, cell_range=cell_range)
