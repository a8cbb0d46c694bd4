"""``make bench``, live push: publish → WebSocket client latency under daphne (issue 13, SPEC §14).

Run as its own process (``python -m bench.push``; ``bench/__main__`` calls it). daphne serves
``thor_project.asgi.application`` in a child process on a fresh SQLite file; the quote-push worker
runs in this process; both use ``THOR_BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/14, flushed)
for quotes and the RedisPubSubChannelLayer. Skipped with a message when that Redis does not answer.

For 1 and for 200 connected ``/ws/quotes/`` clients (token auth): 40 YM quotes, one every 400 ms
(slower than the 250 ms coalescing, so no quote waits for a slot), each with a unique last price; a
sample is the time from ``publish_quote`` to a client's receiving the snapshot carrying it, for every
client. The 200 sockets are spread over four client processes (wall-clock times), so that the
clients' own parsing does not queue in one interpreter and count as push latency. Prints
p50/p99/max and the daphne process's RSS with the clients connected.
"""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    redis_url = os.environ.get("THOR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    tmp = tempfile.mkdtemp(prefix="thor-bench-push-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp}/push.sqlite3",
        "THOR_VAR_DIR": tmp,
        "THOR_STACK_AUTO_START": "0",
        "REDIS_URL": redis_url,
        "THOR_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "thor_project.settings",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from thor_project.launch import free_port, redis_answers

    if not redis_answers(redis_url):
        print(f"push bench skipped: Redis does not answer at {redis_url}; set THOR_BENCH_REDIS_URL")
        return
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from core.workers import Worker
    from LiveData.redis_client import LiveDataRedis, set_live_data_redis
    from ThorTrading.workers.quote_push import QuotePusher

    call_command("migrate", verbosity=0)
    call_command("seed_thor", verbosity=0)
    live = LiveDataRedis.from_url(redis_url)
    live.client.flushdb()
    set_live_data_redis(live)
    workbook = ROOT.parent / "shared" / "data" / "tos" / "rtd_2025-11-26.xlsm"
    call_command(
        "poll_tos_excel",
        "--once",
        "--file",
        str(workbook if workbook.exists() else ROOT / "LiveData/sample/rtd_sample.xlsx"),
    )
    key = Token.objects.create(user=User.objects.create_user("bench")).key
    port = free_port()
    web = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "thor_project.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    pusher = Worker("bench-quote-push", QuotePusher(live, block_ms=100).step)
    pusher.start()
    from core.push import push

    # Once per process, not per quote: the push loop's first Redis connection and the pusher's first
    # snapshot, both before any client connects.
    push("bench-warm-up", {"type": "warm-up"}, wait=5)
    warm = live.get_latest_quote("YM")
    assert warm is not None, "no YM quote: the workbook was not read"
    live.publish_quote(warm)
    time.sleep(0.6)
    print(
        "Live push under daphne (RedisPubSubChannelLayer; publish_quote → /ws/quotes/ client, 40 quotes 400 ms apart)"
    )
    try:
        _wait_for(port)
        for clients in (1, 200):
            samples, rss = asyncio.run(_measure(port, key, live, clients))
            ordered = sorted(samples)
            p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
            print(
                f"  {clients:>4} clients  n={len(ordered):<5} p50 {statistics.median(ordered):7.1f} ms  "
                f"p99 {p99:7.1f} ms  max {ordered[-1]:7.1f} ms   daphne RSS {rss:6.1f} MB"
            )
    finally:
        pusher.stop()
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(10)
        except subprocess.TimeoutExpired:
            web.kill()
        live.client.flushdb()


def _wait_for(port: int) -> None:
    import http.client

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("daphne did not start")


#: Client processes for the 200-socket run: the clients' own Python (frame parsing, scanning for
#: the marker) must not queue behind one another in a single process and be counted as push latency.
CLIENT_PROCESSES = 4


def _client_main(port: int, key: str, count: int, markers: list[str], ready: Any, results: Any) -> None:
    """A client process: ``count`` sockets; for each marker, the wall-clock time each socket first
    received a message carrying it. Sends ``"ready"`` once connected, then the samples when told."""
    import websockets

    async def run() -> list[tuple[str, float]]:
        headers = {"Authorization": f"Token {key}", "Origin": f"http://127.0.0.1:{port}"}
        sockets = []
        for _ in range(count):
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/quotes/", additional_headers=headers, max_size=None
            )
            await ws.recv()  # the snapshot on connect
            sockets.append(ws)
        seen: list[tuple[str, float]] = []

        async def listen(ws: Any) -> None:
            pending = set(markers)
            while pending:
                text = await ws.recv()
                now = time.time()
                for marker in [m for m in pending if m in text]:
                    seen.append((marker, now))
                    pending.discard(marker)

        listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
        ready.send("ready")
        await asyncio.get_running_loop().run_in_executor(None, results.recv)  # "stop"
        for task in listeners:
            task.cancel()
        for ws in sockets:
            await ws.close()
        return seen

    results.send(asyncio.run(run()))


async def _measure(port: int, key: str, live: object, clients: int) -> tuple[list[float], float]:
    """Latency samples (ms) of ``clients`` sockets over 40 publishes, and daphne's RSS (MB) meanwhile.
    The sockets live in up to :data:`CLIENT_PROCESSES` processes; times are wall-clock (one machine)."""
    import multiprocessing

    ym = live.get_latest_quote("YM")  # type: ignore[attr-defined]
    prices = [50_000 + i * 7 + clients for i in range(40)]
    markers = [f'"last":{price}.0' for price in prices]
    context = multiprocessing.get_context("spawn")
    processes, pipes = [], []
    per = [
        clients // min(clients, CLIENT_PROCESSES) + (1 if i < clients % min(clients, CLIENT_PROCESSES) else 0)
        for i in range(min(clients, CLIENT_PROCESSES))
    ]
    for count in per:
        ready_parent, ready_child = context.Pipe()
        result_parent, result_child = context.Pipe()
        process = context.Process(target=_client_main, args=(port, key, count, markers, ready_child, result_child))
        process.start()
        processes.append(process)
        pipes.append((ready_parent, result_parent))
    for ready_parent, _ in pipes:
        await asyncio.get_running_loop().run_in_executor(None, ready_parent.recv)
    pid = int(
        subprocess.run(
            ["pgrep", "-f", f"daphne -b 127.0.0.1 -p {port}"], capture_output=True, text=True
        ).stdout.split()[0]
    )
    sent_at: dict[str, float] = {}
    rss = 0.0

    def publish(price: int, marker: str) -> None:
        sent_at[marker] = time.time()
        live.publish_quote({**ym, "last": Decimal(price), "bid": Decimal(price - 1), "ask": Decimal(price + 1)})  # type: ignore[attr-defined]

    # One quote not counted: the first message each new socket gets costs ~80 ms more, once (seen on
    # one socket as 85 ms against 3 ms for the next 39).
    await asyncio.get_running_loop().run_in_executor(None, publish, prices[0] - 3, "warm-up")
    await asyncio.sleep(0.5)
    for i, (price, marker) in enumerate(zip(prices, markers, strict=True)):
        await asyncio.get_running_loop().run_in_executor(None, publish, price, marker)
        await asyncio.sleep(0.4)
        if i == 20:
            rss = _rss_mb(pid)
    await asyncio.sleep(0.5)
    samples: list[float] = []
    for _, result_parent in pipes:
        result_parent.send("stop")
        for marker, at in result_parent.recv():
            samples.append((at - sent_at[marker]) * 1000)
    for process in processes:
        process.join(10)
    return samples, rss


if __name__ == "__main__":
    main()
