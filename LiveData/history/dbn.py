"""Databento DBN files (``.dbn``, ``.dbn.zst``; zstandard, possibly several frames), decoded with
``databento-dbn``, the vendor's decoder. Pure: no Django.

The metadata (schema, version, symbology) comes from ``databento_dbn.Metadata``; the records are read
in bulk as a numpy structured array with the record type's own dtype (``MBP1Msg._dtypes``…), never
one Python object per record, except ``definition`` files (a few records, whose layout changed
between DBN versions: decoded and upgraded by ``DBNDecoder``).

What each schema becomes (prices fixed-point 1e-9 → points; ``UNDEF_PRICE`` → null; times UTC ns):

- ``mbp-1``: ticks at ``ts_recv`` (when the book was known): bid/ask and sizes of the top level; a
  trade record (action ``T``) also sets ``last`` and ``trade_size``.
- ``tbbo``: ticks, one per trade with the book before it: ``last``, ``trade_size``, bid, ask.
- ``bbo-1s``/``bbo-1m``: ticks, the book sampled at the interval's end (``ts_recv``), the last trade.
- ``trades``: ticks with ``last`` and ``trade_size``.
- ``ohlcv-1s``/``ohlcv-1m``: trade bars at ``ts_event`` (the bar's start).
- ``statistics``: settlement prices (``stat_type`` 3) and open interest (9), for the day of
  ``ts_ref`` when given (the trading date CME reports them for), else the CME day of ``ts_event``.
- ``definition``: raw symbol → contract, expiry and tick size (outright futures only).

Instrument ids are named by the file's symbology mappings (per date), else by definitions imported
before. Spreads (``ESU4-ESZ4``) and symbols that are not dated contracts are left out and counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import databento_dbn as dbn
import numpy as np
import pyarrow as pa
import zstandard

from LiveData.cme_days import cme_days
from LiveData.contracts import parse_contract
from LiveData.history.batches import Batch, HistoryFormatError, count_crossed, run_ordinals

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_TS = pa.timestamp("ns", tz="UTC")
_RECORDS: dict[str, Any] = {
    "mbp-1": dbn.MBP1Msg,
    "tbbo": dbn.MBP1Msg,
    "bbo-1s": dbn.BBOMsg,
    "bbo-1m": dbn.BBOMsg,
    "trades": dbn.TradeMsg,
    "ohlcv-1s": dbn.OHLCVMsg,
    "ohlcv-1m": dbn.OHLCVMsg,
    "statistics": dbn.StatMsg,
}
SCHEMAS = (*_RECORDS, "definition")
_SETTLEMENT = int(dbn.StatType.SETTLEMENT_PRICE.value)
_OPEN_INTEREST = int(dbn.StatType.OPEN_INTEREST.value)


def dbn_files(path: Path) -> list[Path]:
    """The DBN files at ``path`` (a file, or a folder searched recursively), definitions first (so
    that later files can name their instruments by them), then by name."""
    if path.is_file():
        return [path]
    found = [p for p in path.rglob("*") if p.is_file() and (p.name.endswith(".dbn") or p.name.endswith(".dbn.zst"))]
    return sorted(found, key=lambda p: ("definition" not in p.name, p.name))


def decompress(path: Path) -> bytes:
    """The DBN bytes of ``path``, zstandard frames (all of them) decompressed."""
    raw = path.read_bytes()
    if raw[:4] != _ZSTD_MAGIC:
        return raw
    with zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True) as reader:
        return reader.read()


def read_dbn(path: Path, *, source: str, known: Mapping[int, str] | None = None) -> Iterator[Batch]:
    """The :class:`Batch` of one DBN file. ``known``: instrument id → raw symbol from definitions
    imported before (used when the file has no symbology mappings). Raises
    :class:`HistoryFormatError` for a file that is not DBN or a schema Thor does not keep."""
    try:
        data = decompress(path)
        metadata = dbn.Metadata.decode(data)
    except (OSError, ValueError, zstandard.ZstdError, dbn.DBNError) as exc:
        raise HistoryFormatError(f"{path} is not a DBN file ({exc}); --format dbn reads .dbn and .dbn.zst") from exc
    schema = str(metadata.schema) if metadata.schema is not None else ""
    if schema not in SCHEMAS:
        raise HistoryFormatError(
            f"{path}: schema {schema or 'mixed'} is not one Thor keeps; it reads {', '.join(SCHEMAS)}"
        )
    body = data[8 + int.from_bytes(data[4:8], "little") :]
    origin = str(path)
    if schema == "definition":
        yield _definitions(data, origin=origin, source=source)
        return
    records = _records(body, _RECORDS[schema], version=metadata.version, origin=origin)
    codes, names = _names(records, metadata, known or {})
    yield _batch(schema, records, codes, names, origin=origin, source=source)


def _records(body: bytes, record: Any, *, version: int, origin: str) -> np.ndarray:
    """The body as one structured array of ``record``'s layout (DBN v1/v2 statistics have their own)."""
    if record is dbn.StatMsg and version < 3:
        record = dbn.v2.StatMsg
    dtype = np.dtype(list(record._dtypes))
    if len(body) % dtype.itemsize:
        raise HistoryFormatError(
            f"{origin}: {len(body)} bytes of records are not a whole number of {dtype.itemsize}-byte records "
            "(a truncated download? fetch the file again)"
        )
    records = np.frombuffer(body, dtype=dtype)
    if len(records) and np.any(records["length"].astype(np.int64) * 4 != dtype.itemsize):
        raise HistoryFormatError(f"{origin}: records of several types in one file; Thor reads one schema per file")
    return records


def _names(records: np.ndarray, metadata: Any, known: Mapping[int, str]) -> tuple[np.ndarray, list[str]]:
    """Each record's symbol as a code into the returned list of raw symbols (-1 when unknown), by the
    file's mappings valid on the record's date, else by the definitions imported before."""
    ids = records["instrument_id"]
    days = (records["ts_event"] // np.uint64(86_400_000_000_000)).astype("datetime64[D]")
    names: list[str] = []
    codes = np.full(len(records), -1, dtype=np.int32)

    def code_of(raw: str) -> int:
        if raw not in names:
            names.append(raw)
        return names.index(raw)

    for raw_symbol, intervals in (metadata.mappings or {}).items():
        for interval in intervals:
            try:
                instrument = int(interval["symbol"])
            except (TypeError, ValueError):
                continue
            start = np.datetime64(interval["start_date"], "D")
            end = np.datetime64(interval["end_date"], "D")
            codes[(ids == instrument) & (days >= start) & (days < end)] = code_of(str(raw_symbol))
    for instrument, raw_symbol in known.items():
        unnamed = codes == -1
        if not unnamed.any():
            break
        codes[unnamed & (ids == instrument)] = code_of(raw_symbol)
    return codes, names


def _prices(values: np.ndarray) -> np.ndarray:
    """Fixed-point 1e-9 → float64 points, NaN for ``UNDEF_PRICE``. Dividing by 1e9 (not multiplying by
    1e-9) gives the double nearest the decimal price: 5459.25 stays 5459.25, 1313.8 reads as 1313.8."""
    prices = values.astype(np.float64) / 1e9
    prices[values == dbn.UNDEF_PRICE] = np.nan
    return prices


def _contracts(codes: np.ndarray, names: list[str], ts: np.ndarray) -> tuple[list[str | None], list[str | None]]:
    """``(roots, contracts)``: Thor's names for each raw symbol of ``names`` (None for a spread or a
    symbol that is not a dated contract), the year completed from the first record naming it."""
    roots: list[str | None] = []
    contracts: list[str | None] = []
    for code, raw in enumerate(names):
        seen = np.flatnonzero(codes == code)
        if len(seen) == 0:  # a mapping no record uses
            roots.append(None)
            contracts.append(None)
            continue
        parsed = parse_contract(raw, near=datetime.fromtimestamp(int(ts[seen[0]]) / 1e9, tz=UTC).date())
        roots.append(parsed.root if parsed is not None else None)
        contracts.append(parsed.code if parsed is not None else None)
    return roots, contracts


def _decoded(codes: np.ndarray, values: list[str | None]) -> pa.Array:
    """A string column from per-record codes into ``values`` (decoded in Arrow, not in Python)."""
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(values, pa.string())).cast(pa.string())


def _constant(value: str, n: int) -> pa.Array:
    """A string column of ``n`` times ``value``."""
    return _decoded(np.zeros(n, dtype=np.int32), [value])


def _batch(schema: str, records: np.ndarray, codes: np.ndarray, names: list[str], *, origin: str, source: str) -> Batch:
    ts_field = "ts_event" if schema.startswith("ohlcv") else "ts_recv"
    ts = records[ts_field].astype(np.int64)
    roots, contracts = _contracts(codes, names, ts)
    outright_codes = np.array([c is not None for c in contracts] + [False], dtype=bool)
    outright = outright_codes[codes]  # code -1 reads the trailing False
    skipped = {}
    unnamed = int(np.count_nonzero(codes == -1))
    if unnamed:
        skipped["instrument id without a symbol (import the definition file first)"] = unnamed
    others = int(np.count_nonzero(~outright)) - unnamed
    if others:
        skipped["not a dated outright contract (a spread?)"] = others
    if not outright.all():
        records, ts, codes = records[outright], ts[outright], codes[outright]
    n = len(records)
    common: dict[str, Any] = {
        "ts": pa.array(ts, _TS),
        "symbol": _decoded(codes, roots),
        "contract": _decoded(codes, contracts),
        "source": _constant(source, n),
    }
    if schema.startswith("ohlcv"):
        bars = {
            **common,
            **{f: pa.array(_prices(records[f]), from_pandas=True) for f in ("open", "high", "low", "close")},
        }
        bars["volume"] = pa.array(records["volume"].astype(np.int64))
        return Batch("bars", pa.table(bars), origin, n + sum(skipped.values()), interval=schema[-2:], skipped=skipped)
    if schema == "statistics":
        return _statistics(records, common, origin=origin, skipped=skipped)
    ticks = dict(common)
    if "bid_px_00" in (records.dtype.names or ()):
        ticks["bid"] = pa.array(_prices(records["bid_px_00"]), from_pandas=True)
        ticks["ask"] = pa.array(_prices(records["ask_px_00"]), from_pandas=True)
        ticks["bid_size"] = pa.array(records["bid_sz_00"].astype(np.int64))
        ticks["ask_size"] = pa.array(records["ask_sz_00"].astype(np.int64))
    traded = np.ones(n, dtype=bool) if schema != "mbp-1" else records["action"] == b"T"
    price = _prices(records["price"])
    price[~traded] = np.nan
    ticks["last"] = pa.array(price, from_pandas=True)
    ticks["trade_size"] = pa.array(np.where(traded, records["size"].astype(np.int64), 0), mask=~traded)
    order = np.lexsort((ts, codes))
    seq = np.empty(n, dtype=np.int32)
    seq[order] = run_ordinals(codes[order], ts[order])
    ticks["seq"] = pa.array(seq)
    # The schema joins the source: one trade seen in mbp-1 and in trades is two records, not a repeat.
    ticks["source"] = _constant(f"{source} {schema}", n)
    table = pa.table(ticks)
    crossed = count_crossed(table.column("bid"), table.column("ask")) if "bid" in ticks else 0
    return Batch("ticks", table, origin, n + sum(skipped.values()), crossed=crossed, skipped=skipped)


def _statistics(records: np.ndarray, common: dict[str, Any], *, origin: str, skipped: dict[str, int]) -> Batch:
    kinds = records["stat_type"].astype(np.int64)
    wanted = (kinds == _SETTLEMENT) | (kinds == _OPEN_INTEREST)
    other = int(np.count_nonzero(~wanted))
    if other:
        skipped = {**skipped, "statistics other than settlement and open interest": other}
    value = np.where(kinds == _SETTLEMENT, _prices(records["price"]), records["quantity"].astype(np.float64))
    ts_ref = records["ts_ref"].astype(np.uint64)
    has_ref = ts_ref != np.uint64(dbn.UNDEF_TIMESTAMP)
    by_event = cme_days(pa.array(records["ts_event"].astype(np.int64), _TS))
    by_ref = (np.where(has_ref, ts_ref, 0).astype(np.int64) // 86_400_000_000_000).astype("datetime64[D]")
    day = np.where(has_ref, by_ref, by_event)
    table = pa.table(
        {
            **common,
            "day": pa.array(day),
            "stat": pa.array(np.where(kinds == _SETTLEMENT, "settlement", "open_interest").tolist(), pa.string()),
            "value": pa.array(value),
        }
    ).filter(pa.array(wanted))
    return Batch("statistics", table, origin, len(records) + sum(skipped.values()), skipped=skipped)


def _definitions(data: bytes, *, origin: str, source: str) -> Batch:
    decoder = dbn.DBNDecoder(upgrade_policy=dbn.VersionUpgradePolicy.UPGRADE_TO_V3)
    decoder.write(data)
    rows: dict[str, list[Any]] = {k: [] for k in ("symbol", "contract", "expiry", "tick_size", "instrument_id")}
    skipped = 0
    records = [r for r in decoder.decode() if isinstance(r, dbn.InstrumentDefMsg)]
    for record in records:
        near = datetime.fromtimestamp(record.ts_event / 1e9, tz=UTC).date()
        parsed = parse_contract(str(record.raw_symbol), near=near)
        if parsed is None or str(record.instrument_class) not in ("F", "InstrumentClass.FUTURE"):
            skipped += 1
            continue
        expiry = record.expiration if record.expiration != dbn.UNDEF_TIMESTAMP else None
        rows["symbol"].append(parsed.root)
        rows["contract"].append(parsed.code)
        rows["expiry"].append(expiry)
        rows["tick_size"].append(record.min_price_increment / 1e9)
        rows["instrument_id"].append(record.instrument_id)
    table = pa.table(
        {
            "symbol": pa.array(rows["symbol"], pa.string()),
            "contract": pa.array(rows["contract"], pa.string()),
            "expiry": pa.array(rows["expiry"], _TS),
            "tick_size": pa.array(rows["tick_size"], pa.float64()),
            "instrument_id": pa.array(rows["instrument_id"], pa.int64()),
            "source": pa.array([source] * len(rows["symbol"]), pa.string()),
        }
    )
    skips = {"not an outright future": skipped} if skipped else {}
    return Batch("contracts", table, origin, len(records), skipped=skips)


def expiry_date(ns: int | None) -> date | None:
    """A definition's expiration (UTC ns) as a date, None when unknown."""
    return None if ns is None else datetime.fromtimestamp(ns / 1e9, tz=UTC).date()
