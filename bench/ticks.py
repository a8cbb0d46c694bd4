"""Tick archive, replay and backtest figures for ``make bench`` (SPEC §13).

- archive write: ticks/s through ``TickArchive.append`` in the recorder's batches (dict per tick), and
  bulk (``append_table``, what ``make_demo_ticks`` uses);
- recorder: quote stream → Parquet, acknowledged, ticks/s;
- replay: archived ticks → ``publish_quotes`` (latest hash, channel, stream), ticks/s;
- backtest on one core (pyarrow and numpy limited to one thread): a 5-day, 11-symbol synthetic tape
  of ~4.75 million ticks; the tape load (Parquet → per-symbol numpy arrays) and the strategy run
  (snapshot + first touch at every capturing open) timed apart, ticks/s = tape ticks / seconds, with
  the default 30-minute window and with no window (each search runs to the end of the tape).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any


def _rate(label: str, count: int, seconds: float, extra: str = "") -> str:
    return f"{label:<34} {count:>10,} ticks in {seconds:7.2f} s = {count / seconds:>12,.0f} ticks/s{extra}"


def run(live: Any) -> None:
    """Print the figures (``live``: the bench's LiveDataRedis, flushed by the caller)."""
    import pyarrow as pa

    from LiveData.archive import TickArchive
    from LiveData.demo import demo_tape, demo_walks
    from LiveData.recorder import TickRecorder
    from LiveData.replay import replay_ticks
    from LiveData.ticks import cme_day_end
    from ThorTrading import backtest
    from ThorTrading.backtest import Tape, Variant
    from ThorTrading.services.backtest import backtest_markets, backtest_opens
    from ThorTrading.services.config import get_trading_config

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    root = Path(tempfile.mkdtemp(prefix="thor-bench-ticks-"))
    archive = TickArchive(root / "archive")
    first = date(2025, 12, 1)
    walks = demo_walks(seed=1, start=cme_day_end(first - timedelta(days=1)))
    generated = written = 0.0
    rows = 0
    for n in range(5):
        day = first + timedelta(days=n)
        began = time.perf_counter()
        table = demo_tape(walks, start=cme_day_end(day - timedelta(days=1)), end=cme_day_end(day), interval=1.0, seed=1)
        generated += time.perf_counter() - began
        began = time.perf_counter()
        rows += archive.append_table(table, day=day)
        archive.compact(day)
        written += time.perf_counter() - began
    print(_rate("demo tape generation (5 days)", rows, generated))
    print(_rate("archive write, bulk + compact", rows, written))

    small = TickArchive(root / "small")
    sample = archive.read_day(first).slice(0, 200_000).to_pylist()
    began = time.perf_counter()
    for i in range(0, len(sample), 2000):
        small.append(sample[i : i + 2000])
    print(
        _rate(
            "archive write, 2,000-tick parts",
            len(sample),
            time.perf_counter() - began,
            f" ({len(list(small.parts_dir(first).iterdir()))} files after merging)",
        )
    )

    # Recorder: quotes on the stream → archived and acknowledged.
    quotes = [
        {
            "symbol": t["symbol"],
            "bid": t["bid"],
            "ask": t["ask"],
            "last": t["last"],
            "volume": t["volume"],
            "close": t["close"],
            "change": t["change"],
            "ts_ingest": t["ts"].isoformat(),
            "source": "demo",
        }
        for t in sample[:50_000]
    ]
    for i in range(0, len(quotes), 1000):
        live.publish_quotes(quotes[i : i + 1000], changed={q["symbol"] for q in quotes[i : i + 1000]})
    recorder = TickRecorder(live, TickArchive(root / "recorded"), block_ms=1, batch=5000, flush_seconds=0)
    began = time.perf_counter()
    while recorder.written < len(quotes):
        recorder.step()
    print(_rate("recorder (stream → Parquet, acked)", recorder.written, time.perf_counter() - began))
    live.client.flushdb()

    # Replay: archived ticks back through the poller's publish path, unpaced.
    start = datetime(2025, 12, 1, 14, 0, tzinfo=UTC)
    end = start + timedelta(hours=2)
    began = time.perf_counter()
    report = replay_ticks(archive, live, start=start, end=end, now=lambda: end)
    print(
        _rate(
            "replay → Redis (publish_quotes)",
            report.ticks,
            time.perf_counter() - began,
            f" ({report.batches} round trips)",
        )
    )
    live.client.flushdb()

    # Backtest: load and run apart, medians of three.
    markets = backtest_markets(None)
    opens = backtest_opens(start=first, end=first + timedelta(days=4), markets=markets)
    config = Variant(target_mode="USD", profit_target=Decimal(100), stop_loss=Decimal(100)).apply(get_trading_config())
    loads, runs, unbounded = [], [], []
    tape = None
    for _ in range(3):
        began = time.perf_counter()
        table = archive.read(opens[0].open_at - timedelta(days=1), cme_day_end(first + timedelta(days=4)))
        tape = Tape.from_table(table)
        loads.append(time.perf_counter() - began)
        began = time.perf_counter()
        trades = backtest.run(tape, opens, config)
        runs.append(time.perf_counter() - began)
        began = time.perf_counter()
        backtest.run(tape, Variant(window_minutes=0).with_window(opens), config)
        unbounded.append(time.perf_counter() - began)
    assert tape is not None
    load, strategy, open_ended = statistics.median(loads), statistics.median(runs), statistics.median(unbounded)
    resolved = sum(1 for t in trades if t["wndw"] in ("WORKED", "DIDNT_WORK", "EXPIRED"))
    print(f"{'backtest tape':<34} {tape.rows:>10,} ticks, {len(opens)} opens, {len(trades)} rows ({resolved} resolved)")
    print(_rate("  load (Parquet → numpy)", tape.rows, load))
    print(_rate("  run, 30-minute window", tape.rows, strategy, f"  ({1000 * strategy / len(opens):.1f} ms per open)"))
    print(_rate("  run, no window", tape.rows, open_ended))
    print(_rate("  end to end (load + run)", tape.rows, load + strategy))
