"""``manage.py make_demo_ticks --start D --days N --seed S``: a synthetic tick archive (source demo)."""

from __future__ import annotations

import sys
from datetime import UTC, date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from LiveData.archive import get_tick_archive
from LiveData.demo import NS, demo_walks, to_ns
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
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between one symbol's ticks (default 1)")

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
        step = int(options["interval"] * NS)
        total = 0
        with tqdm(total=options["days"], unit="day", desc="make_demo_ticks", file=sys.stderr, disable=None) as bar:
            for n in range(options["days"]):
                day = first + timedelta(days=n)
                lo, hi = to_ns(cme_day_end(day - timedelta(days=1))), to_ns(cme_day_end(day))
                ts = np.arange(lo + step, hi, step, dtype=np.int64)
                columns: dict[str, list[Any]] = {k: [] for k in ("ts", "symbol", "bid", "ask", "last", "close", "change",
                                                                 "high_24h", "low_24h", "bid_size", "ask_size", "volume")}
                for walk in walks:
                    # Each symbol ticks a little off the others' beat, as a real feed does.
                    jitter = (np.random.default_rng([options["seed"], walk.index, n]).random(len(ts)) * step * 0.9).astype(np.int64)
                    jitter -= jitter % 1000  # whole microseconds, like the stream's timestamps
                    mine = ts + jitter
                    arrays = walk.advance(mine)
                    last, close = walk.prices(arrays["last"]), walk.prices(arrays["close"])
                    columns["ts"].append(mine)
                    columns["symbol"].append(np.full(len(ts), walk.symbol, dtype=object))
                    for name, key in (("bid", "bid"), ("ask", "ask"), ("high_24h", "high"), ("low_24h", "low")):
                        columns[name].append(walk.prices(arrays[key]))
                    columns["last"].append(last)
                    columns["close"].append(close)
                    columns["change"].append(np.round(last - close, walk.decimals))
                    for name in ("bid_size", "ask_size", "volume"):
                        values = arrays[name].astype(float)
                        columns[name].append(np.where(values < 0, np.nan, values))
                merged = {k: np.concatenate(v) for k, v in columns.items()}
                order = np.argsort(merged["ts"], kind="stable")
                total += archive.append_table(self._table(merged, order), day=day)
                archive.compact(day)
                bar.update(1)
        self.stdout.write(f"make_demo_ticks: {total} ticks ({len(walks)} symbols, {options['days']} days from {first}) "
                          f"in {archive.root}")

    @staticmethod
    def _table(merged: dict[str, np.ndarray], order: np.ndarray) -> pa.Table:
        """The day's ticks straight into Arrow (millions of rows: no dict per tick)."""
        return pa.table({
            "ts": pa.array(merged["ts"][order], pa.timestamp("ns", tz="UTC")),
            "symbol": pa.array(merged["symbol"][order], pa.string()),
            **{k: pa.array(merged[k][order], pa.float64(), from_pandas=True) for k in
               ("bid", "ask", "last", "close", "change", "high_24h", "low_24h")},
            **{k: pa.array(merged[k][order], pa.float64(), from_pandas=True).cast(pa.int64()) for k in
               ("bid_size", "ask_size", "volume")},
            "source": pa.array(np.full(len(order), "demo", dtype=object), pa.string()),
        })
