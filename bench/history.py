"""Real-history figures for ``make bench`` (SPEC §15), on one core (pyarrow limited to one thread):

- DBN import: the Databento MBP-1 sample tiled into a larger file (same records, shifted in time),
  records/s for the decode alone (``read_dbn``: zstd, metadata, one numpy view, columns) and for the
  whole import (decode + de-duplication + Parquet);
- LEAN import: every AlgoSeek zip in ``../shared/data/real/lean``, rows/s end to end;
- bar backtest: a synthetic year of 1-minute bars for the 11 futures (bid, ask and trade OHLC), the
  load (Parquet → per-contract numpy arrays) and the run (snapshot + first touch on bars at every
  capturing open) timed apart.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"


def _line(label: str, count: int, unit: str, seconds: float, extra: str = "") -> str:
    return f"{label:<34} {count:>10,} {unit} in {seconds:7.2f} s = {count / seconds:>12,.0f} {unit}/s{extra}"


def _tiled_dbn(source: Path, target: Path, copies: int) -> int:
    """``source``'s records ``copies`` times, each copy 4 minutes later, as one zstd DBN file."""
    import databento_dbn
    import numpy as np
    import zstandard

    from LiveData.history.dbn import decompress

    data = decompress(source)
    header = 8 + int.from_bytes(data[4:8], "little")
    dtype = np.dtype(list(databento_dbn.MBP1Msg._dtypes))
    records = np.frombuffer(data[header:], dtype=dtype)
    tiles = []
    for n in range(copies):
        tile = records.copy()
        shift = np.uint64(n * 240 * 1_000_000_000)
        tile["ts_event"] += shift
        tile["ts_recv"] += shift
        tiles.append(tile.tobytes())
    target.write_bytes(zstandard.ZstdCompressor(level=3).compress(data[:header] + b"".join(tiles)))
    return len(records) * copies


def _synthetic_year(archive: Any, first: date, days: int) -> int:
    """One-minute bars, 23 hours a CME day, for the 11 roots on one contract each; returns bars."""
    import numpy as np
    import pyarrow as pa

    from LiveData.ticks import cme_day_end

    prices = {"YM": 47000, "ES": 6800, "NQ": 25000, "RTY": 2500, "CL": 60, "SI": 57, "HG": 5.2, "GC": 4200,
              "VX": 17, "DX": 99.5, "ZB": 117}  # fmt: skip
    # Each root's tick: prices lie on the tick grid, as an exchange's do.
    ticks = {"YM": 1, "ES": 0.25, "NQ": 0.25, "RTY": 0.1, "CL": 0.01, "SI": 0.005, "HG": 0.0005, "GC": 0.1,
             "VX": 0.05, "DX": 0.005, "ZB": 1 / 32}  # fmt: skip
    rng = np.random.default_rng(7)
    total = 0
    day = first
    written = 0
    while written < days:
        if day.weekday() < 5:
            start = cme_day_end(day - timedelta(days=1)).astimezone(UTC)
            minutes = np.arange(23 * 60, dtype=np.int64)
            ts = np.int64(int(start.timestamp()) * 1_000_000_000) + minutes * 60_000_000_000
            columns: dict[str, list[Any]] = {}
            for root, base in prices.items():
                step = base * 0.0004
                close = base + np.cumsum(rng.normal(0, step, len(ts)))
                spread = base * 0.0001
                open_ = np.concatenate(([close[0]], close[:-1]))
                high = np.maximum(open_, close) + abs(rng.normal(0, step, len(ts)))
                low = np.minimum(open_, close) - abs(rng.normal(0, step, len(ts)))
                per_tick = round(1 / ticks[root])

                def grid(values: Any, n: int = per_tick) -> Any:
                    return np.round(values * n) / n

                close, open_, high, low = grid(close), grid(open_), grid(high), grid(low)
                spread = max(round(spread * per_tick), 1) / per_tick
                part = {
                    "ts": ts, "symbol": [root] * len(ts), "contract": [f"{root}Z26"] * len(ts),
                    "open": open_, "high": high, "low": low, "close": close, "volume": rng.integers(1, 500, len(ts)),
                    "bid_open": grid(open_ - spread), "bid_high": grid(high - spread), "bid_low": grid(low - spread),
                    "bid_close": grid(close - spread),
                    "ask_open": open_, "ask_high": high, "ask_low": low, "ask_close": close,
                }  # fmt: skip
                for key, values in part.items():
                    columns.setdefault(key, []).append(values)
            table = pa.table(
                {
                    k: pa.array(np.concatenate(v), pa.timestamp("ns", tz="UTC"))
                    if k == "ts"
                    else pa.array(np.concatenate(v))
                    for k, v in columns.items()
                }
            )
            archive.write_bars("1m", table)
            total += table.num_rows
            written += 1
        day += timedelta(days=1)
    return total


def run() -> None:
    """Print the figures."""
    import pyarrow as pa

    from LiveData.history.dbn import read_dbn
    from LiveData.history.importer import import_history
    from LiveData.history.store import HistoryArchive
    from ThorTrading import backtest
    from ThorTrading.backtest import Variant
    from ThorTrading.services.backtest import backtest_markets, backtest_opens, market_data
    from ThorTrading.services.config import get_trading_config

    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    tmp = Path(tempfile.mkdtemp(prefix="thor-bench-history-"))
    mbp = REAL / "databento" / "futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst"
    if mbp.exists():
        big = tmp / "dbn" / "tiled_mbp-1.dbn.zst"
        big.parent.mkdir()
        records = _tiled_dbn(mbp, big, 400)
        timings, rows = [], 0
        for _ in range(3):  # the median of three: the first also pays the imports and page faults
            began = time.perf_counter()
            rows = sum(b.table.num_rows for b in read_dbn(big, source="bench", known={118: "ESU4"}))
            timings.append(time.perf_counter() - began)
        print(_line("DBN mbp-1 decode (read_dbn, median)", rows, "records", statistics.median(timings)))
        began = time.perf_counter()
        import_history([big], fmt="dbn", archive=HistoryArchive(tmp / "a1"))
        print(_line("DBN mbp-1 import (decode + store)", records, "records", time.perf_counter() - began))
    lean = REAL / "lean"
    if lean.exists():
        began = time.perf_counter()
        report = import_history([lean], fmt="lean", archive=HistoryArchive(tmp / "a2"))
        read = sum(report.rows.values())
        print(_line("LEAN import (42 zips, end to end)", read, "rows", time.perf_counter() - began))

    archive = HistoryArchive(tmp / "year")
    first = date(2026, 1, 5)
    began = time.perf_counter()
    bars = _synthetic_year(archive, first, 250)
    archive.reindex(archive.bar_days("1m"))
    print(_line("synthetic year of 1m bars written", bars, "bars", time.perf_counter() - began))
    opens = backtest_opens(start=first, end=first + timedelta(days=364), markets=backtest_markets(None))
    config = Variant(target_mode="USD", profit_target=Decimal(100), stop_loss=Decimal(100)).apply(get_trading_config())
    began = time.perf_counter()
    market = market_data(archive.ticks, opens[0].open_at - timedelta(days=1), opens[-1].open_at + timedelta(hours=1))
    load = time.perf_counter() - began
    began = time.perf_counter()
    trades = backtest.run(market, opens, config)
    runtime = time.perf_counter() - began
    resolved = sum(1 for t in trades if t["wndw"] in ("WORKED", "DIDNT_WORK", "EXPIRED"))
    loaded = sum(t.rows for t in market.bars.values())
    print(
        f"{'bar backtest, one year':<34} {loaded:>10,} bars, {len(opens)} opens, {len(trades)} rows ({resolved} resolved)"
    )
    print(_line("  load (Parquet → numpy)", loaded, "bars", load))
    print(
        _line(
            "  run, 30-minute window",
            loaded,
            "bars",
            runtime,
            f"  ({1000 * runtime / max(1, len(opens)):.2f} ms per open)",
        )
    )
    print(_line("  end to end (load + run)", loaded, "bars", load + runtime))
    print(f"{'':<34} goal ≤ 2 s end to end: {'met' if load + runtime <= 2 else 'not met'}")
    _sweep(market, opens)


def _sweep(market: Any, opens: list[Any]) -> None:
    """Sweep throughput (issue 26): target × stop × window variants over the year's opens, on one core:
    the arrays (every cell of a trade at once), then every variant's statistics, gross and net."""
    from GlobalMarkets.reference import CONTROL_COUNTRIES
    from ThorTrading import backtest, research
    from ThorTrading.backtest import SweepCell
    from ThorTrading.services.config import get_trading_config
    from ThorTrading.services.sweep import net_cents

    config = get_trading_config()
    amounts = [Decimal(v) for v in (25, 50, 75, 100, 125, 150, 200, 250, 300, 400)]
    cells = [
        SweepCell("USD", t, s, w)
        for t in amounts
        for s in amounts
        for w in (15, 30, 45, 60, 90, 120, 180, 240, 300, 360)
    ]
    began = time.perf_counter()
    arrays = backtest.sweep_arrays(market, opens, config, cells)
    graded = time.perf_counter() - began
    traded = int(arrays.entry.sum())
    costs = {i.symbol: research.Costs(Decimal("2.25")) for i in config.instruments}
    began = time.perf_counter()
    net = net_cents(arrays, costs, {i.symbol: i.tick_value for i in config.instruments})
    now = opens[-1].open_at
    for c in range(len(cells)):
        backtest.sweep_stats(arrays, c, future="all", market_order=CONTROL_COUNTRIES, now=now)
        backtest.sweep_stats(arrays, c, future="all", market_order=CONTROL_COUNTRIES, now=now, cents=net[c])
    figures = time.perf_counter() - began
    answered = traded * len(cells)
    print(f"{'sweep, one year of 1m bars':<34} {len(cells):,} variants × {traded:,} traded rows ({len(opens)} opens)")
    print(_line("  grade every variant (arrays)", answered, "variant-trades", graded))
    print(f"{'  statistics, gross and net':<34} {figures:.2f} s ({1000 * figures / len(cells):.2f} ms a variant)")
    total = graded + figures
    print(
        f"{'':<34} goal 1,000 variants ≤ 10 s end to end (plus the load above): {total:.2f} s — "
        f"{'met' if total <= 10 else 'not met'}"
    )
