"""``manage.py make_demo_ticks --start D --days N --seed S``: a synthetic tick archive (source demo)."""

from __future__ import annotations

import sys
from datetime import UTC, date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from LiveData.archive import get_tick_archive
from LiveData.demo import demo_tape, demo_walks
from LiveData.ticks import cme_day_end


class Command(BaseCommand):
    help = (
        "Write a synthetic tick archive (source 'demo') to try replay and backtest on: the demo feed's random walk "
        "for every instrument, one tick per --interval seconds per symbol, from the start of CME trading day --start "
        "for --days days (weekends included: futures trade Sunday evening to Friday). Deterministic with --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", required=True, help="first CME trading day, YYYY-MM-DD")
        parser.add_argument("--days", type=int, required=True, help="how many CME trading days")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same tape)")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between one symbol's ticks (default 1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            first = date.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError(f"--start {options['start']!r} is not a date (YYYY-MM-DD)") from exc
        if options["days"] <= 0 or options["interval"] <= 0:
            raise CommandError("--days and --interval must be positive")
        start = cme_day_end(first - timedelta(days=1)).astimezone(UTC)
        walks = demo_walks(seed=options["seed"], start=start)
        archive = get_tick_archive()
        total = 0
        with tqdm(total=options["days"], unit="day", desc="make_demo_ticks", file=sys.stderr, disable=None) as bar:
            for n in range(options["days"]):
                day = first + timedelta(days=n)
                table = demo_tape(
                    walks,
                    start=cme_day_end(day - timedelta(days=1)),
                    end=cme_day_end(day),
                    interval=options["interval"],
                    seed=options["seed"],
                )
                total += archive.append_table(table, day=day)
                archive.compact(day)
                bar.update(1)
        self.stdout.write(
            f"make_demo_ticks: {total} ticks ({len(walks)} symbols, {options['days']} days from {first}) "
            f"in {archive.root}"
        )
