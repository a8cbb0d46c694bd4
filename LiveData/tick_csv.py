"""Ticks in and out of CSV (SPEC §13): ``import_ticks`` and ``export_ticks``. Pure: no Django.

Import columns (a header row, names case-insensitive): ``ts`` (ISO-8601 with offset, or epoch
milliseconds), ``symbol`` (normalised like the workbook parser: ``/ES`` → ES, ``$DXY`` → DX…),
``bid``, ``ask``, ``last``, ``volume`` (cumulative), ``close`` (previous settlement); optional
``change`` (else last − close), ``bid_size``, ``ask_size``, ``high_24h``, ``low_24h``. Prices may be
in 32nds like the workbook (``117'27+``). Every bad row is reported with its line number and reason;
the good ones are kept. A bid at or above the ask (locked or crossed) is market data, kept (SPEC §15).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import IO, Any

from LiveData.ticks import EPOCH
from LiveData.tos.parser import CellError, normalize_symbol, parse_decimal, parse_int

REQUIRED = ("ts", "symbol", "bid", "ask", "last", "volume", "close")
OPTIONAL = ("change", "bid_size", "ask_size", "high_24h", "low_24h")
EXPORT_COLUMNS = (
    "ts",
    "symbol",
    "bid",
    "ask",
    "last",
    "volume",
    "close",
    "change",
    "bid_size",
    "ask_size",
    "high_24h",
    "low_24h",
    "source",
)
#: Prices a future can plausibly have (points); outside is a typo, not a tick.
MAX_PRICE = Decimal("10000000")


class TickCsvError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing); says which."""


def parse_ts(text: str) -> datetime:
    """``ts`` → aware UTC datetime: ISO-8601 with an offset, or epoch milliseconds. Raises
    ``ValueError`` saying what was wrong."""
    text = text.strip()
    if not text:
        raise ValueError("ts is empty")
    if text.lstrip("-").isdigit():
        return EPOCH + timedelta(milliseconds=int(text))
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"ts {text!r} is neither ISO-8601 nor epoch milliseconds") from exc
    if value.tzinfo is None:
        raise ValueError(f"ts {text!r} has no UTC offset (write 2025-12-01T14:30:00Z or +00:00)")
    return value.astimezone(UTC)


def _price(row: dict[str, str], name: str) -> float | None:
    raw = (row.get(name) or "").strip()
    try:
        value = parse_decimal(raw) if raw else None
    except CellError as exc:
        raise ValueError(f"{name} {raw!r} is not a price") from exc
    if value is not None and name != "change" and not Decimal(0) < value < MAX_PRICE:
        raise ValueError(f"{name} {raw!r} is not a plausible price")
    return float(value) if value is not None else None


def _size(row: dict[str, str], name: str) -> int | None:
    raw = (row.get(name) or "").strip()
    try:
        value = parse_int(raw) if raw else None
    except CellError as exc:
        raise ValueError(f"{name} {raw!r} is not a whole number") from exc
    if value is not None and value < 0:
        raise ValueError(f"{name} {raw!r} is negative")
    return value


def read_ticks(handle: IO[str], *, source: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line, tick or None, reason)`` for every data row of a CSV file, in file order; ``tick``
    in the archive's row shape with ``source``. Raises :class:`TickCsvError` when the header lacks a
    required column."""
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        raise TickCsvError("the file is empty: expected a header row with " + ", ".join(REQUIRED))
    names = {name.strip().lower(): name for name in reader.fieldnames if name}
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise TickCsvError(f"missing column(s) {', '.join(missing)}; the header has {', '.join(reader.fieldnames)}")
    for raw in reader:
        row = {key: raw.get(original) or "" for key, original in names.items()}
        try:
            tick = _tick_from_row(row)
        except ValueError as exc:
            yield reader.line_num, None, str(exc)
            continue
        tick["source"] = source
        tick["stream_id"] = None
        yield reader.line_num, tick, ""


def _tick_from_row(row: dict[str, str]) -> dict[str, Any]:
    """One CSV row (lower-case column names) → a tick in the archive's row shape (without source);
    raises ``ValueError`` saying what is wrong with the row."""
    symbol = normalize_symbol(row["symbol"]) if row["symbol"].strip() else ""
    if not symbol:
        raise ValueError("symbol is empty")
    tick: dict[str, Any] = {"ts": parse_ts(row["ts"]), "symbol": symbol}
    for name in ("bid", "ask", "last", "close", "high_24h", "low_24h", "change"):
        tick[name] = _price(row, name)
    for name in ("volume", "bid_size", "ask_size"):
        tick[name] = _size(row, name)
    if tick["bid"] is None and tick["ask"] is None and tick["last"] is None:
        raise ValueError("no bid, ask or last")
    if tick["change"] is None and tick["last"] is not None and tick["close"] is not None:
        tick["change"] = float(Decimal(repr(tick["last"])) - Decimal(repr(tick["close"])))
    return tick


def is_crossed(tick: dict[str, Any]) -> bool:
    """Whether a tick's bid is at or above its ask (a locked or crossed quote: kept, and counted)."""
    return tick["bid"] is not None and tick["ask"] is not None and tick["bid"] >= tick["ask"]


def write_ticks(handle: Any, ticks: Iterable[dict[str, Any]]) -> int:
    """Write ticks (archive rows) as CSV with :data:`EXPORT_COLUMNS` (``ts`` ISO-8601 UTC) to
    ``handle`` (anything with ``write(str)``); returns how many rows. The file imports back with ``import_ticks``."""
    writer = csv.writer(handle)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for tick in ticks:
        values = []
        for name in EXPORT_COLUMNS:
            value = tick.get(name)
            if isinstance(value, datetime):
                value = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
            elif isinstance(value, float):
                value = "" if value != value else repr(value)
            values.append("" if value is None else value)
        writer.writerow(values)
        count += 1
    return count
