"""``manage.py replay_ticks --from T --to T [--speed 60]``: archived ticks republished to Redis in order."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from redis.exceptions import RedisError

from LiveData.archive import get_tick_archive
from LiveData.redis_client import get_live_data_redis
from LiveData.replay import ReplayReport, paced_clock, replay_ticks
from LiveData.ticks import parse_instant


class Command(BaseCommand):
    help = (
        "Republish the tick archive's ticks from --from to --to (ISO-8601 instants with offset) in order through the "
        "poller's publish path (latest hash, channel, stream) with source 'replay', paced at --speed times real "
        "time (0 = as fast as possible). To run the whole of Thor on a replayed day use "
        "THOR_FEED_MODE=replay THOR_REPLAY_FROM=… make run instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first instant, e.g. 2025-12-01T14:00:00Z")
        parser.add_argument("--to", dest="end", required=True, help="end instant (exclusive)")
        parser.add_argument("--speed", type=float, default=1.0, help="times real time (default 1; 0 = no pacing)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_instant(options["start"]), parse_instant(options["end"])
        if start is None or end is None:
            raise CommandError("--from and --to are ISO-8601 instants with an offset, e.g. 2025-12-01T14:00:00Z")
        if end <= start:
            raise CommandError("--to must be after --from")
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 (no pacing) or more")
        archive = get_tick_archive()
        if not archive.read(start, end).num_rows:
            days = ", ".join(d.isoformat() for d in archive.days()) or "none"
            raise CommandError(
                f"no archived ticks from {start.isoformat()} to {end.isoformat()} in {archive.root}; days held: {days}"
            )
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
            signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        now = paced_clock(start=start, speed=options["speed"]) if options["speed"] else (lambda: end)
        shown = [0]

        def progress(report: ReplayReport) -> None:
            if report.ticks - shown[0] >= 10_000:
                shown[0] = report.ticks
                self.stderr.write(f"  {report.ticks} ticks, at {report.last_ts.isoformat() if report.last_ts else '-'}")

        try:
            report = replay_ticks(
                archive, get_live_data_redis(), start=start, end=end, now=now, stop=stop, progress=progress
            )
        except RedisError as exc:
            raise CommandError(f"Redis unavailable: {exc}. Start Redis or set REDIS_URL.") from exc
        self.stdout.write(
            f"replay_ticks: published {report.ticks} ticks in {report.batches} round trips"
            + (" (stopped)" if stop.is_set() else "")
        )
