"""Plain bar files (``--format bars-csv``). Pure: no Django.

A header row (names case-insensitive): ``ts`` (the bar's start, ISO-8601 with an offset, or epoch
milliseconds), ``symbol`` or ``contract`` (``ES``, ``/ESZ25``, ``ESZ5``; a dated contract gives both),
``open``, ``high``, ``low``, ``close``, ``volume``; optionally ``bid_open`` … ``bid_close``,
``bid_size``, ``ask_open`` … ``ask_close``, ``ask_size``, and ``interval`` (``1s``/``1m``, else
``--interval``). Prices may be in 32nds (``117'27+``) like the workbook. Every bad row is named with
its line; the good ones are kept. A bid at or above the ask at the bar's close is market data: kept
and counted.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from LiveData.contracts import parse_contract
from LiveData.history.batches import MAX_PRICE, Batch, HistoryFormatError, count_crossed
from LiveData.tick_csv import parse_ts
from LiveData.tos.parser import CellError, normalize_symbol, parse_decimal

INTERVALS = ("1s", "1m")
_SIDES = ("open", "high", "low", "close")
PRICE_COLUMNS = (*_SIDES, *(f"bid_{s}" for s in _SIDES), *(f"ask_{s}" for s in _SIDES))
SIZE_COLUMNS = ("volume", "bid_size", "ask_size")
REQUIRED = ("ts", "open", "high", "low", "close", "volume")


def bar_csv_files(path: Path) -> list[Path]:
    """The CSV files at ``path`` (a file, or a folder searched recursively), in name order."""
    return [path] if path.is_file() else sorted(path.rglob("*.csv"))


def read_bars_csv(path: Path, *, source: str, interval: str | None) -> Iterator[Batch]:
    """One :class:`Batch` per bar length found in the file. Raises :class:`HistoryFormatError` when
    the header lacks a column or no interval is given."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            raise HistoryFormatError(f"{path} is empty: expected a header with {', '.join(REQUIRED)}, symbol")
        names = {name.strip().lower(): name for name in reader.fieldnames if name}
        missing = [c for c in REQUIRED if c not in names]
        if "symbol" not in names and "contract" not in names:
            missing.append("symbol or contract")
        if missing:
            raise HistoryFormatError(
                f"{path}: missing column(s) {', '.join(missing)}; the header has {', '.join(reader.fieldnames)}"
            )
        if "interval" not in names and interval is None:
            raise HistoryFormatError(f"{path} has no interval column: give --interval 1m (or 1s)")
        columns: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        bad: list[tuple[int, str]] = []
        read = 0
        for raw in reader:
            read += 1
            row = {key: (raw.get(original) or "").strip() for key, original in names.items()}
            try:
                length, bar = _bar(row, interval)
            except ValueError as exc:
                bad.append((reader.line_num, str(exc)))
                continue
            for key, value in bar.items():
                columns[length][key].append(value)
    for length, values in sorted(columns.items()):
        table = pa.table(
            {
                "ts": pa.array(values["ts"], pa.timestamp("ns", tz="UTC")),
                "symbol": pa.array(values["symbol"], pa.string()),
                "contract": pa.array(values["contract"], pa.string()),
                **{c: pa.array(values[c], pa.float64()) for c in PRICE_COLUMNS},
                **{c: pa.array(values[c], pa.int64()) for c in SIZE_COLUMNS},
                "source": pa.array([source] * len(values["ts"]), pa.string()),
            }
        )
        crossed = count_crossed(table.column("bid_close"), table.column("ask_close"))
        yield Batch("bars", table, str(path), len(values["ts"]), interval=length, crossed=crossed)
    if bad or not columns:
        yield Batch("bars", pa.table({}), str(path), read - sum(len(v["ts"]) for v in columns.values()), bad=bad)


def _bar(row: dict[str, str], interval: str | None) -> tuple[str, dict[str, Any]]:
    length = row.get("interval") or interval or ""
    if length not in INTERVALS:
        raise ValueError(f"interval {length!r} is not one of {', '.join(INTERVALS)}")
    ts = parse_ts(row["ts"])
    name = row.get("contract") or row.get("symbol") or ""
    if not name:
        raise ValueError("symbol and contract are empty")
    parsed = parse_contract(name, near=ts.date())
    symbol = parsed.root if parsed is not None else normalize_symbol(row.get("symbol") or name)
    bar: dict[str, Any] = {"ts": ts, "symbol": symbol, "contract": parsed.code if parsed is not None else None}
    for column in PRICE_COLUMNS:
        bar[column] = _price(row.get(column, ""), column)
    for column in SIZE_COLUMNS:
        text = row.get(column, "")
        try:
            bar[column] = int(float(text)) if text else None
        except ValueError:
            raise ValueError(f"{column} {text!r} is not a whole number") from None
        if bar[column] is not None and bar[column] < 0:
            raise ValueError(f"{column} {text!r} is negative")
    if bar["close"] is None:
        raise ValueError("close is empty")
    for side in ("", "bid_", "ask_"):
        high, low = bar[f"{side}high"], bar[f"{side}low"]
        if high is not None and low is not None and high < low:
            raise ValueError(f"{side}high {high} is below {side}low {low}")
    return length, bar


def _price(text: str, column: str) -> float | None:
    if not text:
        return None
    try:
        value = parse_decimal(text)
    except CellError:
        raise ValueError(f"{column} {text!r} is not a price") from None
    if value is None:
        return None
    number = float(value)
    if not 0 < number < MAX_PRICE:
        raise ValueError(f"{column} {text!r} is not a plausible price")
    return number
