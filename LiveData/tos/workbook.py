"""Reading the cells of the TOS RTD workbook (SPEC §3.1, §3.3).

Two readers behind one interface, :class:`WorkbookReader` (``read() -> list[list[cell]]``):

- :class:`FileWorkbookReader` (``file`` mode) reads the saved workbook with python-calamine. It sees
  what Excel last saved, not live RTD values.
- :class:`LiveWorkbookReader` (``live`` mode) asks a running Excel through xlwings (Windows/macOS),
  which sees the live RTD values. xlwings is imported only when this reader is used.

:func:`open_reader` picks one for ``auto`` / ``live`` / ``file``.
"""

from __future__ import annotations

import logging
import re
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


class LiveWorkbookReader:
    """Reads the range from a running Excel through xlwings (live RTD values; Windows/macOS only)."""

    mode = "live"

    def __init__(self, path: str | Path, *, sheet: str = "LiveData", cell_range: str = "A1:N13") -> None:
        self.path = Path(path)
        self.sheet = sheet
        self.cell_range = CellRange.parse(cell_range)
        self._book: Any = None

    def read(self) -> list[list[Any]]:
        try:
            import xlwings as xw
        except ImportError as exc:
            raise WorkbookError("live mode needs xlwings and Excel: pip install 'thor[live]'") from exc
        try:
            if self._book is None:
                self._book = xw.Book(str(self.path))
            values = self._book.sheets[self.sheet].range(str(self.cell_range)).value
        except Exception as exc:
            self._book = None
            raise WorkbookError(f"Excel did not answer for {self.path}!{self.sheet}: {exc}") from exc
        if values and not isinstance(values[0], list):
            values = [values]
        return [list(row) for row in values or []]


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
