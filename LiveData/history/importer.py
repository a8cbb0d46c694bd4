"""``import_history``: vendor files into the archive (SPEC §15). No Django: the command passes the
archive in.

Each input file is read by its format's reader into :class:`~LiveData.history.batches.Batch` es,
which are written together (one rewrite of each day file per input file), then the daily index of
the days touched is rebuilt. Importing the same data again stores nothing: bars and statistics merge
on (contract, start), ticks on (contract, instant, ordinal, source).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from LiveData.cme_days import cme_days
from LiveData.history.bars_csv import bar_csv_files, read_bars_csv
from LiveData.history.batches import Batch, HistoryFormatError
from LiveData.history.dbn import dbn_files, read_dbn
from LiveData.history.lean import lean_files, read_lean
from LiveData.history.store import HistoryArchive

FORMATS = ("lean", "dbn", "bars-csv")
#: The source recorded when ``--source`` is not given: LEAN's futures data are AlgoSeek's.
DEFAULT_SOURCES = {"lean": "algoseek", "dbn": "databento", "bars-csv": "bars-csv"}


@dataclass
class ImportReport:
    """What an import did. ``rows``: ``(resolution, contract, CME day)`` → rows read; ``stored`` and
    ``repeats`` by ``(resolution, CME day)``; ``crossed``: locked or crossed quotes kept, by the same
    key as ``rows``; ``skipped``: rows left out on purpose, by reason; ``bad``: ``(file, line,
    reason)``; ``files``: how many files were read; ``contracts``: definitions stored."""

    rows: Counter[tuple[str, str, date]] = field(default_factory=Counter)
    crossed: Counter[tuple[str, str, date]] = field(default_factory=Counter)
    stored: Counter[tuple[str, date]] = field(default_factory=Counter)
    repeats: Counter[tuple[str, date]] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    bad: list[tuple[str, int, str]] = field(default_factory=list)
    files: int = 0
    contracts: int = 0

    @property
    def total_stored(self) -> int:
        return sum(self.stored.values())

    @property
    def total_repeats(self) -> int:
        return sum(self.repeats.values())


def input_files(paths: list[Path], fmt: str) -> list[Path]:
    """Every file of format ``fmt`` at ``paths`` (files, or folders searched recursively). Raises
    :class:`HistoryFormatError` naming a path that does not exist."""
    finder = {"lean": lean_files, "dbn": dbn_files, "bars-csv": bar_csv_files}[fmt]
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise HistoryFormatError(f"{path} does not exist")
        files += finder(path)
    if fmt == "dbn":  # definitions first, across folders too
        files.sort(key=lambda p: "definition" not in p.name)
    return files


def _batches(path: Path, fmt: str, *, source: str, interval: str | None, known: dict[int, str]) -> Iterator[Batch]:
    if fmt == "lean":
        return read_lean(path, source=source)
    if fmt == "dbn":
        return read_dbn(path, source=source, known=known)
    return read_bars_csv(path, source=source, interval=interval)


def import_history(
    paths: list[Path],
    *,
    fmt: str,
    archive: HistoryArchive,
    source: str | None = None,
    interval: str | None = None,
    dry_run: bool = False,
    progress: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every file of ``fmt`` at ``paths`` into ``archive``; ``dry_run`` reads and counts
    without writing. ``progress(file)`` is called after each file. Raises
    :class:`HistoryFormatError` for a file that cannot be read as a whole (after importing the
    files before it) and ``OSError`` when the disk refuses."""
    if fmt not in FORMATS:
        raise HistoryFormatError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    source = source or DEFAULT_SOURCES[fmt]
    report = ImportReport()
    known = _known_instruments(archive)
    touched: set[date] = set()
    try:
        for path in input_files(paths, fmt):
            batches = list(_batches(path, fmt, source=source, interval=interval, known=known))
            for batch in batches:
                _count(batch, report)
            touched |= _write(batches, archive, report, dry_run=dry_run)
            for batch in batches:
                if batch.kind == "contracts":
                    ids = batch.table.column("instrument_id").to_pylist()
                    known.update(zip(ids, batch.table.column("contract").to_pylist(), strict=True))
            report.files += 1
            if progress is not None:
                progress(path)
    finally:
        # Also when a later file fails: the days already written are indexed (rolls, closes, health).
        archive.reindex(touched, dry_run=dry_run)
    return report


def _known_instruments(archive: HistoryArchive) -> dict[int, str]:
    table = archive.contracts()
    return {
        int(i): str(c)
        for i, c in zip(table.column("instrument_id").to_pylist(), table.column("contract").to_pylist(), strict=True)
        if i is not None
    }


def _resolution(batch: Batch) -> str:
    return {"ticks": "tick", "bars": batch.interval or "", "statistics": "statistics"}.get(batch.kind, batch.kind)


def _count(batch: Batch, report: ImportReport) -> None:
    """Fold one batch's rows, crossed quotes, skips and bad rows into ``report`` (grouped in Arrow)."""
    report.skipped.update(batch.skipped)
    report.bad += [(batch.origin, line, reason) for line, reason in batch.bad]
    table = batch.table
    if batch.kind == "contracts" or table.num_rows == 0:
        return
    days = table.column("day") if batch.kind == "statistics" else pa.array(cme_days(table.column("ts")))
    names = pc.coalesce(table.column("contract"), table.column("symbol"))
    crossed = np.zeros(table.num_rows, dtype=np.int64)
    if batch.crossed:
        bid, ask = ("bid_close", "ask_close") if batch.kind == "bars" else ("bid", "ask")
        b = table.column(bid).to_numpy(zero_copy_only=False).astype(np.float64)
        a = table.column(ask).to_numpy(zero_copy_only=False).astype(np.float64)
        with np.errstate(invalid="ignore"):
            crossed = (b >= a).astype(np.int64)
    counts = pa.table({"name": names, "day": days, "crossed": crossed}).group_by(["name", "day"])
    resolution = _resolution(batch)
    for row in counts.aggregate([("crossed", "count"), ("crossed", "sum")]).to_pylist():
        report.rows[(resolution, row["name"], row["day"])] += row["crossed_count"]
        if row["crossed_sum"]:
            report.crossed[(resolution, row["name"], row["day"])] += row["crossed_sum"]


def _write(batches: list[Batch], archive: HistoryArchive, report: ImportReport, *, dry_run: bool) -> set[date]:
    """Write one file's batches, a table per kind and bar length. Returns the CME days written."""
    groups: dict[tuple[str, str | None], list[pa.Table]] = defaultdict(list)
    for batch in batches:
        if batch.table.num_rows:
            groups[(batch.kind, batch.interval)].append(batch.table)
    touched: set[date] = set()
    for (kind, interval), tables in groups.items():
        if kind == "contracts":
            report.contracts += archive.write_contracts(
                pa.concat_tables(tables, promote_options="default"), dry_run=dry_run
            ).stored
            continue
        table = pa.concat_tables(tables, promote_options="default")
        if kind == "bars":
            assert interval is not None
            changes = archive.write_bars(interval, table, dry_run=dry_run)
            resolution = interval
        elif kind == "statistics":
            changes = archive.write_statistics(table, dry_run=dry_run)
            resolution = "statistics"
        else:
            changes = archive.write_ticks(table, dry_run=dry_run)
            resolution = "tick"
        for day, merge in changes.items():
            report.stored[(resolution, day)] += merge.stored
            report.repeats[(resolution, day)] += merge.repeats
            touched.add(day)
    return touched
