"""``make bench``: figures for Thor's hot paths (median and p99, with the machine and run counts).

- poll cycle: read + parse the workbook and publish 11 quotes to Redis (one ``poll_once``)
- ``quotes/latest``: one authenticated request through Django and DRF (in process, warm cache)
- tick-to-graded: a quote that touches a target is written to the stream → the row is WORKED in the database
- capture: one ``capture_market_open`` (12 rows, one transaction)
- analytics: ``market-opens/stats/`` (the statistics store's full load, after a grade, cached, and
  computed from the database as without Redis) and ``insight/`` over five years of demo history
  (10 markets × ~260 weekdays × 12 rows a year), in process
- intraday: ticks per second through the bar / VWAP / CME-day / 52-week path (apply + per-minute
  flush), and the database writes per minute
- tick archive, recorder, replay and backtest throughput (``bench/ticks.py``)
- over HTTP against daphne on PostgreSQL (``bench/http.py``) and live push over WebSockets
  (``bench/push.py``: publish → client latency with 1 and 200 clients, daphne's RSS)

Redis: ``THOR_BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/14, flushed) when it answers, else
fakeredis in process. Database: a fresh SQLite file in a temporary folder, or ``THOR_BENCH_DATABASE_URL``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT.parent / "shared" / "data" / "tos" / "rtd_2025-11-26.xlsm"
if not WORKBOOK.exists():
    WORKBOOK = ROOT / "LiveData" / "sample" / "rtd_sample.xlsx"


def summary(name: str, samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"{name:<34} n={len(ordered):<5} median {statistics.median(ordered):8.3f} ms   "
        f"p99 {p99:8.3f} ms   max {ordered[-1]:8.3f} ms"
    )


def timed(fn: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="thor-bench-")
    os.environ.setdefault("THOR_VAR_DIR", tmp)
    os.environ["DATABASE_URL"] = os.environ.get("THOR_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["THOR_STACK_AUTO_START"] = "0"
    os.environ["THOR_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "thor_project.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    import fakeredis
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from core import clock
    from core.workers import Worker
    from GlobalMarkets.models import Market
    from LiveData.redis_client import LiveDataRedis, set_live_data_redis
    from LiveData.tos.poller import TosPoller
    from LiveData.tos.workbook import FileWorkbookReader
    from thor_project.launch import redis_answers
    from ThorTrading.models import MarketSession
    from ThorTrading.services.capture import capture_market_open
    from ThorTrading.services.seed import seed_thor
    from ThorTrading.workers.grader import Grader

    redis_url = os.environ.get("THOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    if redis_answers(redis_url):
        live = LiveDataRedis.from_url(redis_url)
        live.client.flushdb()
        redis_kind = f"Redis at {redis_url}"
    else:
        live = LiveDataRedis(fakeredis.FakeRedis(decode_responses=True))
        redis_kind = "fakeredis (in process)"
    set_live_data_redis(live)
    call_command("migrate", verbosity=0)
    seed_thor()

    from django.db import connection

    print("Thor benchmarks")
    print(
        f"  machine: {platform.machine()} {platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    print(f"  redis: {redis_kind}; database: {connection.vendor}; workbook: {WORKBOOK.name}")
    print()

    poller = TosPoller(FileWorkbookReader(WORKBOOK), live, clock=clock.now)
    print(summary("poll cycle (read+parse+publish)", timed(poller.poll_once, 500)))
    parse_only = timed(poller.parse, 500)
    print(summary("  of which read+parse", parse_only))

    api = APIClient()
    api.force_authenticate(User.objects.create_user("bench"))
    print(summary("GET quotes/latest (in process)", timed(lambda: api.get("/api/ThorTrading/quotes/latest"), 500)))

    usa = Market.objects.get(country="USA")
    print(summary("capture_market_open (12 rows)", timed(lambda: capture_market_open(market=usa, force=True), 50)))

    # Tick-to-graded: one pending YM long per run; a tick at its target; wait for WORKED.
    MarketSession.objects.all().delete()
    worker = Worker("bench-grader", Grader(live, block_ms=100).step)
    worker.start()
    samples = []
    try:
        for _ in range(50):
            capture_market_open(market=usa, force=True)
            row = MarketSession.objects.filter(future="YM").order_by("-id").first()
            assert row is not None and row.target_high is not None and row.wndw == "PENDING"
            quote = live.get_latest_quote("YM")
            assert quote is not None
            quote["bid"] = row.target_high
            quote["ts_ingest"] = clock.now().isoformat()
            start = time.perf_counter()
            live.publish_quote(quote)
            deadline = start + 5
            while not MarketSession.objects.filter(pk=row.pk, wndw="WORKED").exists():
                if time.perf_counter() > deadline:
                    raise SystemExit("tick-to-graded: the row was not graded within 5 s")
                time.sleep(0.0005)
            samples.append((time.perf_counter() - start) * 1000)
            MarketSession.objects.filter(wndw="PENDING").update(wndw="NEUTRAL")
    finally:
        worker.stop()
    print(summary("tick-to-graded (stream → WORKED)", samples))

    # Intraday: 11 symbols, a tick each per second for an hour, through the recorder.
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from LiveData.ticks import Quote
    from ThorTrading.services.intraday import IntradayRecorder

    symbols = ["YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB"]
    recorder = IntradayRecorder.load(symbols)
    start_at = datetime(2025, 12, 1, 14, 30, tzinfo=UTC)
    quotes: list[Quote] = [
        {
            "symbol": s,
            "last": Decimal(100 + (i * 7 + j) % 13),
            "bid": Decimal(99),
            "ask": Decimal(101),
            "volume": 1000 + i * 3 + j,
            "ts_ingest": (start_at + timedelta(seconds=i)).isoformat(),
        }
        for i in range(3600)
        for j, s in enumerate(symbols)
    ]
    minutes = 0
    pending: list = []
    began = time.perf_counter()
    for index, quote in enumerate(quotes):
        closed = recorder.apply_quote(quote, now=start_at)
        if index == len(quotes) - 1:
            closed += recorder.book.close_due(start_at + timedelta(hours=2))
        pending += closed
        # The worker flushes once per step; here one step per minute of ticks (all 11 symbols).
        if len(pending) == len(symbols) or index == len(quotes) - 1:
            recorder.flush(pending, now=start_at)
            pending = []
            minutes += 1
    elapsed = time.perf_counter() - began
    writes = recorder.writes
    print(
        f"{'intraday (apply + flush)':<34} {len(quotes)} ticks in {elapsed:.2f} s = {len(quotes) / elapsed:,.0f} ticks/s; "
        f"{minutes} flushes, {writes.queries / max(minutes, 1):.1f} write queries per minute "
        f"({writes.bars} bars, {writes.days} day upserts, {writes.extremes} 52w rows)"
    )
    if "fakeredis" not in redis_kind:
        live.client.flushdb()

    from bench import ticks

    ticks.run(live)

    from bench import history

    print()
    history.run()

    # Analytics over five years of demo history.
    from datetime import date as date_cls

    from ThorTrading.services.demo import seed_demo_sessions

    MarketSession.objects.all().delete()
    began = time.perf_counter()
    rows = seed_demo_sessions(days=5 * 365, seed=1, end=date_cls(2025, 12, 1))
    print(f"{'seed_demo_sessions (5 years)':<34} {rows:,} rows in {time.perf_counter() - began:.1f} s")
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import F

    from ThorTrading.selectors.analytics import session_stats
    from ThorTrading.selectors.cache import bump_analytics_version
    from ThorTrading.selectors.stat_store import STORE

    def cold(path: str) -> Callable[[], object]:
        def call() -> object:
            cache.clear()
            return api.get(path)

        return call

    stats_path, insight_path = "/api/ThorTrading/market-opens/stats/", "/api/ThorTrading/market-opens/insight/"
    # The statistics store (issue 11): a full load of every row, then each grade re-reads one row.
    settings.THOR_STATS_LOAD_IN_BACKGROUND = False  # so the load is what a request times

    def first_request() -> object:
        STORE.reset()
        return api.get(stats_path)

    print(summary("GET stats/ loading every row", timed(first_request, 5, 1)))
    graded = iter(MarketSession.objects.filter(future="TOTAL", pnl_usd__isnull=False).values_list("id", flat=True))

    def after_a_grade(path: str) -> Callable[[], object]:
        def call() -> object:
            row = next(graded)  # what grading does: the row's P&L written, its id logged
            MarketSession.objects.filter(pk=row).update(pnl_usd=F("pnl_usd") + 1)
            bump_analytics_version(ids=[row])
            return api.get(path)

        return call

    print(summary("GET market-opens/stats/ after a grade", timed(after_a_grade(stats_path), 30, 2)))
    print(
        summary(
            "GET stats/?country=Japan&weekday=Mon",
            timed(after_a_grade(stats_path + "?country=Japan&weekday=Mon"), 30, 2),
        )
    )
    print(summary("GET market-opens/stats/ cached", timed(lambda: api.get(stats_path), 200, 2)))
    now = clock.now()
    print(
        summary(
            "stats from the database (no Redis)",
            timed(lambda: session_stats(MarketSession.objects.filter(future="TOTAL"), now=now), 30, 2),
        )
    )
    print(summary("GET market-opens/insight/ cold", timed(cold(insight_path), 30, 2)))
    print(summary("GET market-opens/insight/ cached", timed(lambda: api.get(insight_path), 200, 2)))
    print(
        summary(
            "GET market-opens/events/ (page 100)",
            timed(lambda: api.get("/api/ThorTrading/market-opens/events/"), 30, 2),
        )
    )
    print()
    sys.stdout.flush()
    # Over HTTP against daphne on PostgreSQL: a process of its own (it needs its own settings).
    import subprocess

    subprocess.run([sys.executable, "-m", "bench.http"], cwd=ROOT, check=False)
    print()
    sys.stdout.flush()
    # Live push: publish → WebSocket client, 1 and 200 clients (its own process and daphne).
    subprocess.run([sys.executable, "-m", "bench.push"], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
