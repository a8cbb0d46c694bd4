"""``make bench``, over HTTP: Thor under daphne on PostgreSQL with token auth (issue 11).

Run as its own process (``python -m bench.http``; ``bench/__main__`` calls it) because it needs a
PostgreSQL database of its own: ``THOR_BENCH_PG_URL`` (default ``postgres://postgres@127.0.0.1:5432``),
where it creates ``thor_bench_http`` afresh. Skipped with a message when PostgreSQL does not answer.

- the hot endpoints, sequential (p50/p99 over 200 requests on one keep-alive connection) and
  throughput (req/s with 8 connections for 3 s), with ~21k and ~105k rows of capture history;
- ``market-opens/stats/`` cold: right after a grade (a row changed and logged) before each of 30
  requests, and the first request after a write that makes the statistics store read every row
  again (5 times);
- 200 market orders from 8 threads at once: failures (5xx or no answer) and the peak number of
  PostgreSQL connections the web process held meanwhile (pg_stat_activity, sampled every 10 ms).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = [
    "/api/ThorTrading/quotes/latest",
    "/api/ThorTrading/quotes/ribbon",
    "/api/ThorTrading/market-opens/stats/",
    "/api/ThorTrading/market-opens/latest/",
    "/api/ThorTrading/market-opens/today/",
    "/api/global-markets/markets/",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(conn: http.client.HTTPConnection, path: str, token: str) -> int:
    conn.request("GET", path, headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    response.read()
    return response.status


def _timed(conn: http.client.HTTPConnection, path: str, token: str, n: int, before: Any = None) -> tuple[float, float]:
    """p50/p99 (ms) of ``n`` GETs of ``path`` on ``conn``, calling ``before()`` (untimed) before
    each; exits naming the path on any answer but 200."""
    samples = []
    for _ in range(n):
        if before is not None:
            before()
        started = time.perf_counter()
        status = _get(conn, path, token)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    conn.close()
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[round(0.99 * (len(ordered) - 1))]


def _sequential(port: int, path: str, token: str, n: int = 200) -> tuple[float, float]:
    """p50/p99 of ``n`` sequential requests on one connection, after 10 warm-up requests."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(10):
        _get(conn, path, token)
    return _timed(conn, path, token, n)


def _log_change(client: Any, change: dict[str, str]) -> None:
    """What Thor's writers do after a commit (``ThorTrading.selectors.cache._bump_on_commit``): the
    versions moved and the change logged, in one MULTI. Named here because the bench does not load
    Django."""
    pipe = client.pipeline(transaction=True)
    pipe.incr("thor:analytics:version")
    pipe.incr("thor:sessions:version")
    pipe.xadd("thor:analytics:changes", change, maxlen=10_000, approximate=True)
    pipe.execute()


def _cold_stats(port: int, token: str, redis_url: str, db: Any, n: int = 30) -> tuple[float, float, float, float]:
    """``market-opens/stats/`` right after a write, as users meet it: p50/p99 (ms) after a grade
    (one TOTAL row's P&L changed in the database and its id logged, so the web process re-reads
    that row and recomputes); and p50/max of the first request after a write that cannot name its
    rows (``all``: the web process reloads every row in the background and answers from the
    database meanwhile), five times."""
    import redis

    client = redis.Redis.from_url(redis_url)
    ids = [
        r[0]
        for r in db.execute(
            """SELECT id FROM "ThorTrading_marketsession" WHERE future = 'TOTAL' AND pnl_usd IS NOT NULL
           ORDER BY captured_at DESC LIMIT %s""",
            (n,),
        ).fetchall()
    ]
    graded = iter(ids)

    def grade() -> None:
        row = next(graded)
        db.execute("""UPDATE "ThorTrading_marketsession" SET pnl_usd = pnl_usd + 1 WHERE id = %s""", (row,))
        _log_change(client, {"ids": str(row)})

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = "/api/ThorTrading/market-opens/stats/"
    after_grade = _timed(conn, path, token, len(ids), before=grade)
    after_all = []
    for _ in range(5):  # the first request after each, with time between for the rows to load
        _log_change(client, {"all": "1"})
        after_all.append(_timed(conn, path, token, 1)[0])
        time.sleep(3)
    return (*after_grade, statistics.median(after_all), max(after_all))


def _throughput(port: int, path: str, token: str, threads: int = 8, seconds: float = 3.0) -> float:
    counts = [0] * threads
    deadline = time.perf_counter() + seconds

    def run(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            _get(conn, path, token)
            counts[i] += 1
        conn.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - started)


def _manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if out.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return out.stdout


def main() -> None:
    import psycopg

    base = os.environ.get("THOR_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    try:
        admin = psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=2)
    except psycopg.Error as exc:
        print(f"HTTP bench skipped: PostgreSQL does not answer at {base} ({exc}); set THOR_BENCH_PG_URL")
        return
    name = "thor_bench_http"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    var = tempfile.mkdtemp(prefix="thor-bench-http-")
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{name}",
        "THOR_VAR_DIR": var,
        "THOR_STACK_AUTO_START": "0",
        "DJANGO_SETTINGS_MODULE": "thor_project.settings",
        "THOR_LOG_LEVEL": "WARNING",
        "REDIS_URL": os.environ.get("THOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }
    _manage(env, "migrate", "-v", "0")
    _manage(env, "seed_thor")
    workbook = ROOT.parent / "shared" / "data" / "tos" / "rtd_2025-11-26.xlsm"
    _manage(
        env,
        "poll_tos_excel",
        "--once",
        "--file",
        str(workbook if workbook.exists() else ROOT / "LiveData/sample/rtd_sample.xlsx"),
    )
    token = (
        _manage(
            env,
            "shell",
            "-c",
            (
                "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token;"
                "from ActAndPos.models import Account;"
                "u = User.objects.create_user('bench'); Account.objects.filter(owner=u).update(cash=10**9);"
                "print(Token.objects.create(user=u).key)"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    port = _free_port()
    web = subprocess.Popen(
        ["daphne", "-b", "127.0.0.1", "-p", str(port), "thor_project.asgi:application"],
        cwd=ROOT,
        env={**env, "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                if _get(conn, "/api/health/", token) in (200, 503):
                    break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("daphne did not start") from None
                time.sleep(0.2)
        print(
            f"HTTP under daphne, PostgreSQL {name}, token auth (p50/p99 over 200 sequential requests; req/s with 8 connections)"
        )
        rows = 0
        for days in (270, 1350):
            _manage(env, "seed_demo_sessions", "--days", str(days), "--seed", "1")
            # What autovacuum does within a minute of a bulk load: fresh planner statistics.
            admin_db = psycopg.connect(f"{base}/{name}", autocommit=True)
            admin_db.execute("VACUUM ANALYZE")
            admin_db.close()
            rows = int(
                _manage(
                    env,
                    "shell",
                    "-c",
                    "from ThorTrading.models import MarketSession; print(MarketSession.objects.count())",
                ).split()[-1]
            )
            for path in ENDPOINTS:
                p50, p99 = _sequential(port, path, token)
                rate = _throughput(port, path, token)
                print(f"  {rows:>7,} rows  {path:<42} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rate:7.0f} req/s")
            bench_db = psycopg.connect(f"{base}/{name}", autocommit=True)
            p50, p99, reload_p50, reload_max = _cold_stats(port, token, env["REDIS_URL"], bench_db)
            bench_db.close()
            print(
                f"  {rows:>7,} rows  {'market-opens/stats/ cold (after a grade)':<42} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
            )
            print(
                f"  {rows:>7,} rows  {'market-opens/stats/ first after an all-rows change':<42} p50 {reload_p50:7.2f} ms  "
                f"max {reload_max:7.2f} ms"
            )
        _orders(port, token, admin, name)
    finally:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _orders(port: int, token: str, admin: Any, name: str) -> None:
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            count = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]
            peak[0] = max(peak[0], count)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    results: list[int] = []
    lock = threading.Lock()
    account = None

    def place(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(n):
            body = json.dumps({"account": account, "symbol": "VX", "side": "BUY", "quantity": 1, "order_type": "MKT"})
            try:
                conn.request(
                    "POST",
                    "/api/trades/orders",
                    body=body,
                    headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                results.append(status)
        conn.close()

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/actandpos/accounts/", headers={"Authorization": f"Token {token}"})
    account = json.loads(conn.getresponse().read())[0]["id"]
    threads = [threading.Thread(target=place, args=(25,)) for _ in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    failures = sum(1 for s in results if s == 0 or s >= 500)
    filled = sum(1 for s in results if s in (200, 201))
    print(
        f"  200 market orders from 8 threads: {filled} filled, {failures} failures (5xx or no answer) in {elapsed:.1f} s; "
        f"peak PostgreSQL connections {peak[0]} (the pool's max is THOR_DB_POOL_SIZE, 12 by default)"
    )


if __name__ == "__main__":
    main()
