"""``manage.py poll_tos_excel``: read the TOS RTD workbook and publish its quotes to Redis."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from LiveData.redis_client import get_live_data_redis
from LiveData.tos.poller import TosPoller
from LiveData.tos.workbook import WorkbookError, open_reader
from thor_project.clock import now


class Command(BaseCommand):
    help = (
        "Poll the Thinkorswim RTD workbook (sheet LiveData, range A1:N13 by default) and publish every "
        "quote to Redis: the latest-quotes hash, a pub/sub channel and the quote stream (SPEC §3.3). "
        "Runs until stopped; --once polls a single time and exits 0 when at least one quote was published."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", default=None, help="workbook path (default: THOR_WORKBOOK)")
        parser.add_argument("--sheet", default=None, help="sheet name (default: THOR_WORKBOOK_SHEET or LiveData)")
        parser.add_argument("--range", dest="cell_range", default=None, help="cell range, e.g. A1:N13")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls (default 1.0)")
        parser.add_argument("--mode", choices=["auto", "live", "file"], default=None, help="auto | live (xlwings) | file (calamine)")
        parser.add_argument("--once", action="store_true", help="poll once, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"] or settings.THOR_WORKBOOK
        interval = options["interval"]
        if interval <= 0:
            raise CommandError("--interval must be positive")
        try:
            reader = open_reader(
                path,
                mode=options["mode"] or settings.THOR_FEED_MODE,
                sheet=options["sheet"] or settings.THOR_WORKBOOK_SHEET,
                cell_range=options["cell_range"] or settings.THOR_WORKBOOK_RANGE,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        live = get_live_data_redis()
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
