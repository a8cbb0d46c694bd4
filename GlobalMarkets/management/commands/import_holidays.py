"""``manage.py import_holidays FILE [--covers-through DATE] [--dry-run]``: staff-entered holidays and
early closes from a CSV (``GlobalMarkets.services.holidays`` gives the columns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from GlobalMarkets.services.holidays import apply_holidays, parse_holiday_csv


class Command(BaseCommand):
    help = (
        "Add holidays and early closes per market from a CSV with the columns date, market, closed, open, close, "
        "source[, note] (market: country, name or calendar code, e.g. China, Shanghai or XSHG; times local HH:MM). "
        "Each row becomes a trading-day override that the monitor, the calendar sync and the backtest use. "
        "--covers-through says the file lists every holiday of its markets up to that date, so later weekdays "
        "up to it are sessions, not guesses. Bad rows are named and left out (exit 1)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument(
            "--covers-through",
            type=date.fromisoformat,
            default=None,
            help="YYYY-MM-DD: the file holds every holiday of its markets up to this date",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        parsed = parse_holiday_csv(text)
        for error in parsed.errors:
            self.stderr.write(f"{path}:{error}")
        if options["dry_run"]:
            self.stdout.write(f"{len(parsed.holidays)} day(s) would be written; {len(parsed.errors)} bad row(s)")
        else:
            written = apply_holidays(parsed.holidays, covers_through=options["covers_through"])
            for country, count in sorted(written.items()):
                self.stdout.write(f"  {country:<15} {count} day(s)")
            covered = f"; holidays entered to {options['covers_through']}" if options["covers_through"] else ""
            self.stdout.write(f"wrote {sum(written.values())} day(s){covered}; {len(parsed.errors)} bad row(s)")
        if parsed.errors:
            kept = "nothing was written (dry run)" if options["dry_run"] else "the good rows were written"
            raise CommandError(f"{len(parsed.errors)} bad row(s) in {path} (named above); {kept}")
