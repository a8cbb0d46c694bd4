"""Where imported history lives, beside the tick archive (SPEC §15), all Parquet under
``THOR_TICK_DIR``::

    bars/1m/2013-10-07.parquet     1-minute bars of CME trading day 2013-10-07 (also bars/1s/)
    statistics/2013-10-07.parquet  settlement prices and open interest reported for that day
    contracts.parquet              what the definitions say of each contract (expiry, tick size)
    daily.parquet                  rows, volume, first/last time and last trade per contract, day,
                                   resolution and source: the index behind rolls, closes and health

Bars (:data:`BAR_SCHEMA`): ``ts`` is the bar's start (UTC ns); a bar covers [ts, ts + length);
trade ``open/high/low/close/volume``, ``bid_open … bid_close`` and ``bid_size`` (the last bid size),
the same for the ask; points, NaN-free (null where the bar had no such price). One row per
(``contract`` or ``symbol``, ``ts``): trade and quote bars of the same minute merge into one row, and
importing the same bars again changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from LiveData.archive import TickArchive, _write_atomically
from LiveData.cme_days import split_by_cme_day
from LiveData.history.rolls import Rolls

#: Bar lengths the archive keeps, finest first, in seconds.
INTERVALS = {"1s": 1, "1m": 60}
#: Resolutions a backtest can run at, finest first.
RESOLUTIONS = ("tick", *INTERVALS)

_TS = pa.timestamp("ns", tz="UTC")
_PRICE_COLUMNS = tuple(f"{side}{part}" for side in ("", "bid_", "ask_") for part in ("open", "high", "low", "close"))
BAR_SCHEMA = pa.schema(
    [
        ("ts", _TS),
        ("symbol", pa.string()),
        ("contract", pa.string()),
        *[(name, pa.float64()) for name in ("open", "high", "low", "close")],
        ("volume", pa.int64()),
        *[(f"bid_{name}", pa.float64()) for name in ("open", "high", "low", "close")],
        ("bid_size", pa.int64()),
        *[(f"ask_{name}", pa.float64()) for name in ("open", "high", "low", "close")],
        ("ask_size", pa.int64()),
        ("source", pa.string()),
    ]
)
#: ``stat``: ``settlement`` (price, points) or ``open_interest`` (contracts); ``day``: the CME
#: trading day the value is for.
STAT_SCHEMA = pa.schema(
    [
        ("ts", _TS),
        ("day", pa.date32()),
        ("symbol", pa.string()),
        ("contract", pa.string()),
        ("stat", pa.string()),
        ("value", pa.float64()),
        ("source", pa.string()),
    ]
)
CONTRACT_SCHEMA = pa.schema(
    [
        ("symbol", pa.string()),
        ("contract", pa.string()),
        ("expiry", _TS),
        ("tick_size", pa.float64()),
        ("instrument_id", pa.int64()),
        ("source", pa.string()),
    ]
)
DAILY_SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("symbol", pa.string()),
        ("contract", pa.string()),
        ("resolution", pa.string()),
        ("source", pa.string()),
        ("rows", pa.int64()),
        ("volume", pa.int64()),
        ("first_ts", _TS),
        ("last_ts", _TS),
        ("last_trade", pa.float64()),
        ("last_trade_ts", _TS),
    ]
)
_DAY_FILE = "{}.parquet"


@dataclass(frozen=True)
class Merge:
    """What writing a batch changed: ``stored`` rows new or completed (a quote bar added to its
    minute's trade bar), ``repeats`` rows the archive already had as they are."""

    stored: int
    repeats: int


def conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """``table`` with exactly ``schema``'s columns in order (absent ones null), cast to its types."""
    columns = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def _row_nulls(table: pa.Table) -> np.ndarray:
    counts = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        counts += pc.is_null(column).to_numpy(zero_copy_only=False).astype(np.int64)
    return counts


def _row_key(table: pa.Table) -> pa.ChunkedArray:
    """Bars' and ticks' identity: ``contract or symbol @ ts(ns)``; statistics add ``:stat``;
    contracts are keyed by ``contract`` alone."""
    if "ts" not in table.column_names:
        return table.column("contract")
    parts = [pc.coalesce(table.column("contract"), table.column("symbol"))]
    if "stat" in table.column_names:
        parts.append(table.column("stat"))
    parts.append(pc.cast(pc.cast(table.column("ts"), pa.int64()), pa.string()))
    return pc.binary_join_element_wise(*parts, "@")


def coalesce_merge(existing: pa.Table, new: pa.Table, schema: pa.Schema) -> tuple[pa.Table, Merge]:
    """One row per key (:func:`_row_key`) from ``existing`` and ``new``: for each column the first
    non-null value, the existing row's first (so nothing already stored changes, and a quote bar
    completes its minute's trade bar). Returns the merged table in key order and what changed."""
    existing = conform(existing, schema)
    combined = pa.concat_tables([existing, conform(new, schema)])
    combined = combined.append_column("_key", _row_key(combined))
    others = [name for name in schema.names]
    grouped = combined.group_by(["_key"], use_threads=False).aggregate([(n, "first") for n in others])
    merged = pa.Table.from_arrays(
        [grouped.column(f"{n}_first") for n in others] + [grouped.column("_key")], names=[*others, "_key"]
    )
    merged = conform(merged, schema).append_column("_key", grouped.column("_key")).sort_by("_key")
    if existing.num_rows:
        before = existing.append_column("_key", _row_key(existing)).sort_by("_key")
        had = pc.is_in(merged.column("_key"), value_set=before.column("_key").combine_chunks())
        had_mask = had.to_numpy(zero_copy_only=False)
        completed = int(np.count_nonzero(_row_nulls(merged.filter(had)) < _row_nulls(before)))
    else:
        had_mask = np.zeros(merged.num_rows, dtype=bool)
        completed = 0
    added = int(np.count_nonzero(~had_mask))
    merged = merged.drop_columns(["_key"])
    if "ts" in schema.names:
        merged = merged.sort_by([("ts", "ascending")])
    return merged, Merge(stored=added + completed, repeats=new.num_rows - added - completed)


class HistoryArchive:
    """Bars, statistics, contracts and the daily index under ``root`` (the tick archive's folder);
    ``ticks``: the :class:`~LiveData.archive.TickArchive` beside them."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.ticks = TickArchive(self.root)

    # --- paths ----------------------------------------------------------------------------------
    def bar_file(self, interval: str, day: date) -> Path:
        """The bars of length ``interval`` (``1s``, ``1m``) of CME trading day ``day``."""
        return self.root / "bars" / interval / _DAY_FILE.format(day.isoformat())

    def stat_file(self, day: date) -> Path:
        """The statistics (settlements, open interest) reported for CME trading day ``day``."""
        return self.root / "statistics" / _DAY_FILE.format(day.isoformat())

    @property
    def contracts_file(self) -> Path:
        """The contract definitions (:data:`CONTRACT_SCHEMA`)."""
        return self.root / "contracts.parquet"

    @property
    def daily_file(self) -> Path:
        """The daily index (:data:`DAILY_SCHEMA`)."""
        return self.root / "daily.parquet"

    def _ensure(self, folder: Path) -> None:
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
            # A platform without POSIX modes (Windows) keeps the folder's inherited permissions.
            with contextlib.suppress(OSError):
                folder.chmod(0o700)

    def bar_days(self, interval: str) -> list[date]:
        """The CME trading days with bars of length ``interval``, oldest first."""
        folder = self.root / "bars" / interval
        if not folder.exists():
            return []
        return sorted(date.fromisoformat(p.stem) for p in folder.glob("????-??-??.parquet"))

    # --- writing --------------------------------------------------------------------------------
    def _merge_file(self, path: Path, table: pa.Table, schema: pa.Schema, *, dry_run: bool) -> Merge:
        existing = pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()
        merged, merge = coalesce_merge(existing, table, schema)
        if merge.stored and not dry_run:
            self._ensure(path.parent)
            _write_atomically(merged, path)
        return merge

    def write_bars(self, interval: str, table: pa.Table, *, dry_run: bool = False) -> dict[date, Merge]:
        """Merge bars of length ``interval`` into their days' files (see :func:`coalesce_merge`).
        Returns what changed per CME trading day. Raises ``OSError`` when the disk refuses."""
        if interval not in INTERVALS:
            raise ValueError(f"interval {interval!r} is not one of {', '.join(INTERVALS)}")
        return {
            day: self._merge_file(self.bar_file(interval, day), rows, BAR_SCHEMA, dry_run=dry_run)
            for day, rows in split_by_cme_day(table)
        }

    def write_ticks(self, table: pa.Table, *, dry_run: bool = False) -> dict[date, Merge]:
        """Archive a vendor's ticks in the tick archive (each record once; see
        :meth:`~LiveData.archive.TickArchive.import_table`)."""
        return {day: Merge(*counts) for day, counts in self.ticks.import_table(table, dry_run=dry_run).items()}

    def write_statistics(self, table: pa.Table, *, dry_run: bool = False) -> dict[date, Merge]:
        """Merge statistics rows (:data:`STAT_SCHEMA`) into the files of the days they are for, one
        row per (contract, statistic, instant)."""
        table = conform(table, STAT_SCHEMA)
        days = table.column("day").to_numpy(zero_copy_only=False)
        changes: dict[date, Merge] = {}
        for value in np.unique(days):
            day = value.astype(object) if isinstance(value, np.datetime64) else value
            path = self.stat_file(day)
            changes[day] = self._merge_file(path, table.filter(pa.array(days == value)), STAT_SCHEMA, dry_run=dry_run)
        return changes

    def write_contracts(self, table: pa.Table, *, dry_run: bool = False) -> Merge:
        """Record contract definitions (:data:`CONTRACT_SCHEMA`), one row per contract (the first
        definition's values kept; later ones fill what it lacked)."""
        return self._merge_file(self.contracts_file, table, CONTRACT_SCHEMA, dry_run=dry_run)

    # --- reading --------------------------------------------------------------------------------
    def read_bar_days(
        self, interval: str, start: datetime, end: datetime, *, symbols: Iterable[str] | None = None
    ) -> list[pa.Table]:
        """Bars of length ``interval`` starting in [``start``, ``end``), one table per CME trading
        day in day order (each in time order), optionally of ``symbols`` (roots) only."""
        first, last = _cme_day(start), _cme_day(end)
        lo, hi = pa.scalar(start, _TS), pa.scalar(end, _TS)
        wanted = pa.array(sorted(set(symbols)), pa.string()) if symbols is not None else None
        tables = []
        for day in self.bar_days(interval):
            if not first <= day <= last:
                continue
            # ParquetFile reads a whole file without the dataset machinery (2-3x faster for many days).
            table = conform(pq.ParquetFile(self.bar_file(interval, day)).read(), BAR_SCHEMA)
            if day in (first, last):  # only these can hold bars outside [start, end)
                ts = table.column("ts")
                table = table.filter(pc.and_(pc.greater_equal(ts, lo), pc.less(ts, hi)))
            if wanted is not None:
                table = table.filter(pc.is_in(table.column("symbol"), value_set=wanted))
            if table.num_rows:
                tables.append(table)
        return tables

    def read_bars(
        self, interval: str, start: datetime, end: datetime, *, symbols: Iterable[str] | None = None
    ) -> pa.Table:
        """Bars of length ``interval`` starting in [``start``, ``end``), in time order (the days'
        tables of :meth:`read_bar_days` end to end), optionally of ``symbols`` (roots) only."""
        tables = self.read_bar_days(interval, start, end, symbols=symbols)
        return pa.concat_tables(tables) if tables else BAR_SCHEMA.empty_table()

    def statistics(self, *, days: Iterable[date] | None = None) -> pa.Table:
        """Statistics rows, of ``days`` only when given (all days otherwise)."""
        folder = self.root / "statistics"
        if not folder.exists():
            return STAT_SCHEMA.empty_table()
        wanted = set(days) if days is not None else None
        tables = [
            pq.read_table(p, schema=STAT_SCHEMA)
            for p in sorted(folder.glob("????-??-??.parquet"))
            if wanted is None or date.fromisoformat(p.stem) in wanted
        ]
        return pa.concat_tables(tables) if tables else STAT_SCHEMA.empty_table()

    def contracts(self) -> pa.Table:
        """Every defined contract (:data:`CONTRACT_SCHEMA`)."""
        if not self.contracts_file.exists():
            return CONTRACT_SCHEMA.empty_table()
        return pq.read_table(self.contracts_file, schema=CONTRACT_SCHEMA)

    def expiries(self) -> dict[str, date]:
        """Contract → expiry date, from the definitions imported (DBN ``definition``)."""
        table = self.contracts()
        return {
            c: e.date()
            for c, e in zip(table.column("contract").to_pylist(), table.column("expiry").to_pylist(), strict=True)
            if e is not None
        }

    def daily(self) -> pa.Table:
        """The daily index (:data:`DAILY_SCHEMA`): one row per day, symbol, contract, resolution and
        source."""
        if not self.daily_file.exists():
            return DAILY_SCHEMA.empty_table()
        return pq.read_table(self.daily_file, schema=DAILY_SCHEMA)

    def rolls(self, rule: str = "volume") -> Rolls:
        """The front months of every root by ``rule`` (``volume`` or ``open-interest``), from the
        daily index, the definitions' expiries and the open interest imported. Raises
        ``ValueError`` for an unknown rule."""
        return Rolls(self.daily(), expiries=self.expiries(), open_interest=self.statistics(), rule=rule)

    # --- the daily index ------------------------------------------------------------------------
    def reindex(self, days: Iterable[date], *, dry_run: bool = False) -> None:
        """Rebuild the daily index's rows of ``days`` from the ticks and bars stored for them."""
        days = sorted(set(days))
        if not days or dry_run:
            return
        tables = []
        for day in days:
            ticks = self.ticks.read_day(
                day, columns=["ts", "symbol", "contract", "source", "last", "trade_size", "volume"]
            )
            if ticks.num_rows:
                tables.append(_summarise(day, "tick", ticks, price="last", size="trade_size"))
            for interval in INTERVALS:
                path = self.bar_file(interval, day)
                if path.exists():
                    bars = pq.read_table(
                        path, schema=BAR_SCHEMA, columns=["ts", "symbol", "contract", "source", "close", "volume"]
                    )
                    tables.append(_summarise(day, interval, bars, price="close", size="volume"))
        old = self.daily()
        keep = pc.invert(pc.is_in(old.column("day"), value_set=pa.array(days, pa.date32())))
        merged = pa.concat_tables([old.filter(keep), *tables]) if tables else old.filter(keep)
        self._ensure(self.root)
        _write_atomically(
            merged.sort_by([("day", "ascending"), ("symbol", "ascending"), ("contract", "ascending")]), self.daily_file
        )


def _cme_day(at: datetime) -> date:
    from LiveData.ticks import cme_trading_day

    return cme_trading_day(at)


def _summarise(day: date, resolution: str, table: pa.Table, *, price: str, size: str) -> pa.Table:
    """One daily-index row per (symbol, contract, source) of one day's ticks or bars."""
    table = table.append_column("_contract", pc.fill_null(table.column("contract"), ""))
    traded = pc.is_valid(table.column(price))
    table = table.append_column("_trade_ts", pc.if_else(traded, table.column("ts"), pa.scalar(None, _TS)))
    # In time order, "last" (nulls skipped) is each group's last trade price: one ordered pass.
    table = table.sort_by([("ts", "ascending")])
    grouped = table.group_by(["symbol", "_contract", "source"], use_threads=False).aggregate(
        [
            ("ts", "count"),
            (size, "sum"),
            ("ts", "min"),
            ("ts", "max"),
            ("_trade_ts", "max"),
            (price, "last"),
        ]
    )
    n = grouped.num_rows
    contract = pc.if_else(
        pc.equal(grouped.column("_contract"), ""), pa.scalar(None, pa.string()), grouped.column("_contract")
    )
    return pa.Table.from_arrays(
        [
            pa.array([day] * n, pa.date32()),
            grouped.column("symbol"),
            contract,
            pa.array([resolution] * n, pa.string()),
            grouped.column("source"),
            grouped.column("ts_count").cast(pa.int64()),
            grouped.column(f"{size}_sum").cast(pa.int64()),
            grouped.column("ts_min"),
            grouped.column("ts_max"),
            grouped.column(f"{price}_last").cast(pa.float64()),
            grouped.column("_trade_ts_max"),
        ],
        schema=DAILY_SCHEMA,
    )


def get_history_archive() -> HistoryArchive:
    """The history beside the tick archive at ``settings.THOR_TICK_DIR``."""
    from django.conf import settings

    return HistoryArchive(settings.THOR_TICK_DIR)
