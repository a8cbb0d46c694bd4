"""``manage.py export_ticks --from D --to D [--symbols ES,YM] [--output FILE]``: archived ticks as CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from LiveData.archive import get_tick_archive
from LiveData.tick_csv import write_ticks


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Export the tick archive's ticks from --from to --to (UTC dates, inclusive) as CSV, to stdout or --output: "
        "ts, symbol, bid, ask, last, volume, close, change, bid_size, ask_size, high_24h, low_24h, source. "
        "The file imports back with import_ticks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first UTC date, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last UTC date, YYYY-MM-DD (inclusive)")
        parser.add_argument("--symbols", help="comma-separated, e.g. ES,YM (default: all)")
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if end < start:
            raise CommandError(f"--to {end} is before --from {start}")
        symbols = {s.strip().upper() for s in options["symbols"].split(",")} if options["symbols"] else None
        archive = get_tick_archive()
        ticks = (
            t
            for t in archive.iter_ticks(
                datetime.combine(start, time(0), tzinfo=UTC),
                datetime.combine(end + timedelta(days=1), time(0), tzinfo=UTC),
            )
            if symbols is None or t["symbol"] in symbols
        )
        if options["output"]:
            with open(options["output"], "w", newline="") as handle:
                count = write_ticks(handle, ticks)
            self.stderr.write(f"export_ticks: {count} ticks written to {options['output']}")
        else:
            count = write_ticks(self.stdout, ticks)
            self.stderr.write(f"export_ticks: {count} ticks")
