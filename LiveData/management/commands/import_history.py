"""``manage.py import_history PATH [PATH …] --format {lean,dbn,bars-csv}``: vendor history into the
archive (SPEC §15)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from LiveData.history.batches import HistoryFormatError
from LiveData.history.importer import DEFAULT_SOURCES, FORMATS, ImportReport, import_history, input_files
from LiveData.history.store import get_history_archive


class Command(BaseCommand):
    help = (
        "Import market history into the archive beside the ticks (THOR_TICK_DIR): QuantConnect LEAN / AlgoSeek "
        "zips (--format lean: minute, second and tick; trade, quote, open interest), Databento DBN files "
        "(--format dbn: mbp-1, tbbo, bbo-1s, bbo-1m, trades, ohlcv-1s, ohlcv-1m, statistics, definition) or plain "
        "bar CSVs (--format bars-csv). Every contract month is kept. Importing the same data again stores "
        "nothing twice; crossed or locked quotes are kept and counted; every bad row is named with its file and "
        "line (the good rows are kept) and the command then exits 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files, or folders searched recursively")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument(
            "--source",
            default=None,
            help="the data's source, kept on every row (default: "
            + ", ".join(f"{k} → {v}" for k, v in DEFAULT_SOURCES.items())
            + ")",
        )
        parser.add_argument("--interval", choices=("1s", "1m"), help="bars-csv without an interval column")
        parser.add_argument("--dry-run", action="store_true", help="read and summarise; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = get_history_archive()
        fmt = options["fmt"]
        try:
            files = input_files(options["paths"], fmt)
        except HistoryFormatError as exc:
            raise CommandError(str(exc)) from exc
        if not files:
            raise CommandError(f"no {fmt} files at {', '.join(map(str, options['paths']))}")
        bar = tqdm(total=len(files), unit="file", desc="import_history", file=sys.stderr, disable=None)
        try:
            report = import_history(
                options["paths"],
                fmt=fmt,
                archive=archive,
                source=options["source"],
                interval=options["interval"],
                dry_run=options["dry_run"],
                progress=lambda path: bar.update(1),
            )
        except HistoryFormatError as exc:
            raise CommandError(f"{exc} (files before it were imported)") from exc
        except OSError as exc:
            raise CommandError(
                f"could not write to {archive.root}: {exc}; free some space or set THOR_TICK_DIR"
            ) from exc
        finally:
            bar.close()
        self._summary(report, archive_root=str(archive.root), dry_run=options["dry_run"])
        if report.bad:
            raise CommandError(
                f"{len(report.bad)} bad rows were not imported (listed above); the good ones were", returncode=1
            )

    def _summary(self, report: ImportReport, *, archive_root: str, dry_run: bool) -> None:
        for origin, line, reason in report.bad:
            self.stderr.write(f"{origin}:{line}: {reason}")
        self.stdout.write(f"{'resolution':<11}{'contract':<10}{'CME day':<12}{'rows':>10}{'crossed':>9}")
        for (resolution, contract, day), rows in sorted(
            report.rows.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
        ):
            crossed = report.crossed.get((resolution, contract, day), 0)
            self.stdout.write(f"{resolution:<11}{contract:<10}{day.isoformat():<12}{rows:>10,}{crossed:>9,}")
        for (resolution, day), stored in sorted(report.stored.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            repeats = report.repeats[(resolution, day)]
            self.stdout.write(f"  {day.isoformat()} {resolution}: {stored:,} stored, {repeats:,} already there")
        for reason, count in sorted(report.skipped.items()):
            self.stdout.write(f"  left out: {count:,} rows — {reason}")
        verb = "would be stored (dry run)" if dry_run else f"stored in {archive_root}"
        self.stdout.write(
            f"import_history: {report.files} files, {sum(report.rows.values()):,} rows read, "
            f"{report.total_stored:,} {verb}, {report.total_repeats:,} already there, "
            f"{sum(report.crossed.values()):,} crossed or locked quotes kept, {report.contracts} contract definitions, "
            f"{len(report.bad)} bad rows"
        )
