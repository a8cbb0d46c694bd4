"""The tick archive: every quote Thor saw, kept durably in Parquet, one file per CME trading day
(SPEC §13).

Layout under ``root`` (``THOR_TICK_DIR``, default ``var/ticks/``)::

    2025-12-01.parquet            a finished (compacted) CME trading day, sorted by ts
    2025-12-02.parts/p-*.parquet  the day being written: one small part per recorder flush
    2025-12-02.parts/m-*.parquet  parts merged when there are more than MAX_SMALL_PARTS of them

Columns (:data:`SCHEMA`): ``ts`` (UTC, ns), ``symbol``, ``bid``, ``ask``, ``last``, ``bid_size``,
``ask_size``, ``volume`` (cumulative), ``close`` (previous settlement), ``change``, ``high_24h``,
``low_24h``, ``source``, and ``stream_id`` (the quote stream entry a tick came from; null for
imported ticks). Every file is written to a temporary name, flushed to disk and renamed, so a crash
leaves either the whole file or none of it. Reading a day merges the day file and its parts,
dropping repeats (the same stream entry, or the same symbol at the same instant), in time order.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from LiveData.cme_days import split_by_cme_day
from LiveData.ticks import CONTRACT_FIELDS, TICK_FIELDS, cme_day_end, cme_trading_day, to_ns

logger = logging.getLogger(__name__)

SCHEMA = pa.schema(
    [
        ("ts", pa.timestamp("ns", tz="UTC")),
        ("symbol", pa.string()),
        ("bid", pa.float64()),
        ("ask", pa.float64()),
        ("last", pa.float64()),
        ("close", pa.float64()),
        ("change", pa.float64()),
        ("high_24h", pa.float64()),
        ("low_24h", pa.float64()),
        ("bid_size", pa.int64()),
        ("ask_size", pa.int64()),
        ("volume", pa.int64()),
        ("source", pa.string()),
        ("stream_id", pa.string()),
        ("contract", pa.string()),
        ("trade_size", pa.int64()),
        ("seq", pa.int32()),
    ]
)
assert tuple(SCHEMA.names) == TICK_FIELDS

ROW_GROUP_ROWS = 131_072
#: Small parts of the open day merged into one when there are more than this many.
MAX_SMALL_PARTS = 64
_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.parquet$")
_DAY_PARTS = re.compile(r"^(\d{4}-\d{2}-\d{2})\.parts$")


def table_from_ticks(ticks: Iterable[dict[str, Any]]) -> pa.Table:
    """Tick rows (``LiveData.ticks`` shape) → an Arrow table with :data:`SCHEMA`."""
    rows = list(ticks)
    columns = {name: [row.get(name) for row in rows] for name in SCHEMA.names}
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not every platform opens directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` so that a crash leaves the whole file or nothing (temporary file,
    fsync, rename, fsync of the directory); the file is readable by its owner only."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # Row groups of 128k rows: a sorted day file then lets a time-range read skip most of it.
        pq.write_table(table, tmp, compression="zstd", row_group_size=ROW_GROUP_ROWS)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.chmod(0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    _fsync_dir(path.parent)


def dedupe(table: pa.Table) -> pa.Table:
    """``table`` in time order without repeats: one row per stream entry, and one per (symbol, ts)
    among rows without a stream id (imports). The first occurrence is kept (stable sort)."""
    if table.num_rows == 0:
        return table
    table = table.sort_by([("ts", "ascending")])
    by_instant = instant_keys(table)
    keys = pc.if_else(
        pc.is_null(table.column("stream_id")),
        by_instant,
        pc.binary_join_element_wise("#", table.column("stream_id"), ""),
    )
    index = pa.table({"key": keys, "i": pa.array(np.arange(table.num_rows))})
    first = index.group_by("key").aggregate([("i", "min")]).column("i_min").to_numpy()
    if len(first) == table.num_rows:
        return table
    return table.take(pa.array(np.sort(first)))


def instant_keys(table: pa.Table) -> pa.ChunkedArray:
    """Each row's identity among rows without a stream id: ``contract or symbol @ ts(ns) @ seq @
    source`` (``seq`` tells apart a vendor's records of one contract at one instant, and ``source``
    names the vendor's schema too — a trade in ``databento mbp-1`` is not a repeat of the same trade
    in ``databento trades``)."""
    seq = pc.fill_null(pc.cast(table.column("seq"), pa.string()), "")
    return pc.binary_join_element_wise(
        pc.coalesce(table.column("contract"), table.column("symbol")),
        pc.cast(pc.cast(table.column("ts"), pa.int64()), pa.string()),
        seq,
        pc.fill_null(table.column("source"), ""),
        "@",
    )


class TickArchive:
    """Reads and writes the archive under ``root``.

    ``retention_days``: days older than this many before today are deleted by :meth:`compact_finished`
    (None = keep everything, ``THOR_TICK_RETENTION_DAYS``).
    """

    def __init__(self, root: str | Path, *, retention_days: int | None = None) -> None:
        self.root = Path(root)
        self.retention_days = retention_days

    # --- paths ----------------------------------------------------------------------------------
    def _ensure_root(self) -> None:
        if not self.root.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            self.root.chmod(0o700)

    def day_file(self, day: date) -> Path:
        """The compacted file of CME trading day ``day``."""
        return self.root / f"{day.isoformat()}.parquet"

    def parts_dir(self, day: date) -> Path:
        """The folder of the parts of ``day`` not compacted yet."""
        return self.root / f"{day.isoformat()}.parts"

    def days(self) -> list[date]:
        """Every CME trading day the archive holds ticks for, oldest first."""
        if not self.root.exists():
            return []
        found: set[date] = set()
        for entry in self.root.iterdir():
            match = _DAY_FILE.match(entry.name) or _DAY_PARTS.match(entry.name)
            if match:
                found.add(date.fromisoformat(match.group(1)))
        return sorted(found)

    def _files(self, day: date) -> list[Path]:
        files = []
        if self.day_file(day).exists():
            files.append(self.day_file(day))
        parts = self.parts_dir(day)
        if parts.exists():
            files += sorted(p for p in parts.iterdir() if p.suffix == ".parquet" and not p.name.startswith("."))
        return files

    # --- writing --------------------------------------------------------------------------------
    def append(self, ticks: Iterable[dict[str, Any]]) -> int:
        """Write ``ticks`` durably: one new part per CME trading day they fall on. Returns how many
        rows were written. When this returns, the rows are on disk (the caller may acknowledge them).
        Raises ``OSError`` when the disk refuses."""
        by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for tick in ticks:
            by_day[cme_trading_day(tick["ts"])].append(tick)
        if not by_day:
            return 0
        return sum(self.append_table(table_from_ticks(rows), day=day) for day, rows in sorted(by_day.items()))

    def append_table(self, table: pa.Table, *, day: date) -> int:
        """Write ``table`` (rows of CME trading day ``day``; :data:`SCHEMA` columns, ``source`` and
        any may be absent: null) durably as one new part of that day. Returns its rows."""
        if table.num_rows == 0:
            return 0
        table = pa.Table.from_arrays(
            [
                table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
                for f in SCHEMA
            ],
            schema=SCHEMA,
        )
        self._ensure_root()
        parts = self.parts_dir(day)
        parts.mkdir(exist_ok=True)
        parts.chmod(0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        _write_atomically(table, parts / f"p-{stamp}-{uuid.uuid4().hex[:6]}.parquet")
        self._merge_small_parts(day)
        return table.num_rows

    def import_ticks(self, ticks: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Archive ticks from outside the stream (a CSV import), each (symbol, instant) once: ticks
        already in the archive, or repeated in ``ticks``, are left out. Returns ``(stored, repeats)``."""
        by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for tick in ticks:
            by_day[cme_trading_day(tick["ts"])].append(tick)
        stored = repeats = 0
        for day, rows in sorted(by_day.items()):
            known = self.keys(day)
            fresh = []
            for row in rows:
                key = (row["symbol"], to_ns(row["ts"]))
                if key in known:
                    repeats += 1
                    continue
                known.add(key)
                fresh.append(row)
            stored += self.append(fresh)
        return stored, repeats

    def import_table(self, table: pa.Table, *, dry_run: bool = False) -> dict[date, tuple[int, int]]:
        """Archive a vendor's ticks (an Arrow table with :data:`SCHEMA`'s columns; ``stream_id``
        null), each record once: rows whose identity (:func:`instant_keys`) is already in the archive
        or earlier in ``table`` are left out. Vectorised, for millions of rows; ``dry_run`` counts
        without writing. Returns ``(stored, repeats)`` per CME trading day. Raises ``OSError`` when
        the disk refuses."""
        counts: dict[date, tuple[int, int]] = {}
        for name in (*CONTRACT_FIELDS, "source", "stream_id"):
            if name not in table.column_names:
                table = table.append_column(name, pa.nulls(table.num_rows, SCHEMA.field(name).type))
        for day, rows in split_by_cme_day(table):
            keys = instant_keys(rows)
            existing = self.read_day(day, columns=["ts", "symbol", "contract", "seq", "source"])
            keep = pc.invert(pc.is_in(keys, value_set=instant_keys(existing).combine_chunks())).to_numpy(
                zero_copy_only=False
            )
            # Repeats inside the batch itself (a file imported twice in one command): first occurrence kept.
            index = pa.table({"key": keys, "i": pa.array(np.arange(rows.num_rows))})
            first = index.group_by("key").aggregate([("i", "min")]).column("i_min").to_numpy()
            if len(first) < rows.num_rows:
                once = np.zeros(rows.num_rows, dtype=bool)
                once[first] = True
                keep &= once
            kept = rows.filter(pa.array(keep))
            if kept.num_rows and not dry_run:
                self.append_table(kept.sort_by([("ts", "ascending")]), day=day)
            counts[day] = (kept.num_rows, rows.num_rows - kept.num_rows)
        return counts

    def _merge_small_parts(self, day: date) -> None:
        parts = self.parts_dir(day)
        small = sorted(p for p in parts.glob("p-*.parquet"))
        if len(small) <= MAX_SMALL_PARTS:
            return
        merged = dedupe(pa.concat_tables([pq.read_table(p, schema=SCHEMA) for p in small]))
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        _write_atomically(merged, parts / f"m-{stamp}.parquet")
        for path in small:
            path.unlink()
        _fsync_dir(parts)

    def compact(self, day: date) -> int:
        """Merge ``day``'s parts (and any earlier day file) into one sorted, de-duplicated day file,
        then remove the parts. Safe to repeat after a crash at any point. Returns the day's rows."""
        files = self._files(day)
        if not files:
            return 0
        parts = self.parts_dir(day)
        if not parts.exists():
            return pq.read_metadata(self.day_file(day)).num_rows
        table = dedupe(pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in files]))
        _write_atomically(table, self.day_file(day))
        shutil.rmtree(parts)
        _fsync_dir(self.root)
        return table.num_rows

    def compact_finished(self, *, today: date) -> list[date]:
        """Compact every day before CME trading day ``today`` that still has parts, and delete days
        older than the retention. Returns the days compacted."""
        done = []
        for day in self.days():
            if day < today and self.parts_dir(day).exists():
                rows = self.compact(day)
                logger.info("tick archive: compacted %s (%d ticks)", day.isoformat(), rows)
                done.append(day)
        if self.retention_days is not None:
            cutoff = today - timedelta(days=self.retention_days)
            for day in self.days():
                if day < cutoff:
                    self.day_file(day).unlink(missing_ok=True)
                    shutil.rmtree(self.parts_dir(day), ignore_errors=True)
                    logger.info("tick archive: removed %s (older than %d days)", day.isoformat(), self.retention_days)
        return done

    # --- reading --------------------------------------------------------------------------------
    def read_day(self, day: date, *, columns: list[str] | None = None, filters: Any = None) -> pa.Table:
        """All ticks of CME trading day ``day`` in time order, without repeats (empty when none);
        ``filters`` (pyarrow's DNF, e.g. on ``ts``) are applied while reading."""
        files = self._files(day)
        if not files:
            empty = SCHEMA.empty_table()
            return empty.select(columns) if columns else empty
        if len(files) == 1 and not self.parts_dir(day).exists():
            return pq.read_table(files[0], schema=SCHEMA, columns=columns, filters=filters)
        tables = [pq.read_table(f, schema=SCHEMA, filters=filters) for f in files]
        table = dedupe(pa.concat_tables(tables))
        return table.select(columns) if columns else table

    def read(self, start: datetime, end: datetime, *, symbols: Iterable[str] | None = None) -> pa.Table:
        """Ticks with ``start <= ts < end`` (aware instants), in time order, optionally of
        ``symbols`` only."""
        bounds = [
            ("ts", ">=", pa.scalar(start.astimezone(UTC), pa.timestamp("ns", tz="UTC"))),
            ("ts", "<", pa.scalar(end.astimezone(UTC), pa.timestamp("ns", tz="UTC"))),
        ]
        if symbols is not None:
            bounds.append(("symbol", "in", sorted(set(symbols))))
        tables = [self.read_day(day, filters=bounds) for day in self._days_between(start, end)]
        tables = [t for t in tables if t.num_rows]
        return pa.concat_tables(tables) if tables else SCHEMA.empty_table()

    def iter_ticks(self, start: datetime, end: datetime, *, batch_rows: int = 50_000) -> Iterator[dict[str, Any]]:
        """The ticks of :meth:`read` one day at a time, as dicts (``ts`` an aware datetime)."""
        for day in self._days_between(start, end):
            table = self.read(max(start, _day_start(day)), min(end, _day_start(day + timedelta(days=1))))
            # Microseconds, so that rows hold plain datetimes (ticks from the stream have no finer time).
            table = table.set_column(0, "ts", table.column("ts").cast(pa.timestamp("us", tz="UTC"), safe=False))
            for batch in table.to_batches(max_chunksize=batch_rows):
                yield from batch.to_pylist()

    def last_tick_time(self) -> datetime | None:
        """The time of the newest tick in the archive (what it covers up to), or None when empty."""
        for day in reversed(self.days()):
            ts = self.read_day(day, columns=["ts"]).column("ts")
            if len(ts):
                latest = pc.max(ts).as_py()
                return latest.astimezone(UTC) if latest is not None else None
        return None

    def stream_ids(self, day: date) -> set[str]:
        """The stream entry ids already archived on ``day`` (to skip entries written before a crash)."""
        column = self.read_day(day, columns=["stream_id"]).column("stream_id")
        return {v for v in column.to_pylist() if v is not None}

    def keys(self, day: date) -> set[tuple[str, int]]:
        """``(symbol, ts in ns)`` of every tick on ``day`` (to import the same ticks only once)."""
        table = self.read_day(day, columns=["symbol", "ts"])
        return set(
            zip(table.column("symbol").to_pylist(), table.column("ts").cast(pa.int64()).to_pylist(), strict=True)
        )

    def _days_between(self, start: datetime, end: datetime) -> list[date]:
        first, last = cme_trading_day(start), cme_trading_day(end)
        return [d for d in self.days() if first <= d <= last]


def _day_start(day: date) -> datetime:
    return cme_day_end(day - timedelta(days=1)).astimezone(UTC)


def get_tick_archive() -> TickArchive:
    """The archive at ``settings.THOR_TICK_DIR`` with ``THOR_TICK_RETENTION_DAYS``."""
    from django.conf import settings

    return TickArchive(settings.THOR_TICK_DIR, retention_days=settings.THOR_TICK_RETENTION_DAYS)
