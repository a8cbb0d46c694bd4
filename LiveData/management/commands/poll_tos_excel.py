"""``manage.py poll_tos_excel``: read the TOS RTD workbook and publish its quotes to Redis."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from core import clock
from core.clock import now
from LiveData.archive import get_tick_archive
from LiveData.choices import FeedMode
from LiveData.feeds import MODES, DemoPoller, DemoSource, resolve_mode
from LiveData.redis_client import get_live_data_redis
from LiveData.replay import paced_clock, replay_ticks
from LiveData.schwab.service import run_schwab_feed
from LiveData.ticks import parse_instant
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import WorkbookError, open_reader

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Publish quotes to Redis from the feed THOR_FEED_MODE names (SPEC §13): the TOS RTD workbook (live through "
        "Excel, or the saved file), the demo random walk, or a replay of the tick archive. For the workbook: poll (sheet LiveData, range A1:N13 by default) and publish every "
        "quote to Redis: the latest-quotes hash, a pub/sub channel and the quote stream (SPEC §3.3). "
        "Runs until stopped; --once polls a single time and exits 0 when at least one quote was published."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=None, help="workbook path (default: THOR_WORKBOOK)")
        parser.add_argument("--sheet", default=None, help="sheet name (default: THOR_WORKBOOK_SHEET or LiveData)")
        parser.add_argument("--range", dest="cell_range", default=None, help="cell range, e.g. A1:N13")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1.0)")
        parser.add_argument(
            "--mode",
            choices=MODES,
            default=None,
            help="auto (default: live when Excel runs, else file when THOR_WORKBOOK is set, else demo) | "
            "live (xlwings) | file (calamine) | demo (random walk) | replay (the tick archive) | "
            "schwab (Schwab's LEVELONE_FUTURES stream)",
        )
        parser.add_argument("--once", action="store_true", help="poll once, then exit")
        parser.add_argument("--seed", type=int, default=None, help="demo: random seed (default THOR_DEMO_SEED or 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or settings.THOR_WORKBOOK
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval must be positive")
        try:
            mode = resolve_mode(options["mode"] or settings.THOR_FEED_MODE, workbook=path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        live = get_live_data_redis()
        if mode == FeedMode.REPLAY:
            self._replay(live, once=options["once"])
            return
        if mode == FeedMode.SCHWAB:
            run_schwab_feed(live, stdout=self.stdout)
            return
        poller: TosPoller
        if mode == FeedMode.DEMO:
            seed = options["seed"] if options["seed"] is not None else settings.THOR_DEMO_SEED
            poller = DemoPoller(DemoSource(seed=seed, clock=now), live, clock=now)
            self.stdout.write(
                f"poll_tos_excel: demo mode (no THOR_WORKBOOK and no Excel): a random walk from the sample "
                f"workbook's prices, seed {seed}, source 'demo'"
            )
        else:
            try:
                reader = open_reader(
                    path,
                    mode=mode,
                    sheet=options["sheet"] or settings.THOR_WORKBOOK_SHEET,
                    cell_range=options["cell_range"] or settings.THOR_WORKBOOK_RANGE,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            poller = TosPoller(reader, live, clock=now, workbook_label=str(path))
            self.stdout.write(f"poll_tos_excel: {reader.mode} mode, {path} [{reader.sheet}!{reader.cell_range}]")
        if options["once"]:
            self._once(poller)
            return
        stop = threading.Event()

        def _stop(signum: int, frame: Any) -> None:
            stop.set()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
        self.stdout.write(f"polling every {interval:g}s; Ctrl+C stops")
        poller.run(interval=interval, stop=stop)
        self.stdout.write(f"poll_tos_excel stopped after {poller.cycles} cycles")

    def _replay(self, live: Any, *, once: bool) -> None:
        archive = get_tick_archive()
        start = parse_instant(settings.THOR_REPLAY_FROM)
        if start is None:
            raise CommandError(
                "replay mode needs THOR_REPLAY_FROM, an ISO-8601 instant with offset "
                "(e.g. THOR_REPLAY_FROM=2025-12-01T00:00:00Z); the archive holds: "
                + (", ".join(d.isoformat() for d in archive.days()) or "no days yet")
            )
        last = archive.last_tick_time()
        end = parse_instant(settings.THOR_REPLAY_TO) or (last + timedelta(microseconds=1) if last else start)
        # On Thor's own clock when it is not the wall clock (make run starts it at the tape); on the
        # wall clock, ticks are paced from now at THOR_CLOCK_SPEED.
        when = (
            now if not isinstance(clock.get_clock(), clock.RealClock) else paced_clock(start=start, speed=clock.speed())
        )
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
            signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
        self.stdout.write(
            f"poll_tos_excel: replay mode, ticks from {start.isoformat()} to {end.isoformat()} "
            f"(THOR_REPLAY_TO or the archive's last tick), source 'replay'"
        )

        def progress(report: Any) -> None:
            try:
                live.set_feed_status(
                    {
                        "state": "ok",
                        "mode": FeedMode.REPLAY,
                        "last_poll_at": now().isoformat(),
                        "last_success_at": now().isoformat(),
                        "quotes_published": report.ticks,
                        "workbook": f"tick archive from {start.isoformat()}",
                    }
                )
            except RedisError:
                logger.warning("replay: feed status not written (Redis unavailable)")

        if once:
            due = min(end, when() + timedelta(microseconds=1))
            report = replay_ticks(archive, live, start=start, end=due, now=when, stop=stop, progress=progress)
        else:
            report = replay_ticks(archive, live, start=start, end=end, now=when, stop=stop, progress=progress)
        self.stdout.write(
            f"replay: {report.ticks} ticks published in {report.batches} round trips; last tick "
            f"{report.last_ts.isoformat() if report.last_ts else 'none'}"
        )
        if not once and not stop.is_set():
            # The tape is over, Thor is not: an exiting feed would make the process runner stop the
            # web process too. Stay until stopped, saying so in the feed status.
            self.stdout.write("replay finished; the feed stays idle until stopped (Ctrl+C)")
            live.set_feed_status(
                {"state": "replay finished", "mode": FeedMode.REPLAY, "last_poll_at": now().isoformat()}
            )
            stop.wait()

    def _once(self, poller: TosPoller) -> None:
        try:
            report = poller.poll_once()
        except RedisError as exc:
            poller.report_status(None, error=f"redis: {exc}")
            raise CommandError(f"Redis unavailable: {exc}. Start Redis or set REDIS_URL.") from exc
        except (WorkbookError, ValueError, OSError) as exc:
            poller.report_status(None, error=f"workbook: {exc}")
            raise CommandError(f"cannot read the workbook: {exc}") from exc
        poller.report_status(report)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"published {report.published} quotes ({report.changed} changed); "
            f"not quotes: {', '.join(report.not_quotes) or 'none'}; "
            f"read {report.read_ms:.2f} ms, publish {report.publish_ms:.2f} ms"
        )
        if report.published == 0:
            raise CommandError("no quotes in the workbook: is TOS running and the sheet filled?", returncode=1)
