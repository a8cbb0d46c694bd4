"""QuantConnect LEAN / AlgoSeek futures files (``../shared/data/real/README.md``; LEAN's
``Data/future/readme.md``). Pure: no Django.

``future/<exchange>/<resolution>/<root>/YYYYMMDD_<type>.zip`` holds one CSV per listed contract,
``YYYYMMDD_<root>_<resolution>_<type>_<YYYYMM>.csv``. The first column is milliseconds since
midnight UTC of the file's date; a minute or second bar's time is its start. Columns:

- minute/second ``trade``: time, open, high, low, close, volume;
- minute/second ``quote``: time, bid open/high/low/close, last bid size, ask open/high/low/close,
  last ask size (a side without quotes in the bar is empty);
- ``openinterest``: time, open interest;
- tick ``trade``: time, price, quantity, exchange, sale condition, suspicious (1 = flagged by the
  vendor; left out and counted, as LEAN does);
- tick ``quote``: time, bid price, bid size, ask price, ask size, exchange, condition, suspicious.

Prices are the contract's own units (points). Each file is parsed whole with pyarrow's CSV reader;
a file that does not parse is read again line by line so that every bad row is named.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from LiveData.cme_days import cme_days
from LiveData.contracts import lean_contract
from LiveData.history.batches import MAX_PRICE, Batch, HistoryFormatError, count_crossed, run_ordinals
from LiveData.ticks import NS

_MEMBER = re.compile(
    r"^(\d{8})_([a-z0-9]+)_(minute|second|tick)_(trade|quote|openinterest)_(\d{6})\.csv$", re.IGNORECASE
)
_INTERVAL = {"minute": "1m", "second": "1s"}
_SIDES = ("open", "high", "low", "close")
#: Column names of each (resolution kind, type): prices first, then sizes; strings are kept as text.
COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("bar", "trade"): ("ms", "open", "high", "low", "close", "volume"),
    ("bar", "quote"): ("ms", *(f"bid_{s}" for s in _SIDES), "bid_size", *(f"ask_{s}" for s in _SIDES), "ask_size"),
    ("bar", "openinterest"): ("ms", "value"),
    ("tick", "trade"): ("ms", "last", "trade_size", "exchange", "condition", "suspicious"),
    ("tick", "quote"): ("ms", "bid", "bid_size", "ask", "ask_size", "exchange", "condition", "suspicious"),
    ("tick", "openinterest"): ("ms", "value"),
}
_TEXT = {"exchange", "condition"}
_INTS = {"volume", "bid_size", "ask_size", "trade_size", "suspicious", "ms", "value"}


def lean_files(path: Path) -> list[Path]:
    """The LEAN zips at ``path`` (a zip, or a folder searched recursively), in name order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.zip") if _looks_lean(p))


def _looks_lean(path: Path) -> bool:
    return re.match(r"^\d{8}_(trade|quote|openinterest)\.zip$", path.name, re.IGNORECASE) is not None


def read_lean(path: Path, *, source: str) -> Iterator[Batch]:
    """One :class:`Batch` per CSV in the LEAN zip at ``path``. Raises :class:`HistoryFormatError`
    when ``path`` is not a zip or holds no LEAN CSV."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise HistoryFormatError(f"{path} is not a LEAN zip ({exc}); --format lean reads YYYYMMDD_<type>.zip") from exc
    with archive:
        members = [m for m in archive.namelist() if _MEMBER.match(Path(m).name)]
        if not members:
            raise HistoryFormatError(
                f"{path} holds no LEAN CSV (YYYYMMDD_<root>_<resolution>_<type>_<YYYYMM>.csv): "
                f"it has {', '.join(archive.namelist()[:5]) or 'nothing'}"
            )
        for member in members:
            yield read_lean_csv(archive.read(member), name=Path(member).name, origin=f"{path}:{member}", source=source)


def read_lean_csv(data: bytes, *, name: str, origin: str, source: str) -> Batch:
    """One LEAN CSV (its bytes and its member ``name``) → a :class:`Batch`."""
    match = _MEMBER.match(name)
    if match is None:
        raise HistoryFormatError(f"{origin}: {name} is not named YYYYMMDD_<root>_<resolution>_<type>_<YYYYMM>.csv")
    day_text, root, resolution, kind, month = match.groups()
    root = root.upper()
    day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
    contract = lean_contract(root, month)
    shape = ("tick" if resolution.lower() == "tick" else "bar", kind.lower())
    names = COLUMNS[shape]
    table, bad = _parse(data, names)
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * NS
    table, more_bad = _validate(table, names)
    bad = sorted(bad + more_bad)
    ts = pa.array(midnight + table.column("_ms").to_numpy() * 1_000_000, pa.timestamp("ns", tz="UTC"))
    n = table.num_rows
    common = {
        "ts": ts,
        "symbol": pa.array([root] * n, pa.string()),
        "contract": pa.array([contract] * n, pa.string()),
        "source": pa.array([source] * n, pa.string()),
    }
    read = n + len(bad)
    if kind.lower() == "openinterest":
        columns = {
            **common,
            "day": pa.array(cme_days(ts)),
            "stat": pa.array(["open_interest"] * n, pa.string()),
            "value": table.column("value").cast(pa.float64()),
        }
        return Batch("statistics", pa.table(columns), origin, read, bad=bad)
    if shape[0] == "bar":
        columns = {**common, **{c: table.column(c) for c in names[1:]}}
        out = pa.table(columns)
        crossed = count_crossed(out.column("bid_close"), out.column("ask_close")) if kind.lower() == "quote" else 0
        return Batch("bars", out, origin, read, interval=_INTERVAL[resolution.lower()], crossed=crossed, bad=bad)
    suspicious = table.column("suspicious").fill_null(0).to_numpy(zero_copy_only=False) != 0
    table = table.filter(pa.array(~suspicious))
    kept = {k: v.filter(pa.array(~suspicious)) for k, v in common.items()}
    columns = {**kept, **{c: table.column(c) for c in names[1:] if c not in _TEXT and c != "suspicious"}}
    columns["seq"] = pa.array(run_ordinals(columns["ts"].cast(pa.int64()).to_numpy()))
    columns["source"] = pa.array([f"{source} tick-{kind.lower()}"] * table.num_rows, pa.string())
    out = pa.table(columns)
    crossed = count_crossed(out.column("bid"), out.column("ask")) if kind.lower() == "quote" else 0
    skipped = {"suspicious (vendor flag)": int(np.count_nonzero(suspicious))} if suspicious.any() else {}
    return Batch("ticks", out, origin, read, crossed=crossed, skipped=skipped, bad=bad)


def _types(names: tuple[str, ...]) -> dict[str, pa.DataType]:
    return {n: pa.string() if n in _TEXT else pa.int64() if n in _INTS else pa.float64() for n in names}


def _parse(data: bytes, names: tuple[str, ...]) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The CSV as typed columns (``ms`` renamed ``_ms``); on a parse error, line by line."""
    options = pacsv.ConvertOptions(column_types=_types(names), strings_can_be_null=True)
    read = pacsv.ReadOptions(column_names=list(names))
    try:
        table = pacsv.read_csv(io.BytesIO(data), read_options=read, convert_options=options)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _parse_slowly(data, names)
    table = table.rename_columns(["_ms" if n == "ms" else n for n in table.column_names])
    return table.append_column("_line", pa.array(np.arange(1, table.num_rows + 1))), []


def _parse_slowly(data: bytes, names: tuple[str, ...]) -> tuple[pa.Table, list[tuple[int, str]]]:
    types = _types(names)
    rows: dict[str, list[object]] = {n: [] for n in names}
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    text = data.decode("utf-8", errors="replace")
    for line, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields:
            continue
        if len(fields) != len(names):
            bad.append((line, f"{len(fields)} columns where {len(names)} were expected"))
            continue
        try:
            values = [_cell(v, n, types[n]) for v, n in zip(fields, names, strict=True)]
        except ValueError as exc:
            bad.append((line, str(exc)))
            continue
        for n, v in zip(names, values, strict=True):
            rows[n].append(v)
        lines.append(line)
    table = pa.table({("_ms" if n == "ms" else n): pa.array(rows[n], types[n]) for n in names})
    return table.append_column("_line", pa.array(lines, pa.int64())), bad


def _cell(raw: str, name: str, kind: pa.DataType) -> object:
    text = raw.strip()
    if kind == pa.string() or text == "":
        return text or None
    try:
        return int(text) if kind == pa.int64() else float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number") from None


def _validate(table: pa.Table, names: tuple[str, ...]) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Rows whose time is outside the day or whose prices are absurd are bad rows (named by line);
    an empty side is kept empty (its size too)."""
    ms = table.column("_ms").to_numpy(zero_copy_only=False)
    ms = np.where(np.isnan(ms.astype(np.float64)), -1, ms).astype(np.int64)
    reasons = np.full(table.num_rows, "", dtype=object)
    reasons[(ms < 0) | (ms >= 86_400_000)] = "time is not milliseconds within the file's day (0 … 86,399,999)"
    for name in names:
        if name in _INTS or name in _TEXT:
            continue
        values = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
        with np.errstate(invalid="ignore"):
            absurd = (values <= 0) | (values >= MAX_PRICE)
        reasons[absurd & (reasons == "")] = f"{name} is not a plausible price"
    for side in ("", "bid_", "ask_"):
        if f"{side}high" in names:
            high = table.column(f"{side}high").to_numpy(zero_copy_only=False).astype(np.float64)
            low = table.column(f"{side}low").to_numpy(zero_copy_only=False).astype(np.float64)
            with np.errstate(invalid="ignore"):
                reasons[(high < low) & (reasons == "")] = f"{side}high is below {side}low"
    bad_rows = np.flatnonzero(reasons != "")
    lines = table.column("_line").to_numpy()
    bad = [(int(lines[i]), str(reasons[i])) for i in bad_rows]
    table = table.filter(pa.array(reasons == "")) if len(bad_rows) else table
    for side in ("bid", "ask"):
        if f"{side}_size" in names and f"{side}_close" in names:
            size = table.column(f"{side}_size")
            empty = pc.is_null(table.column(f"{side}_close"))
            table = table.set_column(
                table.column_names.index(f"{side}_size"),
                f"{side}_size",
                pc.if_else(empty, pa.scalar(None, pa.int64()), size),
            )
    return table, bad
